using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization.Onnx;
using Gated.Tests.Cli;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Serialization.Onnx;

/// <summary>
/// Functional models exported to ONNX run in ONNX Runtime with Gated's outputs (to 1e-5), under the model's input and
/// output names: several inputs and outputs, encoder states starting a decoder (GRU h; LSTM h and c, forwards and
/// backwards), shared layers with one weight set, LayerNormalization and the shape layers, the merge layers, Attention
/// (dot, scaled, concat, causal) and AdditiveAttention with and without a key; what has no ONNX form is refused with the
/// layer's name.
/// </summary>
public sealed class OnnxGraphExportTests
{
    [Fact]
    public void TwoInputsAndTwoOutputsKeepTheirNames()
    {
        var series = new Input([6, 3], "series");
        var features = new Input([4], "features");
        var forecast = new Dense(2) { Name = "forecast" }.Call(new Gru(5).Call(series));
        var side = new Dense(3) { Name = "side" }.Call(new Activation("tanh").Call(new Dense(5).Call(features)));
        var model = Randomized(new Model([series, features], [forecast, side], seed: 3));

        AssertOnnxRuntimeMatches(model);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void EncoderStatesStartTheDecoder(bool lstm, bool goBackwards) =>
        AssertOnnxRuntimeMatches(EncoderDecoder(lstm, goBackwards, 4, 3));

    [Fact]
    public void TimeAxesAreDynamic()
    {
        // The file of a model built for 4 source and 3 target steps runs 7 and 5 as the same weights built for those do.
        var model = EncoderDecoder(lstm: true, goBackwards: false, 4, 3);
        var longer = EncoderDecoder(lstm: true, goBackwards: false, 7, 5);
        model.ParameterValues.CopyTo(longer.ParameterValues);

        AssertOnnxRuntimeMatches(model, longer);
    }

    // source (steps, 3) → encoder with return_state → its states start the decoder over target (steps, 2); the last
    // final state (c for the LSTM) is an output of its own.
    private static Model EncoderDecoder(bool lstm, bool goBackwards, int sourceSteps, int targetSteps)
    {
        var source = new Input([sourceSteps, 3], "source");
        var target = new Input([targetSteps, 2], "target");
        var encoderOptions = new RecurrentOptions { ReturnState = true, GoBackwards = goBackwards };
        RecurrentLayer encoder = lstm ? new Lstm(5, encoderOptions) : new Gru(5, encoderOptions);
        encoder.Name = "encoder";
        var encoded = encoder.CallMultiple(source);
        var decoderOptions = new RecurrentOptions { ReturnSequences = true, GoBackwards = goBackwards };
        RecurrentLayer decoder = lstm ? new Lstm(5, decoderOptions) : new Gru(5, decoderOptions);
        var decoded = new Dense(3).Call(decoder.Call([target, .. encoded.Skip(1)]));
        return Randomized(new Model([source, target], [decoded, encoded[^1]], seed: 5));
    }

    [Fact]
    public void SharedLayersKeepOneWeightSet()
    {
        var a = new Input([5, 3], "a");
        var b = new Input([5, 3], "b");
        var gru = new Gru(4) { Name = "shared_gru" };
        var dense = new Dense(2) { Name = "shared_dense" };
        var model = Randomized(new Model([a, b], [dense.Call(gru.Call(a)), dense.Call(gru.Call(b))], seed: 7));

        var names = OnnxModel.Parse(OnnxExporter.ToBytes(model), "graph").Graph!.Initializers.Select(t => t.Name).ToArray();
        Assert.Equal(["shared_dense.bias", "shared_dense.kernel", "shared_gru.B", "shared_gru.R", "shared_gru.W"], names.Where(n => n.StartsWith("shared", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        AssertOnnxRuntimeMatches(model);
    }

    [Fact]
    public void LayerNormalizationPoolingAndShapeLayers()
    {
        var x = new Input([6, 3], "x");
        var normalized = new LayerNormalization(epsilon: 0.01).Call(new Gru(4, returnSequences: true).Call(x));
        var repeated = new RepeatVector(3).Call(new GlobalAveragePooling1D().Call(normalized));
        var decoded = new LayerNormalization(center: false).Call(new Gru(4, returnSequences: true).Call(repeated));
        var flat = new Flatten().Call(new TimeDistributed(new Dense(2)).Call(decoded));
        var head = new Dense(2).Call(new LayerNormalization(scale: false).Call(flat));
        var grid = new Reshape(2, 3).Call(flat);
        var last = new LastStep().Call(decoded);
        var mean = new TimeMean().Call(grid);
        var model = Randomized(new Model([x], [head, grid, last, mean], seed: 9));

        AssertOnnxRuntimeMatches(model);
    }

    [Fact]
    public void ConcatenateAddAndMultiply()
    {
        var a = new Input([5, 3], "a");
        var b = new Input([5, 3], "b");
        var left = new Gru(4, returnSequences: true).Call(a);
        var right = new Gru(4, returnSequences: true).Call(b);
        var sum = new Add().Call(left, right);
        var product = new Multiply().Call(left, right, sum);
        var features = new Dense(2).Call(new Concatenate().Call(sum, product));
        var steps = new Concatenate(axis: 1).Call(left, right);
        var model = Randomized(new Model([a, b], [features, steps], seed: 19));

        AssertOnnxRuntimeMatches(model);
    }

    public static TheoryData<string> Attentions => [.. AttentionsByName.Keys];

    private static readonly Dictionary<string, Func<Layer>> AttentionsByName = new()
    {
        ["dot"] = () => new Attention(),
        ["dot_scale_dropout"] = () => new Attention(useScale: true, dropout: 0.3),
        ["dot_causal"] = () => new Attention(useCausalMask: true),
        ["concat_scale"] = () => new Attention(useScale: true, scoreMode: AttentionScoreMode.Concat),
        ["additive"] = () => new AdditiveAttention(),
        ["additive_unscaled_causal"] = () => new AdditiveAttention(useScale: false, useCausalMask: true),
    };

    [Theory]
    [MemberData(nameof(Attentions))]
    public void AttentionOverEncoderSteps(string name)
    {
        foreach (bool withKey in new[] { false, true })
        {
            var decoder = new Input([4, 3], "decoder");
            var encoder = new Input([6, 2], "encoder");
            var query = new Gru(5, returnSequences: true).Call(decoder);
            var value = new Gru(5, returnSequences: true).Call(encoder);
            SymbolicTensor[] inputs = withKey ? [query, value, new Dense(5).Call(value)] : [query, value];
            var context = AttentionsByName[name]().Call(inputs);
            var model = Randomized(new Model([decoder, encoder], [new Dense(2).Call(context)], seed: 23));

            AssertOnnxRuntimeMatches(model);
        }
    }

    [Fact]
    public void MonotoneQuantilesPerStepAndAtTheEnd()
    {
        var x = new Input([5, 3], "x");
        var steps = new Gru(4, returnSequences: true).Call(x);
        var perStep = new TimeDistributed(new MonotoneQuantiles(3)).Call(new TimeDistributed(new Dense(6)).Call(steps));
        var last = new MonotoneQuantiles(4).Call(new Dense(8).Call(new LastStep().Call(steps)));
        var model = Randomized(new Model([x], [perStep, last], seed: 29));
        // Wide pre-activations, so softplus sees large and very negative arguments.
        var dense = (Dense)model.Layers.Single(l => l is Dense);
        foreach (ref float w in dense.Kernel.Values)
        {
            w *= 8;
        }

        AssertOnnxRuntimeMatches(model);
    }

    [Fact]
    public void SequentialExportsTheNewLayersToo()
    {
        var model = new Sequential(new Gru(4, returnSequences: true), new LayerNormalization(), new TimeMean(), new RepeatVector(2), new Lstm(3, returnSequences: true), new LastStep(), new Dense(2));
        model.Build([5, 3], seed: 13);
        Randomize(model.ParameterValues);
        var x = TestData.UniformTensor(new SeededRandom(4), 1.0, 3, 5, 3);
        using var folder = new TempFolder();
        string path = folder.File("sequential.onnx");
        OnnxExporter.Save(model, path);

        OnnxTestCase.AssertClose(model.Predict(x), OnnxRuntime.Run(path, x), 1e-5);
    }

    [Fact]
    public void MaskingIsRefusedByName()
    {
        var x = new Input([5, 3]);
        var model = new Model(x, new Gru(4).Call(new Masking().Call(x)));

        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(model));
        Assert.Contains("Masking (layer 'masking'): a mask reaches ONNX only", e.Message);
    }

    [Fact]
    public void EmbeddingMaskIsRefusedByName()
    {
        var tokens = new Input([5]);
        var model = new Model(tokens, new Gru(4).Call(new Embedding(10, 3, maskZero: true) { Name = "words" }.Call(tokens)));

        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(model));
        Assert.Contains("Embedding (layer 'words') with mask_zero", e.Message);
    }

    [Fact]
    public void StatefulLayerIsRefusedByName()
    {
        var x = new Input([5, 3]);
        var model = new Model(x, new Gru(4, new RecurrentOptions { Stateful = true }) { Name = "memory" }.Call(x));

        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(model));
        Assert.Contains("GRU (layer 'memory') with stateful", e.Message);
    }

    [Fact]
    public void TokenInputsReachAnEmbedding()
    {
        var tokens = new Input([5], "tokens");
        var model = Randomized(new Model(tokens, new Dense(2).Call(new Gru(4).Call(new Embedding(10, 3).Call(tokens))), seed: 2));
        var x = TestData.UniformTensor(new SeededRandom(2), 1.0, 3, 5);
        for (int i = 0; i < x.Length; i++)
        {
            x.Data[i] = (i * 7) % 10;
        }

        using var folder = new TempFolder();
        string path = folder.File("tokens.onnx");
        OnnxExporter.Save(model, path);
        OnnxTestCase.AssertClose(model.Predict(x), OnnxRuntime.Run(path, x), 1e-5);
    }

    // Gated's predictions and ONNX Runtime's on the same random batch, output by output, under the model's names; the
    // file is the model's, the batch and predictions those of runAs (the same weights at other lengths) when given.
    private static void AssertOnnxRuntimeMatches(Model model, Model? runAs = null)
    {
        var random = new SeededRandom(17);
        var predictor = runAs ?? model;
        var x = predictor.Inputs.Select(i => TestData.UniformTensor(random, 1.0, [3, .. i.Shape])).ToArray();
        using var folder = new TempFolder();
        string path = folder.File("model.onnx");
        OnnxExporter.Save(model, path);
        var expected = predictor.Predict(x);
        var actual = OnnxRuntime.RunAll(path, x);

        Assert.Equal(model.InputNames, OnnxRuntime.InputNames(path));
        Assert.Equal(model.OutputNames, actual.Select(o => o.Name));
        for (int k = 0; k < expected.Count; k++)
        {
            OnnxTestCase.AssertClose(expected[k], actual[k].Value, 1e-5);
        }
    }

    // Non-zero biases, gammas and betas everywhere, so a parameter put in the wrong place shows.
    private static Model Randomized(Model model)
    {
        Randomize(model.ParameterValues);
        return model;
    }

    private static void Randomize(Span<float> values)
    {
        var random = new Random(3);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 1.6) - 0.8);
        }
    }
}
