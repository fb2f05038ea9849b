using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Models;

/// <summary>
/// Functional models: a chain equals the Sequential of the same layers and seed bit for bit (predictions, training
/// steps, history); graphs with a shared layer, a fan-out, an encoder state starting a decoder (GRU h; LSTM h and c),
/// two inputs and two outputs match central differences of their loss (ε = 1e-2 in float, as the layer tests); per-output
/// losses, weights and metrics log under Keras's names; Summary's "Connected to"; models over a trained model's layers
/// predict with its weights; and the graph errors name their culprit.
/// </summary>
public sealed class ModelTests
{
    private const double Epsilon = 1e-2, Relative = 1e-2, FloorFraction = 0.1;

    [Fact]
    public void ChainEqualsSequentialBitForBit()
    {
        var random = new SeededRandom(5);
        var x = TestData.UniformTensor(random, 1.0, 40, 6, 3);
        var y = TestData.UniformTensor(random, 1.0, 40, 2);
        var sequential = new Sequential(new Gru(8, returnSequences: true), new Gru(4), new Dense(2));
        sequential.Build([6, 3], seed: 9);
        var input = new Input([6, 3]);
        var output = new Dense(2).Call(new Gru(4).Call(new Gru(8, returnSequences: true).Call(input)));
        var functional = new Model(input, output, seed: 9);

        Assert.Equal(sequential.ParameterValues.ToArray(), functional.ParameterValues.ToArray());
        Assert.Equal(sequential.Predict(x).Data, functional.Predict(x).Data);
        sequential.Compile(new Adam(0.01f), Loss.MeanSquaredError, new MeanAbsoluteErrorMetric());
        functional.Compile(new Adam(0.01f), Loss.MeanSquaredError, new MeanAbsoluteErrorMetric());
        var a = sequential.Fit(x, y, epochs: 3, batchSize: 8, validationSplit: 0.25, seed: 3);
        var b = functional.Fit(x, y, epochs: 3, batchSize: 8, validationSplit: 0.25, seed: 3);

        Assert.Equal(sequential.ParameterValues.ToArray(), functional.ParameterValues.ToArray());
        Assert.Equal(a.Get("loss"), b.Get("loss"));
        Assert.Equal(a.Get("val_mae"), b.Get("val_mae"));
        Assert.Equal(sequential.Predict(x).Data, functional.Predict(x).Data);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GraphGradientsMatchFiniteDifferences(bool lstm)
    {
        var (model, inputs) = EncoderDecoder(lstm, seed: 11);
        var outputs = GradientsMatchFiniteDifferences(model, inputs, seed: 12, lstm ? "LSTM encoder-decoder graph" : "GRU encoder-decoder graph");
        Assert.Equal([3, 2], outputs[0].Shape);
        Assert.Equal([3, 4], outputs[1].Shape);
        // Every parameter gets a gradient: the state path reaches the encoder, both calls reach the shared layer.
        foreach (var layer in model.Layers)
        {
            Assert.True(layer.Parameters.Any(p => p.Gradients.ToArray().Any(g => g != 0)), $"{model.NameOf(layer)} got no gradient");
        }
    }

    [Fact]
    public void MergeGraphGradientsMatchFiniteDifferences()
    {
        var (model, inputs) = MergeGraph(seed: 21);
        GradientsMatchFiniteDifferences(model, inputs, seed: 22, "graph of Concatenate, Add, Multiply");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AttentionEncoderDecoderGradientsMatchFiniteDifferences(bool additive)
    {
        var (model, inputs) = AttentionGraph(additive, seed: 31);
        GradientsMatchFiniteDifferences(model, inputs, seed: 32, additive ? "Bahdanau encoder-decoder" : "Luong encoder-decoder");
    }

    [Fact]
    public void SharedLayerSumsTheGradientsOfBothCalls()
    {
        // y = D(x1) + ... as two outputs of one Dense: dW = x1ᵀw1 + x2ᵀw2.
        var x1 = new Input([3], "left");
        var x2 = new Input([3], "right");
        var dense = new Dense(2);
        var model = new Model([x1, x2], [dense.Call(x1), dense.Call(x2)], seed: 1);
        var random = new SeededRandom(2);
        var a = TestData.UniformTensor(random, 1.0, 4, 3);
        var b = TestData.UniformTensor(random, 1.0, 4, 3);
        var w1 = TestData.UniformTensor(random, 1.0, 4, 2);
        var w2 = TestData.UniformTensor(random, 1.0, 4, 2);
        ITrainableModel trainable = model;
        model.ParameterGradients.Clear();
        trainable.Forward([a, b], training: true);
        trainable.Backward([w1, w2]);
        var kernel = dense.Parameters.Single(p => p.Name == "kernel");
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                double expected = 0;
                for (int n = 0; n < 4; n++)
                {
                    expected += ((double)a[n, i] * w1[n, j]) + ((double)b[n, i] * w2[n, j]);
                }

                Assert.Equal(expected, kernel.Gradients[(i * 2) + j], 5);
            }
        }

        Assert.Equal(8, model.ParameterCount);
        Assert.Equal(["dense", "dense_1"], model.OutputNames);
    }

