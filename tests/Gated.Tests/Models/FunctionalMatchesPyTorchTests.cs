using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Models;

/// <summary>
/// A two-input, two-output functional model against PyTorch (Fixtures/make_two_input_fixtures.py, folder "functional"):
/// a sequence a (B, T, I) and static features b (B, S); h0 = tanh(Dense(b)) starts a GRU (or, with c0 = Dense(b), an
/// LSTM) on a; Dense heads give out1 of the last state (MSE, weight 1) and out2 of h0 (GRU case, MAE) or of the last
/// state again (LSTM case, MSE), weight 0.5. The same weights give the same states, outputs, losses, gradients and
/// parameters after one Adam step (lr 0.01, ε 1e-7). Tolerances: values |Δ| ≤ 1e-5; gradients 1e-4 of the tensor's scale.
/// </summary>
public sealed class FunctionalMatchesPyTorchTests
{
    private const int Hidden = 6;
    private const double ValueTolerance = 1e-5, GradientRelative = 1e-4, GradientFloor = 1e-6;

    [Theory]
    [InlineData("two_input_gru")]
    [InlineData("two_input_lstm")]
    public void StatesOutputsLossesAndGradientsMatch(string name)
    {
        var fixture = PyTorchFixture.Load(name, "functional");
        var graph = Build(fixture);
        var inputs = Inputs(fixture);

        // A model over the trained model's layers that gives the intermediate states, so a mismatch below can be placed.
        var states = new Model(graph.Inputs, graph.States).Predict(inputs);
        for (int k = 0; k < states.Count; k++)
        {
            NumericAssert.Close(fixture[graph.StateNames[k]].Data, states[k].Data, ValueTolerance, 0, $"{name} {graph.StateNames[k]}");
        }

        ITrainableModel trainable = graph.Model;
        graph.Model.ParameterGradients.Clear();
        var outputs = trainable.Forward(inputs, training: true);
        var targets = Targets(fixture);
        var gradients = new Tensor[outputs.Count];
        double total = 0;
        for (int k = 0; k < outputs.Count; k++)
        {
            NumericAssert.Close(fixture[$"out{k + 1}"].Data, outputs[k].Data, ValueTolerance, 0, $"{name} out{k + 1}");
            gradients[k] = new Tensor(outputs[k].Shape);
            double loss = graph.Losses[k].Compute(outputs[k].Data, targets[k].Data, gradients[k].Data);
            NumericAssert.Close(fixture[$"loss{k + 1}"].Data, [(float)loss], ValueTolerance, 0, $"{name} loss{k + 1}");
            var g = gradients[k].Data;
            for (int i = 0; i < g.Length; i++)
            {
                g[i] = (float)(g[i] * graph.LossWeights[k]);
            }

            total += graph.LossWeights[k] * loss;
        }

        NumericAssert.Close(fixture["loss"].Data, [(float)total], ValueTolerance, 0, $"{name} weighted loss");
        trainable.Backward(gradients);
        AssertGradients(fixture, graph, "after Forward/Backward");
    }

    [Theory]
    [InlineData("two_input_gru")]
    [InlineData("two_input_lstm")]
    public void OneAdamStepMatches(string name)
    {
        var fixture = PyTorchFixture.Load(name, "functional");
        var graph = Build(fixture);
        var optimizer = new Adam(0.01f);
        var config = fixture.Config.GetProperty("optimizer");
        Assert.Equal((float)config.GetProperty("lr").GetDouble(), optimizer.LearningRate);
        Assert.Equal((float)config.GetProperty("eps").GetDouble(), optimizer.Epsilon);
        graph.Model.Compile(optimizer, graph.Losses, graph.LossWeights);

        float loss = graph.Model.TrainOnBatch(Inputs(fixture), Targets(fixture));

        NumericAssert.Close(fixture["loss"].Data, [loss], ValueTolerance, 0, $"{name} TrainOnBatch loss");
        AssertGradients(fixture, graph, "after TrainOnBatch");
        foreach (var (layer, module) in graph.Modules)
        {
            var expected = graph.Convert(layer, "step1/" + module + ".");
            foreach (var p in layer.Parameters)
            {
                NumericAssert.Close(expected[p.Name], p.Values, ValueTolerance, 0, $"{name} {module} {p.Name} after one Adam step");
            }
        }
    }

