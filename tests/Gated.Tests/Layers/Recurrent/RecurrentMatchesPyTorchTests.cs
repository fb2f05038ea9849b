using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// Gated's Lstm, SimpleRnn, Gru and Bidirectional against torch.nn.LSTM / RNN / GRU on the committed fixtures of
/// Fixtures/make_recurrent_fixtures.py: single layers, two-layer stacks, bidirectional layers and packed
/// variable-length batches (Lengths), forward and backward, with PyTorch's two biases (separateRecurrentBias).
/// Tolerances as GruMatchesPyTorchTests: outputs and states 1e-5 absolute; gradients of loss = Σ output ⊙ dY
/// (+ Σ h_n ⊙ dh_n + Σ c_n ⊙ dc_n) 1e-4 × max(max |expected| of the tensor, 1e-3).
/// </summary>
public sealed class RecurrentMatchesPyTorchTests
{
    private const string Folder = "recurrent";
    private const double OutputTolerance = 1e-5;
    private const double GradientTolerance = 1e-4;
    private const double GradientFloor = 1e-3;

    public static TheoryData<string> StackCases => new(
        new[] { "lstm_", "rnn_tanh_", "rnn_relu_" }.SelectMany(p => PyTorchFixture.Names(p, Folder)));

    public static TheoryData<string> SingleLayerCases => new(
        new[] { "lstm_", "rnn_tanh_", "rnn_relu_" }.SelectMany(p => PyTorchFixture.Names(p, Folder)).Where(n => !n.Contains("_stacked_", StringComparison.Ordinal)));

    public static TheoryData<string> BidirectionalCases => new(PyTorchFixture.Names("bi_", Folder));

    public static TheoryData<string> PackedCases => new(PyTorchFixture.Names("packed_", Folder));

    [Fact]
    public void AllFixturesArePresent()
    {
        var names = PyTorchFixture.Names("", Folder);
        Assert.Equal(52, names.Length);
        foreach (string cell in new[] { "lstm", "rnn_tanh", "rnn_relu" })
        {
            Assert.Contains($"{cell}_b1_t1_i3_h5", names);
            Assert.Contains($"{cell}_b4_t6_i5_h33_h0", names);
            Assert.Contains($"{cell}_stacked_b3_t8_i2_h6_h0", names);
            Assert.Contains($"{cell}_final_b2_t7_i3_h9_h0", names);
            Assert.Contains($"bi_{cell}_", string.Join(" ", names), StringComparison.Ordinal);
        }

        Assert.Contains("bi_gru_b3_t5_i4_h7_h0", names);
        Assert.Contains("packed_gru_b4_t7_i3_h5_h0", names);
        Assert.Contains("packed_lstm_b4_t7_i3_h6", names);
        Assert.Contains("packed_bi_gru_b4_t7_i3_h5", names);
        Assert.Contains("train_lstm_sgd", names);
    }