    [Fact]
    public void LossWeightsAndPerOutputMetricsLogUnderKerasNames()
    {
        var (model, inputs) = EncoderDecoder(lstm: false, seed: 3);
        var random = new SeededRandom(4);
        var targets = model.Outputs.Select(o => TestData.UniformTensor(random, 1.0, [3, .. o.Shape])).ToArray();
        model.Compile(new Sgd(0.01f), [Loss.MeanSquaredError, Loss.MeanAbsoluteError], [0.25, 2.0], [[new MeanAbsoluteErrorMetric()], []]);
        var scores = model.Evaluate(inputs, targets);
        var predictions = model.Predict(inputs);
        double mse = predictions[0].Data.Zip(targets[0].Data, (p, t) => (double)(p - t) * (p - t)).Average();
        double mae = predictions[1].Data.Zip(targets[1].Data, (p, t) => Math.Abs((double)p - t)).Average();
        Assert.Equal(mse, scores["dense_loss"], 5);
        Assert.Equal(mae, scores["shared_loss"], 5);
        Assert.Equal((0.25 * mse) + (2.0 * mae), scores["loss"], 5);
        Assert.Equal(["loss", "dense_loss", "shared_loss", "dense_mae"], scores.Keys);
        var history = model.Fit(inputs, targets, epochs: 2, batchSize: 2);
        Assert.Equal(2, history.Get("shared_loss").Count);
        Assert.True(history.Get("loss")[1] < history.Get("loss")[0], "the weighted loss falls");
        Assert.Throws<ArgumentException>(() => model.Compile(new Sgd(0.01f), Loss.MeanSquaredError, new MeanAbsoluteErrorMetric()));
        Assert.Throws<ArgumentException>(() => model.Compile(new Sgd(0.01f), [Loss.MeanSquaredError], null, null));
        Assert.Throws<ArgumentException>(() => model.Compile(new Sgd(0.01f), [Loss.MeanSquaredError, Loss.MeanSquaredError], [1, -1], null));
    }

