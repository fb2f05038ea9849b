using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;
using Xunit;

namespace Gated.Tests.TestSupport;

/// <summary>
/// Runs a float recurrent layer and its double reference on the same inputs and compares everything: output, final
/// states, dx, every parameter gradient and the initial-state gradients. Tolerances as the GRU tests: outputs and
/// states 1e-5 absolute (+ 1e-5 relative, for ReLU outputs above 1); gradients 1e-4 × max(max |expected|, 1e-3).
/// </summary>
public static class RecurrentComparison
{
    public const double OutputTolerance = 1e-5;
    public const double GradientTolerance = 1e-4;
    public const double GradientFloor = 1e-3;

    /// <summary>Forward (training) and Backward of layer and reference; dy of the output's shape, finalStateGradients optional.</summary>
    public static void AssertMatches(
        RecurrentLayer layer, ReferenceRecurrent reference, Tensor x, RecurrentInputs inputs, ReferenceRun run,
        SeededRandom random, bool withFinalStateGradients, string what)
    {
        int batch = x.Shape[0], steps = x.Shape[1];
        var y = layer.Forward(x, inputs, training: true);
        var expected = reference.Forward(TestData.ToDouble(x.Data), batch, steps, run);
        NumericAssert.ShapeEqual(layer.ReturnSequences ? [batch, steps, layer.Units] : [batch, layer.Units], y.Shape, what + " output");
        NumericAssert.Close(expected, y.Data, OutputTolerance, OutputTolerance, what + " output");
        Assert.Equal(layer.StateCount, layer.FinalStates.Count);
        for (int k = 0; k < layer.StateCount; k++)
        {
            NumericAssert.ShapeEqual([batch, layer.Units], layer.FinalStates[k].Shape, $"{what} final state {k}");
            NumericAssert.Close(reference.FinalStates[k], layer.FinalStates[k].Data, OutputTolerance, OutputTolerance, $"{what} final state {k}");
        }

        var dy = TestData.UniformTensor(random, 1.0, y.Shape);
        Tensor?[]? finalGradients = withFinalStateGradients
            ? Enumerable.Range(0, layer.StateCount).Select(_ => (Tensor?)TestData.UniformTensor(random, 1.0, batch, layer.Units)).ToArray()
            : null;
        layer.ZeroGradients();
        var dx = layer.Backward(dy, finalGradients);
        reference.Backward(TestData.ToDouble(dy.Data), finalGradients?.Select(t => TestData.ToDouble(t!.Data)).ToArray());
        NumericAssert.ShapeEqual(x.Shape, dx.Shape, what + " dx");
        NumericAssert.CloseToScale(reference.InputGradient, dx.Data, GradientTolerance, GradientFloor, what + " dx");
        AssertParameterGradients(layer, reference, what);
        AssertInitialStateGradients(layer.InitialStateGradients, reference.InitialStateGradients, batch, layer.Units, what);
    }

    public static void AssertParameterGradients(Layer layer, ReferenceRecurrent reference, string what)
    {
        Assert.Equal(reference.ParameterGradients.Keys.Order(StringComparer.Ordinal), layer.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var p in layer.Parameters)
        {
            NumericAssert.CloseToScale(reference.ParameterGradients[p.Name], p.Gradients, GradientTolerance, GradientFloor, $"{what} d{p.Name}");
        }
    }

    public static void AssertInitialStateGradients(IReadOnlyList<Tensor>? actual, double[][]? expected, int batch, int units, string what)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.NotNull(actual);
        Assert.Equal(expected.Length, actual.Count);
        for (int k = 0; k < expected.Length; k++)
        {
            NumericAssert.ShapeEqual([batch, units], actual[k].Shape, $"{what} d(initial state {k})");
            NumericAssert.CloseToScale(expected[k], actual[k].Data, GradientTolerance, GradientFloor, $"{what} d(initial state {k})");
        }
    }

    /// <summary>A (B, T) mask of 0/1 with holes anywhere (Keras masks need not be post-padding); about 70% ones.</summary>
    public static Tensor RandomMask(SeededRandom random, int batch, int steps)
    {
        var mask = new Tensor(batch, steps);
        for (int i = 0; i < mask.Length; i++)
        {
            mask.Data[i] = random.NextDouble() < 0.7 ? 1f : 0f;
        }

        return mask;
    }

    /// <summary>Lengths in [1, T], one per sequence, the first one T − 1 when T &gt; 1 so some padding is always there.</summary>
    public static int[] RandomLengths(SeededRandom random, int batch, int steps) =>
        Enumerable.Range(0, batch).Select(b => b == 0 && steps > 1 ? steps - 1 : 1 + random.NextInt(steps)).ToArray();

    /// <summary>Initial states (B, H) for every state kind.</summary>
    public static Tensor[] RandomStates(SeededRandom random, int count, int batch, int units) =>
        Enumerable.Range(0, count).Select(_ => TestData.UniformTensor(random, 0.9, batch, units)).ToArray();
}