    /// <summary>nn.LSTM / nn.RNN with num_layers = 1 or 2: one Gated layer per PyTorch layer, each returning its sequence (the last one may return its last step).</summary>
    [Theory]
    [MemberData(nameof(StackCases))]
    public void LayerStackMatches(string name)
    {
        var f = PyTorchFixture.Load(name, Folder);
        var d = Dims.Of(f);
        var layers = new RecurrentLayer[d.Layers];
        for (int k = 0; k < d.Layers; k++)
        {
            bool last = k == d.Layers - 1;
            layers[k] = CreateLayer(d.Cell, d.Units, returnSequences: !(last && d.LastStepOnly));
            layers[k].Build([d.Steps, k == 0 ? d.InputSize : d.Units], new SeededRandom(1));
            PyTorchLayout.Load(layers[k], Weights(f, "", d, k, reverse: false));
        }

        var y = f["x"].ToTensor();
        for (int k = 0; k < d.Layers; k++)
        {
            y = layers[k].Forward(y, new RecurrentInputs { InitialStates = InitialStates(f, d, k) }, training: true);
        }

        NumericAssert.ShapeEqual(f["output"].Shape, y.Shape, $"{name} output");
        NumericAssert.Close(f["output"].Data, y.Data, OutputTolerance, 0, $"{name} output");
        for (int k = 0; k < d.Layers; k++)
        {
            AssertFinalStates(f, d, k, layers[k].FinalStates, $"{name} layer {k}");
            layers[k].ZeroGradients();
        }

        var dy = f["dY"].ToTensor(y.Shape);
        for (int k = d.Layers - 1; k >= 0; k--)
        {
            dy = layers[k].Backward(dy, FinalStateGradients(f, d, k));
        }

        NumericAssert.ShapeEqual([d.Batch, d.Steps, d.InputSize], dy.Shape, $"{name} dx");
        NumericAssert.CloseToScale(f["grad_x"].Data, dy.Data, GradientTolerance, GradientFloor, $"{name} dx");
        for (int k = 0; k < d.Layers; k++)
        {
            AssertParameterGradients(layers[k], Weights(f, "grad_", d, k, reverse: false), $"{name} layer {k}");
            AssertInitialStateGradients(f, d, k, layers[k].InitialStateGradients, $"{name} layer {k}");
        }
    }

    /// <summary>bidirectional = True: Bidirectional(…, Concat) over the same cell; output (B, T, 2H), h_n [forward, backward].</summary>
    [Theory]
    [MemberData(nameof(BidirectionalCases))]
    public void BidirectionalMatches(string name) => AssertBidirectional(name);

    /// <summary>
    /// pack_padded_sequence(enforce_sorted=False) ↔ RecurrentInputs.Lengths: the padded output is zero past each
    /// length, h_n is the last real step's, padded inputs get zero gradient, and the backward direction of a
    /// bidirectional layer starts at each sequence's last real step.
    /// </summary>
    [Theory]
    [MemberData(nameof(PackedCases))]
    public void PackedSequencesMatchLengths(string name)
    {
        var f = PyTorchFixture.Load(name, Folder);
        var d = Dims.Of(f);
        Assert.NotNull(d.Lengths);
        if (d.Bidirectional)
        {
            AssertBidirectional(name);
            return;
        }

        var layer = CreateLayer(d.Cell, d.Units, returnSequences: true);
        layer.Build([d.Steps, d.InputSize], new SeededRandom(1));
        PyTorchLayout.Load(layer, Weights(f, "", d, 0, reverse: false));
        var inputs = new RecurrentInputs { InitialStates = InitialStates(f, d, 0), Lengths = d.Lengths };
        var y = layer.Forward(f["x"].ToTensor(), inputs, training: true);
        NumericAssert.Close(f["output"].Data, y.Data, OutputTolerance, 0, $"{name} output");
        AssertFinalStates(f, d, 0, layer.FinalStates, name);

        // The mask that says the same thing gives the same result.
        var mask = new Tensor(d.Batch, d.Steps);
        for (int b = 0; b < d.Batch; b++)
        {
            mask.Data.AsSpan(b * d.Steps, d.Lengths![b]).Fill(1f);
        }

        var masked = layer.Forward(f["x"].ToTensor(), inputs with { Lengths = null, Mask = mask }, training: true);
        Assert.Equal(y.Data, masked.Data);

        layer.ZeroGradients();
        var dx = layer.Backward(f["dY"].ToTensor(y.Shape), FinalStateGradients(f, d, 0));
        NumericAssert.CloseToScale(f["grad_x"].Data, dx.Data, GradientTolerance, GradientFloor, $"{name} dx");
        AssertPaddedStepsHaveNoGradient(d, dx, name);
        AssertParameterGradients(layer, Weights(f, "grad_", d, 0, reverse: false), name);
        AssertInitialStateGradients(f, d, 0, layer.InitialStateGradients, name);
    }

