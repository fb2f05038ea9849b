namespace Gated.Tensors;

/// <summary>
/// A dense, row-major float32 tensor. The first axis is the batch for layer inputs and outputs:
/// sequences are (batch, time, features), vectors are (batch, features).
/// </summary>
public sealed class Tensor
{
    public Tensor(params int[] shape)
        : this(new float[ShapeLength(shape)], shape)
    {
    }

    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (ShapeLength(shape) != data.Length)
        {
            throw new ArgumentException(
                $"Shape ({string.Join(", ", shape)}) holds {ShapeLength(shape)} values but data has {data.Length}.", nameof(data));
        }

        Data = data;
        Shape = (int[])shape.Clone();
    }

    /// <summary>The values, row-major; the tensor owns this array.</summary>
    public float[] Data { get; }

    public int[] Shape { get; }

    public int Rank => Shape.Length;

    public int Length => Data.Length;

    public Span<float> Span => Data;

    public float this[params int[] index]
    {
        get => Data[Offset(index)];
        set => Data[Offset(index)] = value;
    }

    public Tensor Clone() => new((float[])Data.Clone(), Shape);

    /// <summary>The same values seen with another shape of equal length (no copy).</summary>
    public Tensor Reshape(params int[] shape) => new(Data, shape);

    /// <summary>A copy of samples [start, start + count) along the first axis.</summary>
    public Tensor SliceBatch(int start, int count)
    {
        if (Rank == 0 || start < 0 || count < 0 || start + count > Shape[0])
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Samples [{start}, {start + count}) are outside the first axis of {FormatShape(Shape)}.");
        }

        int perSample = Shape[0] == 0 ? 0 : Length / Shape[0];
        int[] shape = (int[])Shape.Clone();
        shape[0] = count;
        return new Tensor(Data.AsSpan(start * perSample, count * perSample).ToArray(), shape);
    }

    public override string ToString() => $"Tensor({string.Join(", ", Shape)})";

    public static int ShapeLength(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape dimensions must be non-negative, got {d}.", nameof(shape));
            }

            n *= d;
            if (n > Array.MaxLength)
            {
                throw new ArgumentException("Shape is too large for one array.", nameof(shape));
            }
        }

        return (int)n;
    }

    public static string FormatShape(ReadOnlySpan<int> shape) => "(" + string.Join(", ", shape.ToArray()) + ")";

    private int Offset(int[] index)
    {
        if (index.Length != Shape.Length)
        {
            throw new ArgumentException($"Index has {index.Length} axes, tensor has {Shape.Length}.", nameof(index));
        }

        int offset = 0;
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)Shape[i])
            {
                throw new IndexOutOfRangeException($"Index {index[i]} is out of range for axis {i} of size {Shape[i]}.");
            }

            offset = (offset * Shape[i]) + index[i];
        }

        return offset;
    }
}
