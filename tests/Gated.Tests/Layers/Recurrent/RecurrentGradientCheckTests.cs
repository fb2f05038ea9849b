using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Xunit.Abstractions;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// Central finite differences of L = Σ y ⊙ w + Σ_k finalState_k ⊙ v_k (w, v fixed and random) against Backward, for
/// LSTM, SimpleRNN (tanh; ReLU with every pre-activation at least 0.05 from the kink, so no ε step crosses it),
/// GRU, and Bidirectional with each merge; with masks, lengths, goBackwards, initial states, and with input and
/// recurrent dropout on in training. Dropout masks are drawn from the layer's generator in each Forward, so every
/// evaluation of L first restores the generator state (Layer.RandomStream) taken before the analytic pass: each
/// perturbed Forward then sees exactly the masks Backward used.
/// In float on the layers (as GruGradientCheckTests: ε = 1e-2, tolerance 1e-2 relative with a floor of 0.1 × the
/// tensor's largest entry); in double on the references (ε = 1e-5, 1e-6 relative, floor 1e-2), which validates them.
/// The "repeated outputs" scenarios (zero_output_for_mask false) check that a padded step's output gradient reaches the
/// real step whose output it repeats.
/// </summary>
public sealed class RecurrentGradientCheckTests(ITestOutputHelper output)
{
    private const int B = 2, T = 4, I = 3, H = 4;
    private const double FloatEpsilon = 1e-2;
    private const double FloatRelative = 1e-2;
    private const double FloatFloorFraction = 0.1;
    private const double ReluMargin = 0.05;