    /// <summary>Keras's single LSTM / SimpleRNN bias is PyTorch's b_ih + b_hh: same outputs; its gradient is that of either PyTorch bias.</summary>
    [Theory]
    [InlineData("lstm_b3_t5_i4_h7_h0")]
    [InlineData("lstm_final_b2_t7_i3_h9_h0")]
    [InlineData("rnn_tanh_b2_t9_i1_h17")]
    [InlineData("rnn_relu_final_b2_t7_i3_h9_h0")]
    public void KerasSingleBiasIsTheSumOfPyTorchsTwo(string name)
    {
        var f = PyTorchFixture.Load(name, Folder);
        var d = Dims.Of(f);
        var options = new RecurrentOptions { ReturnSequences = !d.LastStepOnly };
        RecurrentLayer layer = d.Cell == "lstm"
            ? new Lstm(d.Units, options)
            : new SimpleRnn(d.Units, options, d.Cell == "rnn_relu" ? SimpleRnnActivation.Relu : SimpleRnnActivation.Tanh);
        layer.Build([d.Steps, d.InputSize], new SeededRandom(1));
        Assert.Equal(3, layer.Parameters.Count);
        PyTorchLayout.Load(layer, PyTorchRecurrentLayout.Layer(f, "", 0, d.Gates, d.Units, separateBias: false));
        var y = layer.Forward(f["x"].ToTensor(), new RecurrentInputs { InitialStates = InitialStates(f, d, 0) }, training: true);
        NumericAssert.Close(f["output"].Data, y.Data, OutputTolerance, 0, $"{name} output");
        layer.ZeroGradients();
        var dx = layer.Backward(f["dY"].ToTensor(y.Shape), FinalStateGradients(f, d, 0));
        NumericAssert.CloseToScale(f["grad_x"].Data, dx.Data, GradientTolerance, GradientFloor, $"{name} dx");
        AssertParameterGradients(layer, PyTorchRecurrentLayout.Layer(f, "grad_", 0, d.Gates, d.Units, separateBias: false, gradientOfSum: true), name);
        AssertInitialStateGradients(f, d, 0, layer.InitialStateGradients, name);
    }

    /// <summary>
    /// The double references and the layout conversion agree with PyTorch, so they can judge the layers: outputs to
    /// 1e-6 + 1e-6 relative (ReLU outputs reach ~5, where PyTorch's own float32 rounding is ~1e-6), gradients 1e-5 of scale.
    /// </summary>
    [Theory]
    [MemberData(nameof(SingleLayerCases))]
    public void ReferenceMatches(string name)
    {
        var f = PyTorchFixture.Load(name, Folder);
        var d = Dims.Of(f);
        var weights = Weights(f, "", d, 0, reverse: false).ToDictionary(p => p.Key, p => TestData.ToDouble(p.Value));
        ReferenceRecurrent reference = d.Cell == "lstm"
            ? new ReferenceLstm(d.InputSize, d.Units, weights, !d.LastStepOnly)
            : new ReferenceSimpleRnn(d.InputSize, d.Units, weights, d.Cell == "rnn_relu", !d.LastStepOnly);
        var initial = RecurrentTestSetup.ToDouble(InitialStates(f, d, 0));
        var y = reference.Forward(f["x"].ToDouble(), d.Batch, d.Steps, new ReferenceRun { InitialStates = initial });
        NumericAssert.Ok(NumericAssert.CheckClose(f["output"].ToDouble(), y, 1e-6, 1e-6, $"{name} reference output"));
        NumericAssert.Ok(NumericAssert.CheckClose(f["h_n"].ToDouble(), reference.FinalStates[0], 1e-6, 1e-6, $"{name} reference h_n"));

        reference.Backward(f["dY"].ToDouble(), RecurrentTestSetup.ToDouble(FinalStateGradients(f, d, 0)?.Select(t => t!).ToArray()));
        NumericAssert.Ok(NumericAssert.CheckCloseToScale(f["grad_x"].ToDouble(), reference.InputGradient, 1e-5, GradientFloor, $"{name} reference dx"));
        foreach (var (param, expected) in Weights(f, "grad_", d, 0, reverse: false))
        {
            NumericAssert.Ok(NumericAssert.CheckCloseToScale(TestData.ToDouble(expected), reference.ParameterGradients[param], 1e-5, GradientFloor, $"{name} reference d{param}"));
        }

        if (initial is not null)
        {
            string[] stateNames = d.Cell == "lstm" ? ["h0", "c0"] : ["h0"];
            for (int k = 0; k < stateNames.Length; k++)
            {
                NumericAssert.Ok(NumericAssert.CheckCloseToScale(f["grad_" + stateNames[k]].ToDouble(), reference.InitialStateGradients![k], 1e-5, GradientFloor, $"{name} reference d{stateNames[k]}"));
            }
        }
    }

