using Gated.Layers.Recurrent;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// Gated's Gru against torch.nn.GRU (reset after) on the committed fixtures of Fixtures/make_pytorch_fixtures.py.
/// Tolerances: outputs and states 1e-5 absolute (they lie in (−1, 1), float32 carries ~6e-8 relative).
/// Gradients 1e-4 relative to the tensor's largest magnitude (floor 1e-3): rounding in the BPTT sums is
/// bounded by the size of the summed terms, which the tensor's scale tracks and a near-zero element's does not.
/// </summary>
public sealed class GruMatchesPyTorchTests
{
    private const double OutputTolerance = 1e-5;
    private const double GradientTolerance = 1e-4;
    private const double GradientFloor = 1e-3;

    public static TheoryData<string> SingleLayerCases => new(PyTorchFixture.Names("gru_").Where(n => !n.StartsWith("gru_stacked", StringComparison.Ordinal)));

    public static TheoryData<string> StackedCases => new(PyTorchFixture.Names("gru_stacked_"));

    [Fact]
    public void AllFixturesArePresent()
    {
        string[] expected =
        [
            "adam_tutorial",
            "gru_b1_t1_i3_h5", "gru_b1_t1_i3_h5_h0", "gru_b2_t9_i1_h17", "gru_b2_t9_i1_h17_h0",
            "gru_b3_t5_i4_h7", "gru_b3_t5_i4_h7_h0", "gru_b4_t6_i5_h33", "gru_b4_t6_i5_h33_h0",
            "gru_last_b2_t7_i3_h9_h0", "gru_last_b3_t6_i4_h5",
            "gru_stacked_b3_t8_i2_h6", "gru_stacked_b3_t8_i2_h6_h0",
        ];
        Assert.Equal(expected, PyTorchFixture.Names(""));
    }

    [Theory]
    [MemberData(nameof(SingleLayerCases))]
    public void SingleLayerMatches(string name)
    {
        var f = PyTorchFixture.Load(name);
        var (batch, steps, inputSize, units) = Dimensions(f);
        bool lastOnly = f.ConfigBool("last_step_only");
        bool withState = f.ConfigBool("initial_state");

        var gru = new Gru(units, returnSequences: !lastOnly);
        gru.Build([steps, inputSize], new SeededRandom(1));
        PyTorchLayout.Load(gru, PyTorchLayout.GruLayer(f, "", 0, units));
        Tensor? h0 = withState ? f["h0"].ToTensor(batch, units) : null;

        var y = gru.Forward(f["x"].ToTensor(), h0, training: true);
        NumericAssert.ShapeEqual(f["output"].Shape, y.Shape, $"{name} output");
        NumericAssert.Close(f["output"].Data, y.Data, OutputTolerance, 0, $"{name} output");
        NumericAssert.ShapeEqual([batch, units], gru.FinalState.Shape, $"{name} final state");
        NumericAssert.Close(f["h_n"].Data, gru.FinalState.Data, OutputTolerance, 0, $"{name} h_n");

        gru.ZeroGradients();
        var dx = gru.Backward(f["dY"].ToTensor(y.Shape));
        NumericAssert.ShapeEqual([batch, steps, inputSize], dx.Shape, $"{name} dx");
        NumericAssert.CloseToScale(f["grad_x"].Data, dx.Data, GradientTolerance, GradientFloor, $"{name} dx");
        AssertParameterGradients(gru, PyTorchLayout.GruLayer(f, "grad_", 0, units), name);
        if (withState)
        {
            Assert.NotNull(gru.InitialStateGradient);
            NumericAssert.ShapeEqual([batch, units], gru.InitialStateGradient.Shape, $"{name} dh0");
            NumericAssert.CloseToScale(f["grad_h0"].Data, gru.InitialStateGradient.Data, GradientTolerance, GradientFloor, $"{name} dh0");
        }
        else
        {
            Assert.Null(gru.InitialStateGradient);
        }
    }

