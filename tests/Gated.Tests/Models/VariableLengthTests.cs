using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Models;

/// <summary>
/// Variable-length inputs of functional models (Keras's <c>shape=(None,)</c>): an attention encoder–decoder predicts
/// on batches cut short what it predicts on the padded ones; Fit with trimPadding (every batch cut after its longest
/// real sequence) trains as Fit without it, to float rounding; save → load keeps the variable length; and the cases
/// where a length cannot vary or a cut could change the result are refused, each naming its culprit.
/// </summary>
public sealed class VariableLengthTests : IDisposable
{
    private const int SourceSteps = 9, TargetSteps = 8, SourceVocabulary = 7, TargetVocabulary = 6, Samples = 48;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ShortBatchesPredictWhatPaddedOnesDo()
    {
        var model = EncoderDecoder(seed: 1);
        var (source, decoderInput, _) = Batches(new SeededRandom(2), Samples);
        var full = model.Predict([source, decoderInput])[0];
        // Both inputs cut after their longest real sequence, as trimPadding cuts them.
        int sourceReal = RealSteps(source), targetReal = RealSteps(decoderInput);
        Assert.InRange(sourceReal, 2, SourceSteps - 1);
        Assert.InRange(targetReal, 2, TargetSteps - 1);
        var cut = model.Predict([Cut(source, sourceReal), Cut(decoderInput, targetReal)])[0];

        Assert.Equal([Samples, targetReal, TargetVocabulary], cut.Shape);
        for (int b = 0; b < Samples; b++)
        {
            for (int t = 0; t < targetReal; t++)
            {
                for (int v = 0; v < TargetVocabulary; v++)
                {
                    Assert.Equal(full.Data[(((b * TargetSteps) + t) * TargetVocabulary) + v], cut.Data[(((b * targetReal) + t) * TargetVocabulary) + v], 6);
                }
            }
        }

        Assert.Contains("(None, None, 6)", model.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void TrimmedFitTrainsAsTheFullLengthFit()
    {
        var (source, decoderInput, target) = Batches(new SeededRandom(3), Samples);
        var histories = new List<History>();
        var weights = new List<float[]>();
        foreach (bool trim in new[] { false, true })
        {
            var model = EncoderDecoder(seed: 4);
            model.Compile(new Adam(0.01f), new SparseSoftmaxCrossEntropyLoss(ignoreClass: 0));
            histories.Add(model.Fit([source, decoderInput], [target], epochs: 3, batchSize: 8, validationSplit: 0.25, seed: 5, trimPadding: trim));
            weights.Add(model.ParameterValues.ToArray());
        }

        foreach (string key in new[] { "loss", "val_loss" })
        {
            for (int epoch = 0; epoch < 3; epoch++)
            {
                Assert.Equal(histories[0].Get(key)[epoch], histories[1].Get(key)[epoch], 1e-5 * Math.Abs(histories[0].Get(key)[epoch]));
            }
        }

        Assert.True(histories[0].Loss[2] < histories[0].Loss[0] * 0.9, "the model learns");
        for (int i = 0; i < weights[0].Length; i++)
        {
            Assert.Equal(weights[0][i], weights[1][i], 1e-4 + (1e-4 * Math.Abs(weights[0][i])));
        }
    }

    [Fact]
    public void TrimCutsEachGroupAfterItsLongestRealStep()
    {
        // Group 0: input 0 with target 1 (whose last real step, 4, is later than the input's, 3); input 1 is not cut.
        var source = new Tensor(new float[] { 1, 2, 0, 0, 0, /**/ 4, 5, 6, 0, 0, /**/ 7, 0, 0, 0, 0 }, 3, 5);
        var other = new Tensor(new float[] { 1, 0, 0, 0, 0, /**/ 0, 0, 0, 0, 0, /**/ 0, 0, 0, 0, 0 }, 3, 5);
        var unrelated = new Tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        var target = new Tensor(3, 5, 2);
        target.Data[(((1 * 5) + 3) * 2) + 1] = 9;
        Tensor[] x = [source, other], y = [unrelated, target];
        new PaddingTrim([0], [[1]]).Apply(x, y);

        Assert.Equal([3, 4], x[0].Shape);
        Assert.Equal([1, 2, 0, 0, 4, 5, 6, 0, 7, 0, 0, 0], x[0].Data);
        Assert.Same(other, x[1]);
        Assert.Same(unrelated, y[0]);
        Assert.Equal([3, 4, 2], y[1].Shape);
        Assert.Equal(9f, y[1].Data[(((1 * 4) + 3) * 2) + 1]);
    }

    [Fact]
    public void SaveLoadKeepsTheVariableLength()
    {
        var model = EncoderDecoder(seed: 6);
        var (source, decoderInput, _) = Batches(new SeededRandom(7), 5);
        string path = Path.Combine(_folder.Path, "variable.safetensors");
        GatedModelFile.Save(path, model);
        var (loaded, _) = GatedModelFile.LoadFunctional(path);

        Assert.True(((Input)loaded.Inputs[0]).VariableLength);
        var x = new[] { Cut(source, 4), Cut(decoderInput, 3) };
        Assert.Equal(model.Predict(x)[0].Data, loaded.Predict(x)[0].Data);
    }

    [Fact]
    public void LengthsThatCannotVaryAreRefused()
    {
        var tokens = new Input([5], "tokens", variableLength: true);
        var flat = new Flatten().Call(new Embedding(4, 3).Call(tokens));
        var fixedLayer = Assert.Throws<ArgumentException>(() => new Model(tokens, new Dense(1).Call(flat)));
        Assert.Contains("Layer 'flatten' (Flatten) needs a fixed length, but its input follows input 'tokens', whose length varies.", fixedLayer.Message, StringComparison.Ordinal);

        var fixedInput = new Input([5], "tokens");
        var model = new Model(fixedInput, new Dense(1).Call(new Gru(2).Call(new Embedding(4, 3, maskZero: true).Call(fixedInput))));
        var wrongLength = Assert.Throws<ArgumentException>(() => model.Predict(new Tensor(2, 4)));
        Assert.Contains("Input 'tokens' must be (samples, 5), got (2, 4).", wrongLength.Message, StringComparison.Ordinal);
        model.Compile(new Adam(0.01f), Loss.MeanSquaredError);
        var noVariable = Assert.Throws<InvalidOperationException>(() => model.Fit([new Tensor(2, 5)], [new Tensor(2, 1)], trimPadding: true));
        Assert.StartsWith("trimPadding cuts the padding of variable-length inputs, and the model has none", noVariable.Message, StringComparison.Ordinal);

        var series = new Input([5, 2], "series", variableLength: true);
        var unmasked = new Model(series, new TimeDistributed(new Dense(1)).Call(new Gru(2, returnSequences: true).Call(series)));
        unmasked.Compile(new Adam(0.01f), Loss.MeanSquaredError);
        Assert.Equal([2, 3, 1], unmasked.Predict(new Tensor(2, 3, 2)).Shape);
        var notPadding = Assert.Throws<InvalidOperationException>(() => unmasked.Fit([new Tensor(2, 5, 2)], [new Tensor(2, 5, 1)], trimPadding: true));
        Assert.Contains("layer 'gru' (GRU) reads it", notPadding.Message, StringComparison.Ordinal);

        var masked = new Input([5], "ids", variableLength: true);
        var perStep = new Model(masked, new TimeDistributed(new Dense(1)).Call(new Gru(2, returnSequences: true).Call(new Embedding(4, 3, maskZero: true).Call(masked))));
        perStep.Compile(new Adam(0.01f), Loss.MeanSquaredError);
        var lossSeesPadding = Assert.Throws<InvalidOperationException>(() => perStep.Fit([new Tensor(2, 5)], [new Tensor(2, 5, 1)], trimPadding: true));
        Assert.Contains("its loss must ignore the padding class 0", lossSeesPadding.Message, StringComparison.Ordinal);
    }

    // Source ids → Embedding(mask) → GRU (sequence + state); BOS + target ids → Embedding(mask) → GRU from that state →
    // AdditiveAttention over the encoder → Concatenate → TimeDistributed(Dense): the network Seq2SeqModel builds.
    private static Model EncoderDecoder(ulong seed)
    {
        var source = new Input([SourceSteps], "source", variableLength: true);
        var decoderInput = new Input([TargetSteps], "decoder_input", variableLength: true);
        var encoded = new Gru(5, new RecurrentOptions { ReturnSequences = true, ReturnState = true }).CallMultiple(new Embedding(SourceVocabulary, 4, maskZero: true).Call(source));
        var decoded = new Gru(5, returnSequences: true).Call(new Embedding(TargetVocabulary, 4, maskZero: true).Call(decoderInput), encoded[1]);
        var context = new AdditiveAttention().Call(decoded, encoded[0]);
        var logits = new TimeDistributed(new Dense(TargetVocabulary)).Call(new Concatenate().Call(decoded, context));
        return new Model([source, decoderInput], [logits], seed);
    }

    // Sources of 2..7 tokens; targets of 1..6 tokens, decoder input BOS (1) + target, target + EOS (2); 0 pads.
    private static (Tensor Source, Tensor DecoderInput, Tensor Target) Batches(SeededRandom random, int samples)
    {
        var source = new Tensor(samples, SourceSteps);
        var decoderInput = new Tensor(samples, TargetSteps);
        var target = new Tensor(samples, TargetSteps);
        for (int b = 0; b < samples; b++)
        {
            int length = 2 + random.NextInt(6);
            for (int t = 0; t < length; t++)
            {
                source.Data[(b * SourceSteps) + t] = 1 + random.NextInt(SourceVocabulary - 1);
            }

            int targetLength = 1 + random.NextInt(6);
            decoderInput.Data[b * TargetSteps] = 1;
            for (int t = 0; t < targetLength; t++)
            {
                float token = 3 + random.NextInt(TargetVocabulary - 3);
                decoderInput.Data[(b * TargetSteps) + t + 1] = token;
                target.Data[(b * TargetSteps) + t] = token;
            }

            target.Data[(b * TargetSteps) + targetLength] = 2;
        }

        return (source, decoderInput, target);
    }

    private static int RealSteps(Tensor ids)
    {
        int steps = ids.Shape[1], real = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            real = ids.Data[i] != 0 ? Math.Max(real, (i % steps) + 1) : real;
        }

        return real;
    }

    private static Tensor Cut(Tensor ids, int steps)
    {
        int full = ids.Shape[1];
        var cut = new Tensor(ids.Shape[0], steps);
        for (int b = 0; b < ids.Shape[0]; b++)
        {
            ids.Data.AsSpan(b * full, steps).CopyTo(cut.Data.AsSpan(b * steps, steps));
        }

        return cut;
    }
}