    /// <summary>
    /// nn.LSTM(2, 6) → nn.Linear(6, 1) on the last step, MSE (mean), torch.optim.SGD(lr = 0.1, momentum = 0.9) as
    /// Sequential(Lstm(separateRecurrentBias), Dense) with Sgd(0.1, 0.9): the same loss before each of 3 steps, the
    /// same first-step gradients and the same parameters after 1 and 3 steps (momentum in play from step 2).
    /// </summary>
    [Fact]
    public void LstmTrainingStepsWithSgdMatch()
    {
        var f = PyTorchFixture.Load("train_lstm_sgd", Folder);
        int steps = f.ConfigInt("steps"), inputSize = f.ConfigInt("input_size"), units = f.ConfigInt("hidden_size");
        var model = new Sequential(new Lstm(units, new RecurrentOptions(), separateRecurrentBias: true), new Dense(1));
        model.Build([steps, inputSize], seed: 1);
        List<(Layer Layer, Dictionary<string, float[]> Values)> Expected(string prefix) =>
        [
            (model.Layers[0], PyTorchRecurrentLayout.Layer(f, prefix + "lstm.", 0, 4, units)),
            (model.Layers[1], PyTorchLayout.Linear(f, prefix + "linear.", 1)),
        ];
        foreach (var (layer, values) in Expected("initial/"))
        {
            PyTorchLayout.Load(layer, values);
        }

        model.Compile(new Sgd(learningRate: 0.1f, momentum: 0.9f), Loss.MeanSquaredError);
        var x = f["x"].ToTensor();
        var target = f["y"].ToTensor();
        float[] losses = f["loss"].Data;

        float loss1 = model.TrainOnBatch(x, target);
        NumericAssert.Close(losses.AsSpan(0, 1), [loss1], 1e-5, 1e-4, "loss before step 1");
        foreach (var (layer, expected) in Expected("grad1/"))
        {
            foreach (var p in layer.Parameters)
            {
                NumericAssert.CloseToScale(expected[p.Name], p.Gradients, GradientTolerance, GradientFloor, $"{layer.TypeName} d{p.Name} of step 1");
            }
        }

        AssertModelParameters(Expected("step1/"), "after 1 step");
        float loss2 = model.TrainOnBatch(x, target);
        float loss3 = model.TrainOnBatch(x, target);
        NumericAssert.Close(losses.AsSpan(1, 2), [loss2, loss3], 1e-5, 1e-4, "losses before steps 2 and 3");
        AssertModelParameters(Expected("step3/"), "after 3 steps");

        static void AssertModelParameters(List<(Layer Layer, Dictionary<string, float[]> Values)> expected, string when)
        {
            foreach (var (layer, values) in expected)
            {
                foreach (var p in layer.Parameters)
                {
                    NumericAssert.Close(values[p.Name], p.Values, 1e-5, 1e-4, $"{layer.TypeName} {p.Name} {when}");
                }
            }
        }
    }

