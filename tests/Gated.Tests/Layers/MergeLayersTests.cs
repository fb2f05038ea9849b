using Gated.IO;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers;

/// <summary>
/// Keras's merge layers Concatenate, Add and Multiply: fixed values by hand, forward and backward against
/// ReferenceMerge on 2 and 3 inputs of (B, F), (B, T, F) and (B, T, H, F) (Concatenate on axes 1, 2, −1, −2; forward
/// 1e-6, gradients 1e-6 + 1e-5 relative), every input's gradient against central differences (ε = 1e-2, the loss
/// summed in double), masks as Keras combines them, bad inputs, the refused single-input calls and Sequential, configs
/// through LayerRegistry, and results reused without allocation.
/// </summary>
public sealed class MergeLayersTests
{
    // (layer, Concatenate's axis, the inputs' shapes with the batch axis)
    public static TheoryData<string, int, string> Cases => new()
    {
        { "Concatenate", -1, "3x4 3x2" },
        { "Concatenate", 1, "3x4 3x2 3x1" },
        { "Concatenate", -1, "2x5x3 2x5x1 2x5x4" },
        { "Concatenate", 2, "2x5x3 2x5x2" },
        { "Concatenate", 1, "2x3x4 2x1x4" },
        { "Concatenate", -2, "2x3x4 2x1x4 2x2x4" },
        { "Concatenate", 2, "2x3x2x4 2x3x1x4" },
        { "Add", -1, "3x4 3x4" },
        { "Add", -1, "2x5x3 2x5x3 2x5x3" },
        { "Multiply", -1, "3x4 3x4" },
        { "Multiply", -1, "2x5x3 2x5x3 2x5x3" },
    };

    // (B, T, F) inputs only: the cases whose output has a time axis and so a mask.
    public static TheoryData<string, int, string> MaskCases => new()
    {
        { "Concatenate", -1, "2x4x3 2x4x1 2x4x2" },
        { "Concatenate", 1, "2x3x2 2x2x2 2x4x2" },
        { "Concatenate", -2, "3x2x2 3x3x2" },
        { "Add", -1, "2x4x3 2x4x3 2x4x3" },
        { "Multiply", -1, "2x4x3 2x4x3 2x4x3" },
    };

    public static TheoryData<string> Kinds => new() { "Concatenate", "Add", "Multiply" };

    [Fact]
    public void ConcatenateFixedValues()
    {
        // Keras's docstring example: x = arange(20) as (2, 2, 5), y = arange(20, 30) as (2, 1, 5), joined on axis 1.
        var layer = Built(new Concatenate(axis: 1), [2, 5], [1, 5]);
        var x = new Tensor([.. Enumerable.Range(0, 20).Select(i => (float)i)], 2, 2, 5);
        var y = new Tensor([.. Enumerable.Range(20, 10).Select(i => (float)i)], 2, 1, 5);
        var joined = layer.Forward([x, y], training: true);
        Assert.Equal(new[] { 2, 3, 5 }, joined.Shape);
        Assert.Equal(new[] { 3, 5 }, layer.OutputShape);
        float[] expected = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 24, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 25, 26, 27, 28, 29];
        Assert.Equal(expected, joined.Data);

        // Backward hands each input back its own slice.
        var dx = layer.BackwardInputs(new Tensor(expected, 2, 3, 5));
        Assert.Equal(x.Data, dx[0].Data);
        Assert.Equal(y.Data, dx[1].Data);

