using Gated.Layers;
using Gated.Models;
using Gated.Seq2Seq;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Seq2Seq;

/// <summary>
/// Seq2SeqModel's training network against the PyTorch anchor (bench/seq2seq-anchor/seq2seq_anchor.py, whose model
/// Fixtures/make_seq2seq_fixtures.py runs; folder "seq2seq"): a tiny encoder–decoder (source vocabulary 8, target 7,
/// S 5, T 4, embedding 3, units 4, batch 3, sources and targets padded to different lengths) with additive attention,
/// with Cho's context vector, and with a bidirectional encoder. The same weights give the same logits (padded steps
/// included), the same loss (cross-entropy ignoring PAD), the same gradients of every parameter and the same weights
/// after one Adam step (lr 0.01, ε 1e-7). Tolerances: values |Δ| ≤ 1e-5; gradients 1e-4 of the tensor's scale.
/// </summary>
public sealed class Seq2SeqMatchesPyTorchTests
{
    private const double ValueTolerance = 1e-5, GradientRelative = 1e-4, GradientFloor = 1e-6;

    public static TheoryData<string> Cases => new() { "seq2seq_attention", "seq2seq_cho", "seq2seq_attention_bidirectional" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogitsLossAndGradientsMatch(string name)
    {
        var fixture = PyTorchFixture.Load(name, "seq2seq");
        var model = Build(fixture);
        var inputs = Inputs(fixture);

        NumericAssert.Close(fixture["logits"].Data, model.Network.Predict(inputs)[0].Data, ValueTolerance, 0, $"{name} logits (Predict)");

        ITrainableModel trainable = model.Network;
        model.Network.ParameterGradients.Clear();
        var logits = trainable.Forward(inputs, training: true)[0];
        NumericAssert.Close(fixture["logits"].Data, logits.Data, ValueTolerance, 0, $"{name} logits (training Forward)");
        var gradient = new Tensor(logits.Shape);
        double loss = new SparseSoftmaxCrossEntropyLoss(ignoreClass: Vocabulary.Pad).Compute(logits.Data, fixture["target"].Data, gradient.Data);
        NumericAssert.Close(fixture["loss"].Data, [(float)loss], ValueTolerance, 0, $"{name} loss");
        trainable.Backward([gradient]);
        AssertGradients(fixture, model, "after Forward/Backward");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OneAdamStepMatches(string name)
    {
        var fixture = PyTorchFixture.Load(name, "seq2seq");
        var model = Build(fixture);
        var optimizer = new Adam(0.01f);
        var config = fixture.Config.GetProperty("optimizer");
        Assert.Equal((float)config.GetProperty("lr").GetDouble(), optimizer.LearningRate);
        Assert.Equal((float)config.GetProperty("eps").GetDouble(), optimizer.Epsilon);
        model.Network.Compile(optimizer, new SparseSoftmaxCrossEntropyLoss(ignoreClass: Vocabulary.Pad));

        float loss = model.Network.TrainOnBatch(Inputs(fixture), [fixture["target"].ToTensor()]);

        NumericAssert.Close(fixture["loss"].Data, [loss], ValueTolerance, 0, $"{name} TrainOnBatch loss");
        AssertGradients(fixture, model, "after TrainOnBatch");
        foreach (var (layer, module) in Modules(model))
        {
            var expected = Convert(fixture, layer, module, "step1/");
            foreach (var p in layer.Parameters)
            {
                NumericAssert.Close(expected[p.FullName], p.Values, ValueTolerance, 0, $"{name} {module} {p.FullName} after one Adam step");
            }
        }
    }

    private static void AssertGradients(PyTorchFixture fixture, Seq2SeqModel model, string when)
    {
        foreach (var (layer, module) in Modules(model))
        {
            var expected = Convert(fixture, layer, module, "grad1/");
            foreach (var p in layer.Parameters)
            {
                NumericAssert.CloseToScale(expected[p.FullName], p.Gradients, GradientRelative, GradientFloor, $"{fixture.Name} {module} d{p.FullName} {when}");
            }
        }
    }

    private static Tensor[] Inputs(PyTorchFixture fixture) => [fixture["source"].ToTensor(), fixture["decoder_input"].ToTensor()];

    // The fixture's model in Gated: vocabularies of the fixture's sizes (the reserved four and synthetic tokens), the
    // options it names, PyTorch's initial weights loaded into every layer that has any.
    private static Seq2SeqModel Build(PyTorchFixture fixture)
    {
        static Vocabulary Sized(int count, string prefix) =>
            Vocabulary.Build([Enumerable.Range(0, count - Vocabulary.ReservedCount).Select(i => prefix + i).ToArray()]);
        var source = Sized(fixture.ConfigInt("source_vocabulary"), "s");
        var target = Sized(fixture.ConfigInt("target_vocabulary"), "t");
        Assert.Equal(fixture.ConfigInt("source_vocabulary"), source.Count);
        Assert.Equal(fixture.ConfigInt("target_vocabulary"), target.Count);
        var options = new Seq2SeqOptions
        {
            EmbeddingSize = fixture.ConfigInt("embedding"),
            Units = fixture.ConfigInt("units"),
            Attention = fixture.ConfigBool("attention"),
            BidirectionalEncoder = fixture.ConfigBool("bidirectional"),
            Seed = 1,
        };
        var model = Seq2SeqModel.Create(source, target, fixture.ConfigInt("source_length"), fixture.ConfigInt("target_length"), options);
        var modules = Modules(model);
        Assert.Equal(options.Attention ? 8 : 6, modules.Count);
        foreach (var (layer, module) in modules)
        {
            var values = Convert(fixture, layer, module, "initial/");
            var names = layer.Parameters.Select(p => p.FullName).Order(StringComparer.Ordinal);
            Assert.Equal(values.Keys.Order(StringComparer.Ordinal), names);
            foreach (var p in layer.Parameters)
            {
                Assert.Equal(p.Length, values[p.FullName].Length);
                values[p.FullName].CopyTo(p.Values);
            }
        }

        return model;
    }

    // The network's layers with parameters, each with its PyTorch module: the anchor names its modules as Gated names
    // its layers, except the attention's scale, a bare parameter of the anchor's model.
    private static List<(Layer Layer, string Module)> Modules(Seq2SeqModel model) =>
        model.Network.Layers.Where(l => l.Parameters.Count > 0).Select(l => (l, model.Network.NameOf(l))).ToList();

    // One layer's tensors under prefix ("initial/", "grad1/", "step1/") in Gated's names and layouts (FullName).
    private static Dictionary<string, float[]> Convert(PyTorchFixture fixture, Layer layer, string module, string prefix)
    {
        int units = fixture.ConfigInt("units");
        string at = prefix + module + ".";
        switch (module)
        {
            case "source_embedding" or "target_embedding":
                // nn.Embedding's weight (V, E) is Keras's embeddings (V, E).
                return new() { ["embeddings"] = fixture[at + "weight"].Data };
            case "encoder" when fixture.ConfigBool("bidirectional"):
                var both = new Dictionary<string, float[]>();
                foreach (var (direction, reverse) in new[] { ("forward/", false), ("backward/", true) })
                {
                    foreach (var (key, value) in PyTorchRecurrentLayout.GruLayer(fixture, at, 0, units, reverse))
                    {
                        both[direction + key] = value;
                    }
                }

                return both;
            case "encoder" or "decoder":
                return PyTorchRecurrentLayout.GruLayer(fixture, at, 0, units);
            case "bridge" or "attention_keys":
                return PyTorchLayout.Linear(fixture, at, units);
            case "output":
                return PyTorchLayout.Linear(fixture, at, fixture.ConfigInt("target_vocabulary"));
            case "attention":
                return new() { ["scale"] = fixture[prefix + "attention_scale"].Data };
            default:
                throw new ArgumentException($"No PyTorch module maps onto layer '{module}' ({layer.TypeName}).", nameof(module));
        }
    }
}