    private static void AssertBidirectional(string name)
    {
        var f = PyTorchFixture.Load(name, Folder);
        var d = Dims.Of(f);
        var bi = new Bidirectional(CreateLayer(d.Cell, d.Units, returnSequences: true), BidirectionalMerge.Concat);
        bi.Build([d.Steps, d.InputSize], new SeededRandom(1));
        PyTorchLayout.Load(bi.ForwardLayer, Weights(f, "", d, 0, reverse: false));
        PyTorchLayout.Load(bi.BackwardLayer, Weights(f, "", d, 0, reverse: true));
        var states = d.WithState ? [.. InitialStates(f, d, 0)!, .. InitialStates(f, d, 1)!] : (Tensor[]?)null;
        var y = bi.Forward(f["x"].ToTensor(), new RecurrentInputs { InitialStates = states, Lengths = d.Lengths }, training: true);
        NumericAssert.ShapeEqual([d.Batch, d.Steps, 2 * d.Units], y.Shape, $"{name} output");
        NumericAssert.Close(f["output"].Data, y.Data, OutputTolerance, 0, $"{name} output");
        int s = bi.ForwardLayer.StateCount;
        AssertFinalStates(f, d, 0, bi.FinalStates.Take(s).ToArray(), $"{name} forward");
        AssertFinalStates(f, d, 1, bi.FinalStates.Skip(s).ToArray(), $"{name} backward");

        bi.ZeroGradients();
        var dx = bi.Backward(f["dY"].ToTensor(y.Shape));
        NumericAssert.CloseToScale(f["grad_x"].Data, dx.Data, GradientTolerance, GradientFloor, $"{name} dx");
        if (d.Lengths is not null)
        {
            AssertPaddedStepsHaveNoGradient(d, dx, name);
        }

        AssertParameterGradients(bi.ForwardLayer, Weights(f, "grad_", d, 0, reverse: false), $"{name} forward");
        AssertParameterGradients(bi.BackwardLayer, Weights(f, "grad_", d, 0, reverse: true), $"{name} backward");
        AssertInitialStateGradients(f, d, 0, bi.ForwardLayer.InitialStateGradients, $"{name} forward");
        AssertInitialStateGradients(f, d, 1, bi.BackwardLayer.InitialStateGradients, $"{name} backward");
        Assert.Equal(
            bi.ForwardLayer.Parameters.Select(p => "forward/" + p.Name).Concat(bi.BackwardLayer.Parameters.Select(p => "backward/" + p.Name)),
            bi.Parameters.Select(p => p.FullName));
    }

    private static RecurrentLayer CreateLayer(string cell, int units, bool returnSequences)
    {
        var options = new RecurrentOptions { ReturnSequences = returnSequences };
        return cell switch
        {
            "gru" => new Gru(units, options),
            "lstm" => new Lstm(units, options, separateRecurrentBias: true),
            "rnn_tanh" => new SimpleRnn(units, options, SimpleRnnActivation.Tanh, separateRecurrentBias: true),
            "rnn_relu" => new SimpleRnn(units, options, SimpleRnnActivation.Relu, separateRecurrentBias: true),
            _ => throw new ArgumentException($"Unknown cell '{cell}'.", nameof(cell)),
        };
    }

    private static Dictionary<string, float[]> Weights(PyTorchFixture f, string prefix, Dims d, int layer, bool reverse) =>
        d.Cell == "gru"
            ? PyTorchRecurrentLayout.GruLayer(f, prefix, layer, d.Units, reverse)
            : PyTorchRecurrentLayout.Layer(f, prefix, layer, d.Gates, d.Units, reverse);

    // Slice `index` (layer · directions + direction) of a PyTorch (L·D, B, H) state tensor.
    private static Tensor Slice(FixtureTensor t, int index, Dims d) =>
        new(t.Data.AsSpan(index * d.Batch * d.Units, d.Batch * d.Units).ToArray(), d.Batch, d.Units);

