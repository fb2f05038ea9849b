using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers;

/// <summary>
/// Dense against ReferenceDense on (B, F) and (B, T, F) inputs: forward 1e-5 absolute + 1e-5 relative, gradients
/// 1e-4 of the tensor's scale; and central differences in float (ε = 1e-2; the loss is linear in the kernel and
/// bias and in x, so the only error is float rounding; held to the GRU check's 1e-2 relative with a 0.1 × max floor).
/// </summary>
public sealed class DenseTests
{
    public static TheoryData<int[], int> Shapes => new()
    {
        { [1, 1], 1 },
        { [4, 7], 3 },
        { [3, 17], 1 },
        { [2, 5, 3], 4 },
        { [1, 1, 8], 33 },
        { [3, 6, 2], 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReference(int[] inputShape, int units)
    {
        string what = $"Dense x ({string.Join(", ", inputShape)}) U={units}";
        var random = new SeededRandom((ulong)(inputShape.Sum() + (100 * units)));
        int features = inputShape[^1];
        var dense = new Dense(units);
        dense.Build(inputShape[1..], random);
        foreach (var p in dense.Parameters)
        {
            TestData.Uniform(random, p.Length, 1.0).CopyTo(p.Values);
        }

        var reference = new ReferenceDense(features, units, TestData.ToDouble(dense.ValuesArray("kernel")), TestData.ToDouble(dense.ValuesArray("bias")));
        var x = TestData.UniformTensor(random, 1.0, inputShape);
        var y = dense.Forward(x, training: true);
        int[] expectedShape = (int[])inputShape.Clone();
        expectedShape[^1] = units;
        NumericAssert.ShapeEqual(expectedShape, y.Shape, what + " output");
        NumericAssert.Close(reference.Forward(TestData.ToDouble(x.Data)), y.Data, 1e-5, 1e-5, what + " output");

        var dy = TestData.UniformTensor(random, 1.0, y.Shape);
        dense.ZeroGradients();
        var dx = dense.Backward(dy);
        reference.Backward(TestData.ToDouble(dy.Data));
        NumericAssert.ShapeEqual(x.Shape, dx.Shape, what + " dx");
        NumericAssert.CloseToScale(reference.InputGradient, dx.Data, 1e-4, 1e-3, what + " dx");
        NumericAssert.CloseToScale(reference.KernelGradient, dense.Parameter("kernel").Gradients, 1e-4, 1e-3, what + " dkernel");
        NumericAssert.CloseToScale(reference.BiasGradient, dense.Parameter("bias").Gradients, 1e-4, 1e-3, what + " dbias");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardMatchesFiniteDifferences(int[] inputShape, int units)
    {
        string what = $"Dense x ({string.Join(", ", inputShape)}) U={units}";
        var random = new SeededRandom((ulong)(inputShape.Sum() + (100 * units) + 7));
        var dense = new Dense(units);
        dense.Build(inputShape[1..], random);
        foreach (var p in dense.Parameters)
        {
            TestData.Uniform(random, p.Length, 1.0).CopyTo(p.Values);
        }

        var x = TestData.UniformTensor(random, 1.0, inputShape);
        var y = dense.Forward(x, training: true);
        var w = TestData.UniformTensor(random, 1.0, y.Shape);
        dense.ZeroGradients();
        var dx = dense.Backward(w);

        double Loss() => TestData.WeightedSum(dense.Forward(x).Data, w.Data);
        foreach (var p in dense.Parameters)
        {
            NumericAssert.Gradient(FiniteDifference.Gradient(p, Loss, 1e-2), p.Gradients, 1e-2, 0.1, $"{what} d{p.Name}");
        }

        NumericAssert.Gradient(FiniteDifference.Gradient(x.Data, Loss, 1e-2), dx.Data, 1e-2, 0.1, what + " dx");
    }

    /// <summary>A fixed-value case small enough to check by hand: x (1, 2) · [[1, 2], [3, 4]] + [0.5, −0.5].</summary>
    [Fact]
    public void FixedValues()
    {
        var dense = new Dense(2);
        dense.Build([2], new SeededRandom(1));
        new float[] { 1, 2, 3, 4 }.CopyTo(dense.Parameter("kernel").Values);
        new float[] { 0.5f, -0.5f }.CopyTo(dense.Parameter("bias").Values);
        var y = dense.Forward(new Tensor([1f, -2f], 1, 2), training: true);
        Assert.Equal([1 - 6 + 0.5f, 2 - 8 - 0.5f], y.Data);

        dense.ZeroGradients();
        var dx = dense.Backward(new Tensor([1f, 10f], 1, 2));
        Assert.Equal([1 + 20f, 3 + 40f], dx.Data);
        Assert.Equal([1f, 10f, -2f, -20f], dense.Parameter("kernel").Gradients.ToArray());
        Assert.Equal([1f, 10f], dense.Parameter("bias").Gradients.ToArray());
    }
}