        // On the last axis: [1, 2] ++ [3] per row.
        var last = Built(new Concatenate(), [2], [1]);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, last.Forward([new Tensor([1f, 2f, 4f, 5f], 2, 2), new Tensor([3f, 6f], 2, 1)]).Data);
    }

    [Fact]
    public void AddAndMultiplyFixedValues()
    {
        Tensor[] xs = [new Tensor([2f, 0f], 1, 2), new Tensor([3f, 4f], 1, 2), new Tensor([-1f, 0.5f], 1, 2)];
        var add = Built(new Add(), [2], [2], [2]);
        Assert.Equal(new[] { 4f, 4.5f }, add.Forward(xs, training: true).Data);
        var dAdd = add.BackwardInputs(new Tensor([1f, -2f], 1, 2));
        Assert.All(dAdd, d => Assert.Equal(new[] { 1f, -2f }, d.Data));

        // A zero input still gets dy times the others' product: Multiply does not divide y by the input.
        var multiply = Built(new Multiply(), [2], [2], [2]);
        Assert.Equal(new[] { -6f, 0f }, multiply.Forward(xs, training: true).Data);
        var dMultiply = multiply.BackwardInputs(new Tensor([1f, 2f], 1, 2));
        Assert.Equal(new[] { -3f, 4f }, dMultiply[0].Data);  // dy · x1 · x2
        Assert.Equal(new[] { -2f, 0f }, dMultiply[1].Data);  // dy · x0 · x2
        Assert.Equal(new[] { 6f, 0f }, dMultiply[2].Data);   // dy · x0 · x1
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(string kind, int axis, string shapes)
    {
        var (what, full, layer, xs, random) = Setup(kind, axis, shapes, (ulong)shapes.Length + (ulong)kind.Length);
        var y = layer.Forward(xs, training: true);
        var doubles = xs.Select(x => TestData.ToDouble(x.Data)).ToArray();
        var expected = ReferenceForward(kind, doubles, full, axis, out var outputShape);
        NumericAssert.ShapeEqual(outputShape, y.Shape, what + " output shape");
        NumericAssert.Close(expected, y.Data, 1e-6, 1e-6, what + " output");

        var dy = TestData.UniformTensor(random, 1.0, outputShape);
        var dx = layer.BackwardInputs(dy);
        var expectedDx = ReferenceBackward(kind, TestData.ToDouble(dy.Data), doubles, full, axis);
        Assert.Equal(full.Length, dx.Count);
        for (int k = 0; k < full.Length; k++)
        {
            NumericAssert.ShapeEqual(full[k], dx[k].Shape, $"{what} dx{k} shape");
            NumericAssert.Close(expectedDx[k], dx[k].Data, 1e-6, 1e-5, $"{what} dx{k}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(string kind, int axis, string shapes)
    {
        var (what, _, layer, xs, random) = Setup(kind, axis, shapes, (ulong)shapes.Length + 11);
        var y = layer.Forward(xs, training: true);
        var w = TestData.UniformTensor(random, 1.0, y.Shape);
        var dx = layer.BackwardInputs(w).Select(d => d.Data.ToArray()).ToArray();

        double Loss() => TestData.WeightedSum(layer.Forward(xs).Data, w.Data);
        for (int k = 0; k < xs.Length; k++)
        {
            NumericAssert.Gradient(FiniteDifference.Gradient(xs[k].Data, Loss, 1e-2), dx[k], 1e-2, 0.1, $"{what} dx{k}");
        }
    }

    [Theory]
    [MemberData(nameof(MaskCases))]
    public void MasksCombineAsKeras(string kind, int axis, string shapes)
    {
        var (what, full, layer, xs, random) = Setup(kind, axis, shapes, (ulong)shapes.Length + 5);

        // Input 1 carries no mask; the others padding at step 1 of sample 0 and at random steps.
        var masks = new Tensor?[xs.Length];
        for (int k = 0; k < xs.Length; k++)
        {
            if (k != 1)
            {
                int steps = full[k][0] * full[k][1];
                masks[k] = new Tensor([.. TestData.Uniform(random, steps, 1.0).Select(v => v > -0.4f ? 1f : 0f)], full[k][0], full[k][1]);
                masks[k]!.Data[1] = 0f;
            }
        }

        var doubleMasks = masks.Select(m => m is null ? null : TestData.ToDouble(m.Data)).ToArray();
        var expected = kind == "Concatenate"
            ? ReferenceMerge.ConcatenateMask(doubleMasks, full, Positive(axis, full[0].Length))
            : ReferenceMerge.ElementwiseMask(doubleMasks);
        var mask = layer.ComputeMask(xs, masks);
        Assert.NotNull(mask);
        NumericAssert.ShapeEqual([full[0][0], layer.OutputShape[0]], mask.Shape, what + " mask shape");
        Assert.Equal(expected!, TestData.ToDouble(mask.Data));
        Assert.Contains(0f, mask.Data);

        // No mask in, none out; masks never change the values.
        Assert.Null(layer.ComputeMask(xs, new Tensor?[xs.Length]));
        Assert.Equal(layer.Forward(xs).Data, layer.Forward(xs, masks).Data);
    }

    [Fact]
    public void ConcatenatingTimeJoinsTheMasks()
    {
        // (B, 2, F) ++ (B, 3, F) on the time axis: steps 0-1 keep input 0's mask, steps 2-4 are all real (no mask).
        var layer = Built(new Concatenate(axis: 1), [2, 3], [3, 3]);
        Tensor[] xs = [new Tensor(2, 2, 3), new Tensor(2, 3, 3)];
        var mask = layer.ComputeMask(xs, [new Tensor([1f, 0f, 0f, 0f], 2, 2), null]);
        Assert.Equal(new[] { 2, 5 }, mask!.Shape);
        Assert.Equal(new[] { 1f, 0f, 1f, 1f, 1f, 0f, 0f, 1f, 1f, 1f }, mask.Data);

        var both = layer.ComputeMask(xs, [new Tensor([1f, 1f, 1f, 0f], 2, 2), new Tensor([1f, 1f, 0f, 1f, 0f, 0f], 2, 3)]);
        Assert.Equal(new[] { 1f, 1f, 1f, 1f, 0f, 1f, 0f, 1f, 0f, 0f }, both!.Data);

        // On the feature axis a step is real where every masked input's is.
        var features = Built(new Concatenate(), [2, 3], [2, 1]);
        var and = features.ComputeMask([new Tensor(1, 2, 3), new Tensor(1, 2, 1)], [new Tensor([1f, 1f], 1, 2), new Tensor([0f, 1f], 1, 2)]);
        Assert.Equal(new[] { 0f, 1f }, and!.Data);

        Assert.Equal("masks", Assert.Throws<ArgumentException>(() => layer.ComputeMask(xs, [new Tensor(2, 3), null])).ParamName);
        Assert.Equal("masks", Assert.Throws<ArgumentException>(() => layer.ComputeMask(xs, [null])).ParamName);
    }

    [Fact]
    public void InputsWithoutATimeAxisGiveNoMask()
    {
        foreach (var kind in new[] { "Concatenate", "Add", "Multiply" })
        {
            var layer = Built(Create(kind, -1), [3], [3]);
            Assert.Null(layer.ComputeMask([new Tensor(2, 3), new Tensor(2, 3)], [new Tensor(2, 1), null]));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BadInputCountsAndShapesAreRefusedWithClearMessages(string kind)
    {
        var one = Assert.Throws<ArgumentException>(() => Built(Create(kind, -1), [3]));
        Assert.Equal("inputShapes", one.ParamName);
        Assert.Contains("at least 2 inputs, got 1", one.Message, StringComparison.Ordinal);

        // Shapes that cannot merge: the message names both.
        var mismatch = Assert.Throws<ArgumentException>(() => Built(Create(kind, -1), [4, 3], [5, 3]));
        Assert.Contains("(4, 3)", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("(5, 3)", mismatch.Message, StringComparison.Ordinal);
        var rank = Assert.Throws<ArgumentException>(() => Built(Create(kind, -1), [4, 3], [3]));
        Assert.Contains("(3)", rank.Message, StringComparison.Ordinal);

        var layer = Built(Create(kind, -1), [3], [3]);
        Tensor[] good = [new Tensor(2, 3), new Tensor(2, 3)];
        Assert.Contains("takes 2 inputs, got 3", Assert.Throws<ArgumentException>(() => layer.Forward([.. good, new Tensor(2, 3)])).Message, StringComparison.Ordinal);
        Assert.Contains("input 1 must be (batch 2, 3), got (2, 4)", Assert.Throws<ArgumentException>(() => layer.Forward([good[0], new Tensor(2, 4)])).Message, StringComparison.Ordinal);
        Assert.Contains("got (3, 3)", Assert.Throws<ArgumentException>(() => layer.Forward([good[0], new Tensor(3, 3)])).Message, StringComparison.Ordinal);
        Assert.Equal("masks", Assert.Throws<ArgumentException>(() => layer.Forward(good, [null], false)).ParamName);

        Assert.Throws<InvalidOperationException>(() => layer.BackwardInputs(new Tensor(2, 3)));
        layer.Forward(good);
        Assert.Throws<InvalidOperationException>(() => layer.BackwardInputs(new Tensor(2, 3)));
        layer.Forward(good, training: true);
        Assert.Equal("outputGradient", Assert.Throws<ArgumentException>(() => layer.BackwardInputs(new Tensor(2, 4))).ParamName);
    }

    [Fact]
    public void ConcatenateAxesAreChecked()
    {
        Assert.Equal("axis", Assert.Throws<ArgumentOutOfRangeException>(() => new Concatenate(0)).ParamName);
        foreach (int axis in new[] { 3, -4, -3 })
        {
            var e = Assert.Throws<ArgumentException>(() => Built(new Concatenate(axis), [2, 3], [2, 3]));
            Assert.Contains($"axis {axis} is not a non-batch axis", e.Message, StringComparison.Ordinal);
        }

        // Sizes off the axis must agree; on it they may differ.
        Assert.Equal(new[] { 5, 3 }, Built(new Concatenate(-2), [2, 3], [3, 3]).OutputShape);
        Assert.Throws<ArgumentException>(() => Built(new Concatenate(-1), [2, 3], [3, 3]));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SingleInputCallsRefuse(string kind)
    {
        var layer = Built(Create(kind, -1), [3], [3]);
        var x = new Tensor(2, 3);
        Assert.Contains("list of tensors", Assert.Throws<NotSupportedException>(() => layer.Forward(x)).Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => layer.ForwardMasked(x, null, false));
        Assert.Throws<NotSupportedException>(() => layer.Backward(x));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ASequentialCannotBuildOne(string kind)
    {
        var model = new Sequential(new Dense(3), Create(kind, -1));
        var e = Assert.Throws<ArgumentException>(() => model.Build([4]));
        Assert.Contains($"{kind} ", e.Message, StringComparison.Ordinal);
        Assert.Contains("functional Model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationRoundTripsThroughTheRegistry()
    {
        Assert.Contains("Concatenate", LayerRegistry.KnownTypes);
        Assert.Contains("Add", LayerRegistry.KnownTypes);
        Assert.Contains("Multiply", LayerRegistry.KnownTypes);

        var concatenate = new Concatenate(axis: -2);
        Assert.Equal(new Dictionary<string, string> { ["axis"] = "-2" }, concatenate.GetConfig());
        Assert.Equal(-2, Assert.IsType<Concatenate>(LayerRegistry.Create("Concatenate", concatenate.GetConfig(), "test")).Axis);
        Assert.Equal(1, Assert.IsType<Concatenate>(LayerRegistry.Create("Concatenate", new Dictionary<string, string> { ["axis"] = "1" }, "test")).Axis);
        foreach (string bad in new[] { "0", "x", "1.5" })
        {
            var e = Assert.Throws<ModelFormatException>(() => LayerRegistry.Create("Concatenate", new Dictionary<string, string> { ["axis"] = bad }, "test"));
            Assert.Contains($"'axis' is '{bad}'", e.Message, StringComparison.Ordinal);
        }

        Assert.Empty(new Add().GetConfig());
        Assert.Empty(new Multiply().GetConfig());
        Assert.IsType<Add>(LayerRegistry.Create("Add", new Add().GetConfig(), "test"));
        Assert.IsType<Multiply>(LayerRegistry.Create("Multiply", new Multiply().GetConfig(), "test"));
        Assert.Equal(["Add", "Multiply", "Concatenate"], new Layer[] { new Add(), new Multiply(), new Concatenate() }.Select(l => l.TypeName));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReusedResultsAreTheSameTensorsAndAllocateNothing(string kind, int axis, string shapes)
    {
        var full = Shapes(shapes);
        var random = new SeededRandom(9);
        var xs = full.Select(s => TestData.UniformTensor(random, 2.0, s)).ToArray();
        var masks = new Tensor?[xs.Length];

        // Direct calls return new tensors each time.
        var fresh = Built(Create(kind, axis), PerSample(full));
        var dy = TestData.UniformTensor(random, 1.0, fresh.Forward(xs).Shape);
        Assert.NotSame(fresh.Forward(xs, masks, true), fresh.Forward(xs, masks, true));
        Assert.NotSame(fresh.BackwardInputs(dy)[0], fresh.BackwardInputs(dy)[0]);
        var expectedY = fresh.Forward(xs, masks, true).Data.ToArray();
        var expectedDx = fresh.BackwardInputs(dy).Select(d => d.Data.ToArray()).ToArray();

        var layer = Built(Create(kind, axis), PerSample(full));
        layer.ReusesResults = true;
        var y = layer.Forward(xs, masks, true);
        var dx = layer.BackwardInputs(dy);
        var dx0 = dx.ToArray();
        Assert.Same(y, layer.Forward(xs, masks, true));
        var again = layer.BackwardInputs(dy);
        Assert.Same(dx, again);
        for (int k = 0; k < xs.Length; k++)
        {
            Assert.Same(dx0[k], again[k]);
            Assert.Equal(expectedDx[k], again[k].Data);
        }

        Assert.Equal(expectedY, y.Data);

        long allocated = 0;
        for (int round = 0; round < 3 && (round == 0 || allocated != 0); round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                layer.Forward(xs, masks, true);
                layer.BackwardInputs(dy);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, allocated);
    }

    // A case's layer, built, and random inputs for it, with the generator for what else the test draws.
    private static (string What, int[][] Full, MultiInputLayer Layer, Tensor[] Xs, SeededRandom Random) Setup(string kind, int axis, string shapes, ulong seed)
    {
        var full = Shapes(shapes);
        var random = new SeededRandom(seed);
        var layer = Built(Create(kind, axis), PerSample(full));
        var xs = full.Select(s => TestData.UniformTensor(random, 2.0, s)).ToArray();
        return ($"{kind}(axis {axis}) {shapes}", full, layer, xs, random);
    }

    private static MultiInputLayer Create(string kind, int axis) => kind switch
    {
        "Concatenate" => new Concatenate(axis),
        "Add" => new Add(),
        "Multiply" => new Multiply(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown merge layer"),
    };

    private static MultiInputLayer Built(MultiInputLayer layer, params int[][] perSampleShapes)
    {
        layer.Build(perSampleShapes, new SeededRandom(0));
        return layer;
    }

    // "2x5x3 2x5x1" → [[2, 5, 3], [2, 5, 1]]
    private static int[][] Shapes(string text) =>
        [.. text.Split(' ').Select(s => s.Split('x').Select(int.Parse).ToArray())];

    private static int[][] PerSample(int[][] shapes) => [.. shapes.Select(s => s[1..])];

    // Concatenate's axis of the batch tensor as a non-negative index.
    private static int Positive(int axis, int rank) => axis < 0 ? axis + rank : axis;

    private static double[] ReferenceForward(string kind, double[][] xs, int[][] shapes, int axis, out int[] outputShape)
    {
        outputShape = shapes[0];
        return kind switch
        {
            "Concatenate" => ReferenceMerge.Concatenate(xs, shapes, Positive(axis, shapes[0].Length), out outputShape),
            "Add" => ReferenceMerge.Add(xs),
            _ => ReferenceMerge.Multiply(xs),
        };
    }

    private static double[][] ReferenceBackward(string kind, double[] dy, double[][] xs, int[][] shapes, int axis) => kind switch
    {
        "Concatenate" => ReferenceMerge.ConcatenateBackward(dy, shapes, Positive(axis, shapes[0].Length)),
        "Add" => ReferenceMerge.AddBackward(dy, xs.Length),
        _ => ReferenceMerge.MultiplyBackward(dy, xs),
    };
}