    private static Tensor[]? InitialStates(PyTorchFixture f, Dims d, int index) =>
        !d.WithState ? null : d.Cell == "lstm" ? [Slice(f["h0"], index, d), Slice(f["c0"], index, d)] : [Slice(f["h0"], index, d)];

    private static Tensor?[]? FinalStateGradients(PyTorchFixture f, Dims d, int index) =>
        !f.Has("dh_n") ? null : d.Cell == "lstm" ? [Slice(f["dh_n"], index, d), Slice(f["dc_n"], index, d)] : [Slice(f["dh_n"], index, d)];

    private static void AssertFinalStates(PyTorchFixture f, Dims d, int index, IReadOnlyList<Tensor> states, string what)
    {
        string[] names = d.Cell == "lstm" ? ["h_n", "c_n"] : ["h_n"];
        Assert.Equal(names.Length, states.Count);
        for (int k = 0; k < names.Length; k++)
        {
            NumericAssert.ShapeEqual([d.Batch, d.Units], states[k].Shape, $"{what} {names[k]}");
            NumericAssert.Close(Slice(f[names[k]], index, d).Data, states[k].Data, OutputTolerance, 0, $"{what} {names[k]}");
        }
    }

    private static void AssertInitialStateGradients(PyTorchFixture f, Dims d, int index, IReadOnlyList<Tensor>? gradients, string what)
    {
        if (!d.WithState)
        {
            Assert.Null(gradients);
            return;
        }

        string[] names = d.Cell == "lstm" ? ["h0", "c0"] : ["h0"];
        Assert.NotNull(gradients);
        Assert.Equal(names.Length, gradients.Count);
        for (int k = 0; k < names.Length; k++)
        {
            NumericAssert.ShapeEqual([d.Batch, d.Units], gradients[k].Shape, $"{what} d{names[k]}");
            NumericAssert.CloseToScale(Slice(f["grad_" + names[k]], index, d).Data, gradients[k].Data, GradientTolerance, GradientFloor, $"{what} d{names[k]}");
        }
    }

    private static void AssertParameterGradients(Layer layer, Dictionary<string, float[]> expected, string what)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), layer.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var p in layer.Parameters)
        {
            NumericAssert.CloseToScale(expected[p.Name], p.Gradients, GradientTolerance, GradientFloor, $"{what} d{p.Name}");
        }
    }

    private static void AssertPaddedStepsHaveNoGradient(Dims d, Tensor dx, string what)
    {
        for (int b = 0; b < d.Batch; b++)
        {
            for (int t = d.Lengths![b]; t < d.Steps; t++)
            {
                for (int i = 0; i < d.InputSize; i++)
                {
                    Assert.True(dx.Data[(((b * d.Steps) + t) * d.InputSize) + i] == 0, $"{what}: dx[{b}, {t}, {i}] of a padded step is not 0.");
                }
            }
        }
    }

    private sealed record Dims(string Cell, int Batch, int Steps, int InputSize, int Units, int Layers, bool Bidirectional, bool WithState, bool LastStepOnly, int[]? Lengths)
    {
        public int Gates => Cell switch { "lstm" => 4, "gru" => 3, _ => 1 };

        public static Dims Of(PyTorchFixture f)
        {
            var lengths = f.Config.GetProperty("lengths");
            return new Dims(
                f.Config.GetProperty("cell").GetString()!, f.ConfigInt("batch"), f.ConfigInt("steps"), f.ConfigInt("input_size"), f.ConfigInt("hidden_size"),
                f.ConfigInt("num_layers"), f.ConfigBool("bidirectional"), f.ConfigBool("initial_state"), f.ConfigBool("last_step_only"),
                lengths.ValueKind == System.Text.Json.JsonValueKind.Array ? lengths.EnumerateArray().Select(e => e.GetInt32()).ToArray() : null);
        }
    }
}