    [Fact]
    public void SummaryShowsWhatEachCallIsConnectedTo()
    {
        var (model, _) = EncoderDecoder(lstm: false, seed: 1);
        string summary = model.Summary();
        Assert.Contains("source (InputLayer)", summary, StringComparison.Ordinal);
        Assert.Contains("encoder (GRU)", summary, StringComparison.Ordinal);
        Assert.Contains("[(None, 5), (None, 5)]", summary, StringComparison.Ordinal);
        Assert.Contains("target[0][0], encoder[0][1]", summary, StringComparison.Ordinal);
        Assert.Contains("gru[0][0]", summary, StringComparison.Ordinal);
        Assert.Contains("shared[0][0]", summary, StringComparison.Ordinal);
        Assert.Contains($"Total params: {model.ParameterCount:N0}", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelOverATrainedModelsLayersPredictsWithItsWeights()
    {
        var input = new Input([4, 2]);
        var encoder = new Gru(3);
        var code = encoder.Call(input);
        var decoded = new TimeDistributed(new Dense(2)).Call(new Gru(3, returnSequences: true).Call(new RepeatVector(4).Call(code)));
        var autoencoder = new Model(input, decoded, seed: 2);
        var x = TestData.UniformTensor(new SeededRandom(3), 1.0, 8, 4, 2);
        autoencoder.Compile(new Adam(0.05f), Loss.MeanSquaredError);
        autoencoder.Fit(x, x, epochs: 2, batchSize: 4);

        var encoderModel = new Model(input, code);
        Assert.False(encoderModel.IsTrainable);
        Assert.Equal(encoder.Forward(x).Data, encoderModel.Predict(x).Data);
        Assert.Throws<InvalidOperationException>(() => encoderModel.Compile(new Adam(), Loss.MeanSquaredError));
        // Fresh layers on top of trained ones: refused, naming the way out.
        var mixed = Assert.Throws<ArgumentException>(() => new Model(input, new Dense(1).Call(code)));
        Assert.Contains("build the model that holds them all first", mixed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GraphErrorsNameTheirCulprit()
    {
        var x = new Input([5, 2], "x");
        var stray = new Input([5, 2], "stray");
        var gru = new Gru(3);
        var e = Assert.Throws<ArgumentException>(() => new Model(x, gru.Call(stray)));
        Assert.Contains("input 'stray'", e.Message, StringComparison.Ordinal);

        var withState = new Gru(3, new RecurrentOptions { ReturnState = true });
        Assert.Contains("CallMultiple", Assert.Throws<ArgumentException>(() => withState.Call(x)).Message, StringComparison.Ordinal);
        var badState = new Input([4], "h0");
        e = Assert.Throws<ArgumentException>(() => new Model([x, badState], [new Gru(3).Call(x, badState)]));
        Assert.Contains("initial state 0 must be (3)", e.Message, StringComparison.Ordinal);

        var sequential = new Sequential(new Gru(3, new RecurrentOptions { ReturnState = true }));
        Assert.Contains("functional Model", Assert.Throws<InvalidOperationException>(() => sequential.Build([5, 2])).Message, StringComparison.Ordinal);

        var model = new Model(x, new Dense(1).Call(new Gru(3).Call(x)));
        e = Assert.Throws<ArgumentException>(() => model.Predict(new Tensor(2, 4, 2)));
        Assert.Contains("Input 'x' must be (samples, 5, 2)", e.Message, StringComparison.Ordinal);
        var first = new Dense(1) { Name = "same" };
        var second = new Dense(1) { Name = "same" };
        Assert.Throws<ArgumentException>(() => new Model(x, second.Call(first.Call(new Gru(2).Call(x)))));
    }

    // Random weights in ±0.5, loss Σ_k Σ w_k ⊙ y_k with random w_k: the graph's parameter gradients against central
    // differences of the loss through Predict. Returns the training forward's outputs.
    private static IReadOnlyList<Tensor> GradientsMatchFiniteDifferences(Model model, Tensor[] inputs, ulong seed, string what)
    {
        var random = new SeededRandom(seed);
        foreach (var p in model.Layers.SelectMany(l => l.Parameters))
        {
            TestData.Uniform(random, p.Length, 0.5).CopyTo(p.Values);
        }

        var weights = model.Outputs.Select(o => TestData.UniformTensor(random, 1.0, [inputs[0].Shape[0], .. o.Shape])).ToArray();
        ITrainableModel trainable = model;
        model.ParameterGradients.Clear();
        var outputs = trainable.Forward(inputs, training: true).Select(t => t.Clone()).ToArray();
        trainable.Backward(weights);
        double[] analytic = TestData.ToDouble(model.ParameterGradients);

        double Loss() => model.Predict(inputs).Select((p, k) => TestData.WeightedSum(p.Data, weights[k].Data)).Sum();

        double[] numeric = FiniteDifference.Gradient(
            model.ParameterValues.Length, i => model.ParameterValues[i], (i, v) => model.ParameterValues[i] = (float)v, Loss, Epsilon);
        NumericAssert.Gradient(numeric, analytic, Relative, FloorFraction, what);
        return outputs;
    }

    // sequence (5, 3) → GRU(4) = a; static (2) → Dense(4) = b, which also starts the GRU (initial state); Concatenate(a, b)
    // → Dense(2) is output 1; Multiply(Add(a, b), b) → Dense(1) is output 2. b fans out to four calls.
    internal static (Model Model, Tensor[] Inputs) MergeGraph(ulong seed, int samples = 3)
    {
        var sequence = new Input([5, 3], "sequence");
        var features = new Input([2], "static");
        var b = new Dense(4).Call(features);
        var a = new Gru(4).Call(sequence, b);
        var joined = new Dense(2).Call(new Concatenate().Call(a, b));
        var product = new Dense(1).Call(new Multiply().Call(new Add().Call(a, b), b));
        var model = new Model([sequence, features], [joined, product], seed);
        var random = new SeededRandom(seed + 100);
        return (model, [TestData.UniformTensor(random, 1.0, samples, 5, 3), TestData.UniformTensor(random, 1.0, samples, 2)]);
    }

    // The encoder-decoder of Bahdanau et al. (additive) or Luong et al. (scaled dot): a GRU encoder over source (6, 3)
    // returns its sequence and state; the state starts a GRU decoder over target (4, 2); attention of the decoder's
    // steps over the encoder's, concatenated with the decoder's output, feeds TimeDistributed(Dense(3)).
    internal static (Model Model, Tensor[] Inputs) AttentionGraph(bool additive, ulong seed)
    {
        var source = new Input([6, 3], "source");
        var target = new Input([4, 2], "target");
        var encoded = new Gru(5, new RecurrentOptions { ReturnSequences = true, ReturnState = true }).CallMultiple(source);
        var decoded = new Gru(5, new RecurrentOptions { ReturnSequences = true }).Call(target, encoded[1]);
        Layer attention = additive ? new AdditiveAttention() : new Attention(useScale: true);
        var context = attention.Call(decoded, encoded[0]);
        var output = new TimeDistributed(new Dense(3)).Call(new Concatenate().Call(decoded, context));
        var model = new Model([source, target], [output], seed);
        var random = new SeededRandom(seed + 100);
        return (model, [TestData.UniformTensor(random, 1.0, 3, 6, 3), TestData.UniformTensor(random, 1.0, 3, 4, 2)]);
    }

    // source (4, 3) → encoder GRU/LSTM with return_state → its state(s) start a decoder on target (3, 2); the state h
    // also feeds a shared Dense(4), whose second call on the decoder's output is the second model output; the first is
    // Dense(2) of the shared layer's first call.
    private static (Model Model, Tensor[] Inputs) EncoderDecoder(bool lstm, ulong seed)
    {
        var source = new Input([4, 3], "source");
        var target = new Input([3, 2], "target");
        var options = new RecurrentOptions { ReturnState = true };
        RecurrentLayer encoder = lstm ? new Lstm(5, options) : new Gru(5, options);
        encoder.Name = "encoder";
        var encoded = encoder.CallMultiple(source);
        RecurrentLayer decoder = lstm ? new Lstm(5) : new Gru(5);
        var decoded = decoder.Call([target, .. encoded.Skip(1)]);
        var shared = new Dense(4) { Name = "shared" };
        var head = new Dense(2).Call(shared.Call(encoded[1]));
        var model = new Model([source, target], [head, shared.Call(decoded)], seed);
        var random = new SeededRandom(seed + 100);
        return (model, [TestData.UniformTensor(random, 1.0, 3, 4, 3), TestData.UniformTensor(random, 1.0, 3, 3, 2)]);
    }
}