    /// <summary>nn.GRU(num_layers=2) is two Gru layers, each returning its sequence; h0 (2, B, H) gives one state to each.</summary>
    [Theory]
    [MemberData(nameof(StackedCases))]
    public void TwoStackedLayersMatch(string name)
    {
        var f = PyTorchFixture.Load(name);
        var (batch, steps, inputSize, units) = Dimensions(f);
        bool withState = f.ConfigBool("initial_state");
        Assert.Equal(2, f.ConfigInt("num_layers"));
        int block = batch * units;

        var first = new Gru(units, returnSequences: true);
        var second = new Gru(units, returnSequences: true);
        first.Build([steps, inputSize], new SeededRandom(1));
        second.Build([steps, units], new SeededRandom(2));
        PyTorchLayout.Load(first, PyTorchLayout.GruLayer(f, "", 0, units));
        PyTorchLayout.Load(second, PyTorchLayout.GruLayer(f, "", 1, units));
        Tensor? State(int layer) => withState ? new Tensor(f["h0"].Data.AsSpan(layer * block, block).ToArray(), batch, units) : null;

        var y = second.Forward(first.Forward(f["x"].ToTensor(), State(0), training: true), State(1), training: true);
        NumericAssert.Close(f["output"].Data, y.Data, OutputTolerance, 0, $"{name} output");
        NumericAssert.Close(f["h_n"].Data.AsSpan(0, block), first.FinalState.Data, OutputTolerance, 0, $"{name} h_n[0]");
        NumericAssert.Close(f["h_n"].Data.AsSpan(block, block), second.FinalState.Data, OutputTolerance, 0, $"{name} h_n[1]");

        first.ZeroGradients();
        second.ZeroGradients();
        var dx = first.Backward(second.Backward(f["dY"].ToTensor(y.Shape)));
        NumericAssert.CloseToScale(f["grad_x"].Data, dx.Data, GradientTolerance, GradientFloor, $"{name} dx");
        AssertParameterGradients(first, PyTorchLayout.GruLayer(f, "grad_", 0, units), name + " layer 0");
        AssertParameterGradients(second, PyTorchLayout.GruLayer(f, "grad_", 1, units), name + " layer 1");
        if (withState)
        {
            Assert.NotNull(first.InitialStateGradient);
            Assert.NotNull(second.InitialStateGradient);
            NumericAssert.CloseToScale(f["grad_h0"].Data.AsSpan(0, block), first.InitialStateGradient.Data, GradientTolerance, GradientFloor, $"{name} dh0[0]");
            NumericAssert.CloseToScale(f["grad_h0"].Data.AsSpan(block, block), second.InitialStateGradient.Data, GradientTolerance, GradientFloor, $"{name} dh0[1]");
        }
    }

    /// <summary>The double-precision reference and the layout conversion agree with PyTorch too, so they can judge the layer.</summary>
    [Theory]
    [MemberData(nameof(SingleLayerCases))]
    public void ReferenceGruMatches(string name)
    {
        var f = PyTorchFixture.Load(name);
        var (batch, steps, inputSize, units) = Dimensions(f);
        bool lastOnly = f.ConfigBool("last_step_only");
        var w = PyTorchLayout.GruLayer(f, "", 0, units);
        var reference = new ReferenceGru(inputSize, units, w.ToDictionary(p => p.Key, p => TestData.ToDouble(p.Value)), resetAfter: true, returnSequences: !lastOnly);
        double[]? h0 = f.Has("h0") ? f["h0"].ToDouble() : null;

        var y = reference.Forward(f["x"].ToDouble(), batch, steps, new ReferenceRun { InitialStates = h0 is null ? null : [h0] });
        NumericAssert.Ok(NumericAssert.CheckClose(f["output"].ToDouble(), y, 1e-6, 0, $"{name} reference output"));
        NumericAssert.Ok(NumericAssert.CheckClose(f["h_n"].ToDouble(), reference.FinalStates[0], 1e-6, 0, $"{name} reference h_n"));

        reference.Backward(f["dY"].ToDouble());
        NumericAssert.Ok(NumericAssert.CheckCloseToScale(f["grad_x"].ToDouble(), reference.InputGradient, 1e-5, GradientFloor, $"{name} reference dx"));
        foreach (var (param, expected) in PyTorchLayout.GruLayer(f, "grad_", 0, units))
        {
            NumericAssert.Ok(NumericAssert.CheckCloseToScale(TestData.ToDouble(expected), reference.ParameterGradients[param], 1e-5, GradientFloor, $"{name} reference d{param}"));
        }

        if (h0 is not null)
        {
            NumericAssert.Ok(NumericAssert.CheckCloseToScale(f["grad_h0"].ToDouble(), reference.InitialStateGradients![0], 1e-5, GradientFloor, $"{name} reference dh0"));
        }
    }

    private static (int Batch, int Steps, int InputSize, int Units) Dimensions(PyTorchFixture f) =>
        (f.ConfigInt("batch"), f.ConfigInt("steps"), f.ConfigInt("input_size"), f.ConfigInt("hidden_size"));

    private static void AssertParameterGradients(Gru gru, Dictionary<string, float[]> expected, string what)
    {
        foreach (var p in gru.Parameters)
        {
            NumericAssert.CloseToScale(expected[p.Name], p.Gradients, GradientTolerance, GradientFloor, $"{what} d{p.Name}");
        }
    }
}