    private static readonly Dictionary<string, Scenario> Scenarios = new[]
    {
        new Scenario("sequence, states, final-state gradients", true, false, true, true, StepSelection.All, 0, 0),
        new Scenario("last step", false, false, false, false, StepSelection.All, 0, 0),
        new Scenario("mask, goBackwards, states, final-state gradients", true, true, true, true, StepSelection.Mask, 0, 0),
        new Scenario("lengths, last step, states", false, false, true, false, StepSelection.Lengths, 0, 0),
        new Scenario("dropout 0.3, recurrent dropout 0.4, states, final-state gradients", true, false, true, true, StepSelection.All, 0.3f, 0.4f),
        new Scenario("dropout with mask and goBackwards, last step", false, true, false, false, StepSelection.Mask, 0.5f, 0.25f),
        new Scenario("mask, repeated outputs, states, final-state gradients", true, false, true, true, StepSelection.Mask, 0, 0, ZeroOutputForMask: false),
        new Scenario("lengths, goBackwards, repeated outputs, dropout", true, true, false, false, StepSelection.Lengths, 0.3f, 0.2f, ZeroOutputForMask: false),
    }.ToDictionary(s => s.Name);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string cell in new[] { "lstm", "lstm_pytorch", "rnn_tanh", "rnn_relu_pytorch", "rnn_relu", "gru_reset_after", "gru_reset_before" })
        {
            foreach (string scenario in Scenarios.Keys)
            {
                data.Add(cell, scenario);
            }
        }

        return data;
    }

    public static TheoryData<string, BidirectionalMerge, string> BidirectionalCases()
    {
        var data = new TheoryData<string, BidirectionalMerge, string>();
        foreach (var merge in Enum.GetValues<BidirectionalMerge>())
        {
            data.Add("lstm", merge, "sequence, states, final-state gradients");
            data.Add("gru_reset_after", merge, "sequence, states, final-state gradients");
            data.Add("rnn_tanh_pytorch", merge, "mask, goBackwards, states, final-state gradients");
            data.Add("gru_reset_after", merge, "mask, repeated outputs, states, final-state gradients");
        }

        data.Add("lstm_pytorch", BidirectionalMerge.Concat, "dropout 0.3, recurrent dropout 0.4, states, final-state gradients");
        data.Add("gru_reset_before", BidirectionalMerge.Mul, "dropout with mask and goBackwards, last step");
        data.Add("rnn_relu", BidirectionalMerge.Average, "lengths, last step, states");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LayerBackwardMatchesFiniteDifferences(string cell, string scenario)
    {
        var s = Prepare(cell, Scenarios[scenario]);
        var layer = s.Layer;
        double Loss()
        {
            s.RestoreRandom();
            var y = layer.Forward(s.X, s.Inputs, training: true);
            return TestData.WeightedSum(y.Data, s.W.Data) + FinalStateTerm(layer.FinalStates, s.V);
        }

        s.RestoreRandom();
        layer.Forward(s.X, s.Inputs, training: true);
        layer.ZeroGradients();
        var dx = layer.Backward(s.W, s.V);
        var dStates = layer.InitialStateGradients;

        var checks = new List<(string, double[], double[])>();
        foreach (var p in layer.Parameters)
        {
            double[] analytic = TestData.ToDouble(p.Gradients);
            checks.Add((p.Name, FiniteDifference.Gradient(p, Loss, FloatEpsilon), analytic));
        }

        checks.Add(("x", FiniteDifference.Gradient(s.X.Data, Loss, FloatEpsilon), TestData.ToDouble(dx.Data)));
        AddStateChecks(checks, s.Inputs.InitialStates, dStates, Loss, "");
        AssertAll(checks, $"{cell} [{scenario}]");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReferenceBackwardMatchesFiniteDifferences(string cell, string scenario)
    {
        var s = Prepare(cell, Scenarios[scenario]);
        var reference = s.Reference;
        double[] x = TestData.ToDouble(s.X.Data), w = TestData.ToDouble(s.W.Data);
        double[][]? v = s.V?.Select(t => TestData.ToDouble(t!.Data)).ToArray();
        double Loss()
        {
            double sum = TestData.WeightedSum(reference.Forward(x, B, T, s.Run), w);
            for (int k = 0; k < (v?.Length ?? 0); k++)
            {
                sum += TestData.WeightedSum(reference.FinalStates[k], v![k]);
            }

            return sum;
        }

        reference.Forward(x, B, T, s.Run);
        reference.Backward(w, v);
        var checks = reference.ParameterGradients.Select(p => (p.Key, FiniteDifference.Gradient(reference.Weights[p.Key], Loss, 1e-5), p.Value)).ToList();
        checks.Add(("x", FiniteDifference.Gradient(x, Loss, 1e-5), reference.InputGradient));
        for (int k = 0; k < (s.Run.InitialStates?.Length ?? 0); k++)
        {
            checks.Add(($"state {k}", FiniteDifference.Gradient(s.Run.InitialStates![k], Loss, 1e-5), reference.InitialStateGradients![k]));
        }

        foreach (var (name, numeric, analytic) in checks)
        {
            NumericAssert.Gradient(numeric, analytic, 1e-6, 1e-2, $"reference {cell} [{scenario}] d{name}");
        }
    }

    [Theory]
    [MemberData(nameof(BidirectionalCases))]
    public void BidirectionalBackwardMatchesFiniteDifferences(string cell, BidirectionalMerge merge, string scenario)
    {
        var sc = Scenarios[scenario];
        var random = new SeededRandom(31);
        var bi = new Bidirectional(RecurrentTestSetup.Create(cell, H, sc.Options), merge);
        bi.Build([T, I], random);
        RecurrentTestSetup.Randomize(bi, random);
        int stateCount = bi.ForwardLayer.StateCount;
        var x = TestData.UniformTensor(random, 1.0, B, T, I);
        var inputs = Inputs(sc, random, 2 * stateCount);
        var w = TestData.UniformTensor(random, 1.0, [B, .. bi.OutputShape[..^1], bi.OutputShape[^1]]);
        ulong[]? forwardRandom = bi.ForwardLayer.RandomStream?.GetState(), backwardRandom = bi.BackwardLayer.RandomStream?.GetState();
        Assert.Equal(sc.Dropout > 0, forwardRandom is not null && backwardRandom is not null);
        void Restore()
        {
            if (forwardRandom is not null)
            {
                bi.ForwardLayer.RandomStream!.SetState(forwardRandom);
                bi.BackwardLayer.RandomStream!.SetState(backwardRandom!);
            }
        }

        double Loss()
        {
            Restore();
            return TestData.WeightedSum(bi.Forward(x, inputs, training: true).Data, w.Data);
        }

        Restore();
        bi.Forward(x, inputs, training: true);
        bi.ZeroGradients();
        var dx = bi.Backward(w);
        IReadOnlyList<Tensor>? dForwardStates = bi.ForwardLayer.InitialStateGradients, dBackwardStates = bi.BackwardLayer.InitialStateGradients;
        var checks = new List<(string, double[], double[])>();
        foreach (var p in bi.Parameters)
        {
            double[] analytic = TestData.ToDouble(p.Gradients);
            checks.Add((p.FullName, FiniteDifference.Gradient(p, Loss, FloatEpsilon), analytic));
        }

        checks.Add(("x", FiniteDifference.Gradient(x.Data, Loss, FloatEpsilon), TestData.ToDouble(dx.Data)));
        AddStateChecks(checks, inputs.InitialStates?.Take(stateCount).ToArray(), dForwardStates, Loss, "forward ");
        AddStateChecks(checks, inputs.InitialStates?.Skip(stateCount).ToArray(), dBackwardStates, Loss, "backward ");
        AssertAll(checks, $"Bidirectional({cell}, {merge}) [{scenario}]");
    }

    [Theory]
    [InlineData(BidirectionalMerge.Concat)]
    [InlineData(BidirectionalMerge.Sum)]
    [InlineData(BidirectionalMerge.Mul)]
    [InlineData(BidirectionalMerge.Average)]
    public void ReferenceBidirectionalMatchesFiniteDifferences(BidirectionalMerge merge)
    {
        var random = new SeededRandom(41);
        var bi = new Bidirectional(new Lstm(H, new RecurrentOptions { ReturnSequences = true }), merge);
        bi.Build([T, I], random);
        RecurrentTestSetup.Randomize(bi, random);
        var reference = RecurrentTestSetup.Reference(bi);
        double[] x = TestData.ToDouble(TestData.Uniform(random, B * T * I, 1.0));
        var mask = TestData.ToDouble(RecurrentComparison.RandomMask(random, B, T).Data);
        var run = new ReferenceRun { Mask = mask };
        double[] w = TestData.ToDouble(TestData.Uniform(random, B * T * (merge == BidirectionalMerge.Concat ? 2 * H : H), 1.0));
        double Loss() => TestData.WeightedSum(reference.Forward(x, B, T, run, run), w);
        reference.Forward(x, B, T, run, run);
        reference.Backward(w);
        foreach (var (name, layer) in new[] { ("forward", reference.ForwardLayer), ("backward", reference.BackwardLayer) })
        {
            foreach (var (param, analytic) in layer.ParameterGradients)
            {
                NumericAssert.Gradient(FiniteDifference.Gradient(layer.Weights[param], Loss, 1e-5), analytic, 1e-6, 1e-2, $"reference Bidirectional {merge} {name} d{param}");
            }
        }

        NumericAssert.Gradient(FiniteDifference.Gradient(x, Loss, 1e-5), reference.InputGradient, 1e-6, 1e-2, $"reference Bidirectional {merge} dx");
    }

    /// <summary>The float tolerance sees a wrong LSTM gate: negating any one gate block (i, f, g, o) of any parameter's gradient fails it.</summary>
    [Fact]
    public void FlippingAnyLstmGateBlockIsCaught()
    {
        var s = Prepare("lstm_pytorch", Scenarios["sequence, states, final-state gradients"]);
        var layer = s.Layer;
        double Loss() => TestData.WeightedSum(layer.Forward(s.X, s.Inputs, training: true).Data, s.W.Data) + FinalStateTerm(layer.FinalStates, s.V);
        layer.Forward(s.X, s.Inputs, training: true);
        layer.ZeroGradients();
        layer.Backward(s.W, s.V);
        foreach (var p in layer.Parameters)
        {
            double[] analytic = TestData.ToDouble(p.Gradients);
            double[] numeric = FiniteDifference.Gradient(p, Loss, FloatEpsilon);
            Assert.Null(NumericAssert.CheckGradient(numeric, analytic, FloatRelative, FloatFloorFraction, p.Name));
            for (int gate = 0; gate < 4; gate++)
            {
                double[] flipped = (double[])analytic.Clone();
                for (int i = 0; i < flipped.Length; i++)
                {
                    if ((i % (4 * H)) / H == gate)
                    {
                        flipped[i] = -flipped[i];
                    }
                }

                Assert.True(NumericAssert.CheckGradient(numeric, flipped, FloatRelative, FloatFloorFraction, p.Name) is not null, $"d{p.Name}: negating gate block {"ifgo"[gate]} was not detected.");
            }
        }
    }

    private static double FinalStateTerm(IReadOnlyList<Tensor> finalStates, Tensor?[]? v)
    {
        double sum = 0;
        for (int k = 0; k < (v?.Length ?? 0); k++)
        {
            sum += TestData.WeightedSum(finalStates[k].Data, v![k]!.Data);
        }

        return sum;
    }

    private static void AddStateChecks(List<(string, double[], double[])> checks, IReadOnlyList<Tensor>? states, IReadOnlyList<Tensor>? gradients, Func<double> loss, string prefix)
    {
        if (states is null)
        {
            Assert.Null(gradients);
            return;
        }

        Assert.NotNull(gradients);
        for (int k = 0; k < states.Count; k++)
        {
            checks.Add(($"{prefix}state {k}", FiniteDifference.Gradient(states[k].Data, loss, FloatEpsilon), TestData.ToDouble(gradients[k].Data)));
        }
    }

    private void AssertAll(List<(string Name, double[] Numeric, double[] Analytic)> checks, string what)
    {
        foreach (var (name, numeric, analytic) in checks)
        {
            output.WriteLine($"{what} d{name}: worst error {NumericAssert.GradientRatio(numeric, analytic, FloatRelative, FloatFloorFraction):F3} × tolerance");
            NumericAssert.Gradient(numeric, analytic, FloatRelative, FloatFloorFraction, $"{what} d{name}");
        }
    }

    private static RecurrentInputs Inputs(Scenario sc, SeededRandom random, int stateCount) => new()
    {
        InitialStates = sc.States ? RecurrentComparison.RandomStates(random, stateCount, B, H) : null,
        Mask = sc.Steps == StepSelection.Mask ? RecurrentComparison.RandomMask(random, B, T) : null,
        Lengths = sc.Steps == StepSelection.Lengths ? RecurrentComparison.RandomLengths(random, B, T) : null,
    };

    // The first seed whose ReLU pre-activations all stay ReluMargin away from 0 (any seed for smooth cells).
    private static Setup Prepare(string cell, Scenario sc)
    {
        for (ulong seed = 1; seed <= 200; seed++)
        {
            var random = new SeededRandom(seed * 7919);
            var layer = RecurrentTestSetup.Create(cell, H, sc.Options);
            layer.Build([T, I], random);
            RecurrentTestSetup.Randomize(layer, random);
            var x = TestData.UniformTensor(random, 1.0, B, T, I);
            var inputs = Inputs(sc, random, layer.StateCount);
            var w = TestData.UniformTensor(random, 1.0, sc.ReturnSequences ? [B, T, H] : [B, H]);
            Tensor?[]? v = sc.FinalGradients ? RecurrentComparison.RandomStates(random, layer.StateCount, B, H) : null;
            ulong[]? state = layer.RandomStream?.GetState();
            Assert.Equal(sc.Dropout > 0, state is not null);
            var run = new ReferenceRun
            {
                InitialStates = RecurrentTestSetup.ToDouble(inputs.InitialStates),
                Mask = inputs.Mask is null ? null : TestData.ToDouble(inputs.Mask.Data),
                Lengths = inputs.Lengths?.ToArray(),
                ZeroOutputForMask = sc.ZeroOutputForMask,
            };
            if (state is not null)
            {
                run = RecurrentTestSetup.WithDropoutMasks(run, layer, state, B);
            }

            var reference = RecurrentTestSetup.Reference(layer);
            if (reference is ReferenceSimpleRnn { Relu: true } relu)
            {
                relu.Forward(TestData.ToDouble(x.Data), B, T, run);
                if (relu.SmallestPreActivation < ReluMargin)
                {
                    continue;
                }
            }

            return new Setup(layer, state, x, inputs, w, v, reference, run);
        }

        throw new InvalidOperationException($"No seed keeps every ReLU pre-activation {ReluMargin} from 0.");
    }

    private sealed record Scenario(
        string Name, bool ReturnSequences, bool GoBackwards, bool States, bool FinalGradients, StepSelection Steps, float Dropout, float RecurrentDropout, bool ZeroOutputForMask = true)
    {
        public RecurrentOptions Options => new()
        {
            ReturnSequences = ReturnSequences, GoBackwards = GoBackwards, Dropout = Dropout, RecurrentDropout = RecurrentDropout, ZeroOutputForMask = ZeroOutputForMask,
        };
    }

    private sealed record Setup(RecurrentLayer Layer, ulong[]? RandomState, Tensor X, RecurrentInputs Inputs, Tensor W, Tensor?[]? V, ReferenceRecurrent Reference, ReferenceRun Run)
    {
        public void RestoreRandom()
        {
            if (RandomState is not null)
            {
                Layer.RandomStream!.SetState(RandomState);
            }
        }
    }
}