    private static void AssertGradients(PyTorchFixture fixture, Graph graph, string when)
    {
        foreach (var (layer, module) in graph.Modules)
        {
            var expected = graph.Convert(layer, "grad1/" + module + ".");
            foreach (var p in layer.Parameters)
            {
                NumericAssert.CloseToScale(expected[p.Name], p.Gradients, GradientRelative, GradientFloor, $"{fixture.Name} {module} d{p.Name} {when}");
            }
        }
    }

    private static Tensor[] Inputs(PyTorchFixture fixture) => [fixture["a"].ToTensor(), fixture["b"].ToTensor()];

    private static Tensor[] Targets(PyTorchFixture fixture) => [fixture["y1"].ToTensor(), fixture["y2"].ToTensor()];

    // The fixture's graph in Gated's layers with PyTorch's initial weights loaded: Modules pairs each layer with its
    // PyTorch module name; States are the intermediate tensors the fixture records, under StateNames.
    private static Graph Build(PyTorchFixture fixture)
    {
        Assert.Equal(Hidden, fixture.ConfigInt("hidden_size"));
        var a = new Input([fixture.ConfigInt("steps"), fixture.ConfigInt("input_size")], "a");
        var b = new Input([fixture.ConfigInt("static_size")], "b");
        var head1 = new Dense(1);
        var head2 = new Dense(2);
        bool lstm = fixture.Name.EndsWith("lstm", StringComparison.Ordinal);
        Graph graph;
        if (lstm)
        {
            var initH = new Dense(Hidden);
            var initC = new Dense(Hidden);
            var recurrent = new Lstm(Hidden, new RecurrentOptions(), separateRecurrentBias: true);
            var h0 = new Activation(ActivationKind.Tanh).Call(initH.Call(b));
            var c0 = initC.Call(b);
            var h = recurrent.Call(a, h0, c0);
            var model = new Model([a, b], [head1.Call(h), head2.Call(h)], seed: 1);
            graph = new Graph(fixture, model, [a, b], [h0, c0, h], ["h0", "c0", "h"],
                [(initH, "init_h"), (initC, "init_c"), (recurrent, "lstm"), (head1, "head1"), (head2, "head2")]);
        }
        else
        {
            var init = new Dense(Hidden);
            var recurrent = new Gru(Hidden);
            var h0 = new Activation(ActivationKind.Tanh).Call(init.Call(b));
            var h = recurrent.Call(a, h0);
            var model = new Model([a, b], [head1.Call(h), head2.Call(h0)], seed: 1);
            graph = new Graph(fixture, model, [a, b], [h0, h], ["h0", "h"],
                [(init, "init"), (recurrent, "gru"), (head1, "head1"), (head2, "head2")]);
        }

        var losses = fixture.Config.GetProperty("losses").EnumerateArray().Select(e => Loss.FromName(e.GetString()!)).ToArray();
        var weights = fixture.Config.GetProperty("loss_weights").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(lstm ? ["mse", "mse"] : ["mse", "mae"], losses.Select(l => l.Name));
        graph.Losses = losses;
        graph.LossWeights = weights;
        foreach (var (layer, module) in graph.Modules)
        {
            PyTorchLayout.Load(layer, graph.Convert(layer, "initial/" + module + "."));
        }

        return graph;
    }

    private sealed class Graph(
        PyTorchFixture fixture, Model model, Input[] inputs, SymbolicTensor[] states, string[] stateNames, (Layer Layer, string Module)[] modules)
    {
        public Model Model { get; } = model;

        public Input[] Inputs { get; } = inputs;

        public SymbolicTensor[] States { get; } = states;

        public string[] StateNames { get; } = stateNames;

        public (Layer Layer, string Module)[] Modules { get; } = modules;

        public Loss[] Losses { get; set; } = [];

        public double[] LossWeights { get; set; } = [];

        // The fixture's tensors of one module under prefix ("initial/gru.", "grad1/head1.") in Gated's parameter names.
        public Dictionary<string, float[]> Convert(Layer layer, string prefix) => layer switch
        {
            Dense dense => PyTorchLayout.Linear(fixture, prefix, dense.Units),
            Gru => PyTorchLayout.GruLayer(fixture, prefix, 0, Hidden),
            Lstm => PyTorchRecurrentLayout.Layer(fixture, prefix, 0, gates: 4, Hidden),
            _ => throw new ArgumentException($"No PyTorch module maps onto {layer.TypeName}.", nameof(layer)),
        };
    }
}
