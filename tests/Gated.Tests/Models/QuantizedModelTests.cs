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
/// Model-level int8 (QuantizeInt8): a Sequential's predictions stay close to float and differ from it; its pooled
/// predictors and streams made afterwards run the same int8 bits as the layers; training is refused; a functional
/// model's shared layer runs int8 on every call.
/// </summary>
public sealed class QuantizedModelTests
{
    [Fact]
    public void SequentialPredictsStreamsAndRefusesTrainingInInt8()
    {
        var model = new Sequential(new Gru(16, returnSequences: true), new Bidirectional(new Lstm(8, returnSequences: true)), new TimeDistributed(new Dense(3)));
        model.Build([6, 5], seed: 1);
        var x = TestData.UniformTensor(new SeededRandom(2), 1.0, 9, 6, 5);
        var reference = model.Predict(x).Data.ToArray();

        Assert.Equal(3, model.QuantizeInt8());
        Assert.True(model.IsQuantized);
        var quantized = model.Predict(x);
        var layerByLayer = LayerChain.Forward(model.Layers, x, training: false).Data;
        Assert.True(quantized.Data.AsSpan().SequenceEqual(layerByLayer), "pooled predictors run the layers' int8 weights");
        double worst = reference.Zip(quantized.Data, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(worst, 1e-5, 0.05);

        model.Compile(new Adam(0.01f), Loss.MeanSquaredError);
        var refused = Assert.Throws<InvalidOperationException>(() => model.Fit(x, new Tensor(9, 6, 3), epochs: 1));
        Assert.Contains("only infers", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamsMadeAfterQuantizingStepAsPredict()
    {
        var model = new Sequential(new Gru(16, returnSequences: true), new Lstm(8, returnSequences: true), new TimeDistributed(new Dense(3)));
        model.Build([6, 5], seed: 5);
        model.QuantizeInt8();
        var x = TestData.UniformTensor(new SeededRandom(6), 1.0, 4, 6, 5);
        var whole = model.Predict(x).Data;
        var stream = model.CreateStream(4);
        var step = new float[4 * 5];
        var output = new float[4 * 3];
        for (int t = 0; t < 6; t++)
        {
            for (int b = 0; b < 4; b++)
            {
                x.Data.AsSpan(((b * 6) + t) * 5, 5).CopyTo(step.AsSpan(b * 5));
            }

            stream.Step(step, output);
            for (int b = 0; b < 4; b++)
            {
                Assert.True(output.AsSpan(b * 3, 3).SequenceEqual(whole.AsSpan(((b * 6) + t) * 3, 3)), $"step {t}, row {b}");
            }
        }
    }

    [Fact]
    public void EmbeddingsQuantizeAndStreamAsTheyPredict()
    {
        var model = new Sequential(new Embedding(20, 8, maskZero: true), new Gru(16, returnSequences: true), new TimeDistributed(new Dense(20)));
        model.Build([6], seed: 7);
        var random = new SeededRandom(8);
        var x = new Tensor(3, 6);
        for (int i = 0; i < x.Length; i++)
        {
            x.Data[i] = 1 + random.NextInt(19);
        }

        var reference = model.Predict(x).Data.ToArray();
        Assert.Equal(3, model.QuantizeInt8());
        var whole = model.Predict(x).Data;
        Assert.InRange(reference.Zip(whole, (a, b) => Math.Abs(a - b)).Max(), 1e-6, 0.05);
        var stream = model.CreateStream(3);
        var output = new float[3 * 20];
        for (int t = 0; t < 6; t++)
        {
            stream.Step([x.Data[t], x.Data[6 + t], x.Data[12 + t]], output);
            for (int b = 0; b < 3; b++)
            {
                Assert.True(output.AsSpan(b * 20, 20).SequenceEqual(whole.AsSpan(((b * 6) + t) * 20, 20)), $"step {t}, row {b}");
            }
        }
    }

    [Fact]
    public void AQuantizedSeq2SeqDecoderGivesItsNetworksLogits()
    {
        var model = Gated.Tests.Seq2Seq.Seq2SeqDecoderTests.RandomModel(attention: true, bidirectional: true, targetLength: 5, seed: 9);
        Assert.Equal(7, model.Network.QuantizeInt8());
        var sources = new Tensor(new float[] { 4, 5, 6, 7, 0, 0, 5, 5, 4, 0, 0, 0 }, 2, 6);
        var decoderInput = new Tensor(new float[] { 1, 4, 5, 6, 7, 1, 8, 4, 4, 5 }, 2, 5);
        var expected = model.Network.Predict([sources, decoderInput])[0];
        NumericAssert.Close(expected.Data, model.CreateDecoder().ForcedLogits(sources, decoderInput).Data, 1e-5, 1e-5, "int8 step logits vs int8 network");
    }

    [Fact]
    public void SharedLayersRunInt8OnEveryCall()
    {
        var input = new Input([4]);
        var shared = new Dense(4);
        var output = new Dense(2).Call(shared.Call(new Activation(ActivationKind.Tanh).Call(shared.Call(input))));
        var model = new Model(input, output, seed: 3);
        var x = TestData.UniformTensor(new SeededRandom(4), 1.0, 5, 4);
        var reference = model.Predict(x).Data.ToArray();

        Assert.Equal(2, model.QuantizeInt8());
        Assert.All(model.CallLayers.OfType<Dense>(), d => Assert.True(d.IsQuantized));
        double worst = reference.Zip(model.Predict(x).Data, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(worst, 1e-6, 0.05);
    }
}
