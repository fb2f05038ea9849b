using Gated.Tensors;

namespace Gated.Tests.TestSupport;

/// <summary>One tensor of a fixture file: its shape and row-major float32 values, in the writer's own layout.</summary>
public sealed class FixtureTensor(int[] shape, float[] data)
{
    public int[] Shape { get; } = shape;

    public float[] Data { get; } = data;

    public Tensor ToTensor() => new((float[])Data.Clone(), Shape);

    /// <summary>The same values seen with another shape of equal length, e.g. PyTorch's h0 (1, B, H) as (B, H).</summary>
    public Tensor ToTensor(params int[] shape) => new((float[])Data.Clone(), shape);

    public double[] ToDouble() => Array.ConvertAll(Data, v => (double)v);
}
