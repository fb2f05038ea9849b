using Gated.Randomness;
using Gated.Seq2Seq;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Seq2Seq;

/// <summary>
/// The step decoder against the training network: fed the teacher's tokens it gives the network's logits (1e-5), for
/// attention, Cho's context vector and a bidirectional encoder; beam search finds the exhaustive search's best
/// hypothesis on a tiny vocabulary; beam width 1 is greedy; save → load decodes the same; a short training run learns
/// to reverse strings.
/// </summary>
public sealed class Seq2SeqDecoderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<bool, bool> Architectures => new() { { true, false }, { false, false }, { true, true }, { false, true } };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void TeacherForcedStepsGiveTheNetworksLogits(bool attention, bool bidirectional)
    {
        var model = RandomModel(attention, bidirectional, targetLength: 5, seed: 3);
        var random = new SeededRandom(4);
        var sources = Tokens(random, 3, 6, model.SourceVocabulary.Count, minLength: 2);
        // Full-length decoder inputs: no padded step, so the network's mask changes nothing.
        var decoderInput = Tokens(random, 3, 5, model.TargetVocabulary.Count, minLength: 5);
        for (int b = 0; b < 3; b++)
        {
            decoderInput.Data[b * 5] = Vocabulary.Bos;
        }

        var expected = model.Network.Predict([sources, decoderInput])[0];
        var actual = model.CreateDecoder().ForcedLogits(sources, decoderInput);
        NumericAssert.Close(expected.Data, actual.Data, 1e-5, 1e-5, "step logits vs teacher-forced network");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void SourcesCutAfterTheirLongestDecodeAsPaddedOnes(bool attention, bool bidirectional)
    {
        var model = RandomModel(attention, bidirectional, targetLength: 5, seed: 5);
        var random = new SeededRandom(6);
        var sources = Tokens(random, 4, 6, model.SourceVocabulary.Count, minLength: 1);
        for (int b = 0; b < 4; b++)
        {
            sources.Data[(b * 6) + 4] = sources.Data[(b * 6) + 5] = Vocabulary.Pad;
        }

        var cut = new Tensor(4, 4);
        for (int b = 0; b < 4; b++)
        {
            sources.Data.AsSpan(b * 6, 4).CopyTo(cut.Data.AsSpan(b * 4, 4));
        }

        var decoderInput = Tokens(random, 4, 5, model.TargetVocabulary.Count, minLength: 5);
        var decoder = model.CreateDecoder();
        var padded = decoder.ForcedLogits(sources, decoderInput);
        NumericAssert.Close(padded.Data, decoder.ForcedLogits(cut, decoderInput).Data, 1e-6, 1e-6, "logits of cut vs padded sources");
        Assert.Equal(decoder.Beam(sources, 3), decoder.Beam(cut, 3));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DropoutTrainsOnlyAndTheDecoderStillGivesTheNetworksLogits(bool attention)
    {
        var model = RandomModel(attention, bidirectional: false, targetLength: 5, seed: 8, dropout: 0.4);
        Assert.Equal(3, model.Network.Layers.OfType<Gated.Layers.Dropout>().Count());
        var random = new SeededRandom(9);
        var sources = Tokens(random, 3, 6, model.SourceVocabulary.Count, minLength: 2);
        var decoderInput = Tokens(random, 3, 5, model.TargetVocabulary.Count, minLength: 5);
        var expected = model.Network.Predict([sources, decoderInput])[0];
        NumericAssert.Close(expected.Data, model.CreateDecoder().ForcedLogits(sources, decoderInput).Data, 1e-5, 1e-5, "step logits vs network with dropout layers");

        string path = Path.Combine(_folder.Path, "dropout.safetensors");
        model.Save(path);
        Assert.Equal(0.4, Seq2SeqModel.Load(path).Options.Dropout);
        Assert.Contains("Dropout must be in [0, 1), got 1", Assert.Throws<ArgumentOutOfRangeException>(() => new Seq2SeqOptions { Dropout = 1 }.Validate()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, 0.0)]
    [InlineData(true, 1.0)]
    [InlineData(false, 0.6)]
    public void BeamSearchFindsTheExhaustiveBest(bool attention, double lengthPenalty)
    {
        // Target tokens: the 4 reserved + "a", "b": every hypothesis of up to 4 tokens over {UNK, a, b} and EOS.
        var model = RandomModel(attention, bidirectional: false, targetLength: 4, seed: 7, targetTokens: ["a", "b"], scale: 3.0);
        var sources = Tokens(new SeededRandom(8), 2, 6, model.SourceVocabulary.Count, minLength: 3);
        var decoder = model.CreateDecoder();
        var beam = decoder.Beam(sources, width: 100, lengthPenalty);
        for (int b = 0; b < 2; b++)
        {
            var source = sources.SliceBatch(b, 1);
            var (bestIds, bestScore) = Exhaustive(decoder, source, model.TargetLength, lengthPenalty);
            Assert.Equal(bestIds, beam[b]);
            Assert.True(bestScore > double.NegativeInfinity);
        }

        Assert.Equal(decoder.Greedy(sources), decoder.Beam(sources, width: 1, lengthPenalty));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AStepAllocatesNothingOnceWarm(bool attention)
    {
        var model = RandomModel(attention, bidirectional: false, targetLength: 5, seed: 12);
        var decoder = model.CreateDecoder();
        decoder.Start(Tokens(new SeededRandom(13), 4, 6, model.SourceVocabulary.Count, minLength: 2), repeat: 2);
        int[] previous = [1, 4, 5, 6, 7, 8, 4, 5];
        var logits = new float[8 * model.TargetVocabulary.Count];
        var parents = new int[] { 1, 0, 2, 2, 4, 5, 7, 6 };
        decoder.Step(previous, logits);
        decoder.Reorder(parents);
        long allocated = long.MaxValue;
        for (int round = 0; round < 3 && allocated != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                decoder.Step(previous, logits);
                decoder.Reorder(parents);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void SaveLoadDecodesTheSame()
    {
        var model = RandomModel(attention: true, bidirectional: true, targetLength: 6, seed: 9);
        string path = _folder.File("s2s.safetensors");
        model.Save(path);
        var loaded = Seq2SeqModel.Load(path);
        var sources = Tokens(new SeededRandom(10), 4, 6, model.SourceVocabulary.Count, minLength: 1);
        Assert.Equal(model.CreateDecoder().Beam(sources, 3), loaded.CreateDecoder().Beam(sources, 3));
        Assert.Equal(model.SourceVocabulary.Tokens, loaded.SourceVocabulary.Tokens);
        Assert.Equal(model.Options with { Seed = 0, LearningRate = 1e-3 }, loaded.Options with { Seed = 0, LearningRate = 1e-3 });
    }

    [Fact]
    public void LearnsToReverseShortStrings()
    {
        var (words, sources, targets, vocabulary) = ReversalTask(seed: 11, count: 400);
        var options = new Seq2SeqOptions { Units = 32, EmbeddingSize = 16, Epochs = 40, BatchSize = 16, LearningRate = 0.01, Patience = 40 };
        var model = Seq2SeqModel.Create(vocabulary, vocabulary, 4, 5, options);
        var history = model.Fit(sources, targets, validationSplit: 0.1);
        string[] decoded = model.Translate(words.Take(100).ToList());
        int wrong = decoded.Where((d, i) => d != new string(words[i].Reverse().ToArray())).Count();
        Assert.True(wrong <= 10, $"{wrong} of 100 reversed wrongly after {history.Epochs} epochs (loss {history.Loss[^1]:F3})");
    }

    [Fact]
    public void PlateauPatienceHalvesTheRateAfterEachEpochWithoutABetterValidationLoss()
    {
        var (_, sources, targets, vocabulary) = ReversalTask(seed: 12, count: 120);
        // A rate far too high for the task, so the validation loss stalls and the rule has something to do.
        var options = new Seq2SeqOptions { Units = 8, EmbeddingSize = 4, Epochs = 12, BatchSize = 8, LearningRate = 0.2, Patience = 12, PlateauPatience = 1 };
        var model = Seq2SeqModel.Create(vocabulary, vocabulary, 4, 5, options);

        var history = model.Fit(sources, targets, validationSplit: 0.2);

        // Keras's rule with patience 1 and min_delta 1e-4: every epoch not below the best by more than 1e-4 halves the rate.
        var expected = new List<(int, float)>();
        double best = double.PositiveInfinity;
        float rate = 0.2f;
        for (int epoch = 0; epoch < history.Epochs; epoch++)
        {
            double loss = history.ValidationLoss[epoch];
            if (loss < best - 1e-4)
            {
                best = loss;
            }
            else
            {
                rate *= 0.5f;
                expected.Add((epoch, rate));
            }
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected, model.LearningRateReductions);
        Assert.Empty(Seq2SeqModel.Create(vocabulary, vocabulary, 4, 5, options with { PlateauPatience = 0, Epochs = 1 }).LearningRateReductions);
        Assert.Contains("PlateauPatience must be 0 or more, got -1", Assert.Throws<ArgumentOutOfRangeException>(() => (options with { PlateauPatience = -1 }).Validate()).Message, StringComparison.Ordinal);
    }

    // Words of 2–4 letters from a–e, each to be reversed, as characters, with their one vocabulary.
    private static (List<string> Words, List<IReadOnlyList<string>> Sources, List<IReadOnlyList<string>> Targets, Vocabulary Vocabulary) ReversalTask(ulong seed, int count)
    {
        var random = new SeededRandom(seed);
        var words = Enumerable.Range(0, count).Select(_ =>
            new string(Enumerable.Range(0, 2 + random.NextInt(3)).Select(_ => (char)('a' + random.NextInt(5))).ToArray())).ToList();
        var sources = words.Select(w => (IReadOnlyList<string>)LineTokens.Split(w, TokenUnit.Chars)).ToList();
        var targets = words.Select(w => (IReadOnlyList<string>)LineTokens.Split(new string(w.Reverse().ToArray()), TokenUnit.Chars)).ToList();
        return (words, sources, targets, Vocabulary.Build(sources));
    }

    private static (int[] Ids, double Score) Exhaustive(Seq2SeqDecoder decoder, Tensor source, int maxLength, double lengthPenalty)
    {
        int[] alphabet = [Vocabulary.Unk, 4, 5];
        var best = (Ids: Array.Empty<int>(), Score: double.NegativeInfinity);
        var prefixes = new List<int[]> { Array.Empty<int>() };
        for (int length = 0; length <= maxLength; length++)
        {
            foreach (var prefix in prefixes)
            {
                // Ends with EOS after `length` tokens (length < maxLength), or is cut at maxLength tokens.
                int[] sequence = length < maxLength ? [.. prefix, Vocabulary.Eos] : prefix;
                double score = LogProbability(decoder, source, sequence, maxLength) / Math.Pow(sequence.Length, lengthPenalty);
                if (score > best.Score)
                {
                    best = (prefix, score);
                }
            }

            prefixes = prefixes.SelectMany(p => alphabet.Select(a => (int[])[.. p, a])).ToList();
        }

        return best;
    }

    private static double LogProbability(Seq2SeqDecoder decoder, Tensor source, int[] sequence, int maxLength)
    {
        var input = new Tensor(1, maxLength);
        input.Data[0] = Vocabulary.Bos;
        for (int t = 1; t < maxLength; t++)
        {
            input.Data[t] = t - 1 < sequence.Length ? sequence[t - 1] : Vocabulary.Eos;
        }

        var logits = decoder.ForcedLogits(source, input);
        int vocabulary = logits.Shape[2];
        double total = 0;
        for (int t = 0; t < sequence.Length; t++)
        {
            var row = logits.Data.AsSpan(t * vocabulary, vocabulary);
            double max = row.ToArray().Max();
            double log = max + Math.Log(row.ToArray().Sum(v => Math.Exp(v - max)));
            total += row[sequence[t]] - log;
        }

        return total;
    }

    internal static Seq2SeqModel RandomModel(bool attention, bool bidirectional, int targetLength, ulong seed, string[]? targetTokens = null, double scale = 0.5, double dropout = 0)
    {
        var source = Vocabulary.Build([["x", "y", "z", "w"]]);
        var target = Vocabulary.Build([targetTokens ?? ["p", "q", "r", "s", "t"]]);
        var options = new Seq2SeqOptions { Units = 6, EmbeddingSize = 4, Attention = attention, BidirectionalEncoder = bidirectional, Seed = seed, Dropout = dropout };
        var model = Seq2SeqModel.Create(source, target, 6, targetLength, options);
        var random = new SeededRandom(seed + 50);
        foreach (var p in model.Network.Layers.SelectMany(l => l.Parameters))
        {
            TestData.Uniform(random, p.Length, scale).CopyTo(p.Values);
        }

        return model;
    }

    // Token ids in [ReservedCount, vocabulary) for the first lengths, then PAD; every row at least minLength long.
    private static Tensor Tokens(SeededRandom random, int rows, int length, int vocabulary, int minLength)
    {
        var tensor = new Tensor(rows, length);
        for (int r = 0; r < rows; r++)
        {
            int real = minLength + random.NextInt(length - minLength + 1);
            for (int t = 0; t < real; t++)
            {
                tensor.Data[(r * length) + t] = Vocabulary.ReservedCount + random.NextInt(vocabulary - Vocabulary.ReservedCount);
            }
        }

        return tensor;
    }
}
