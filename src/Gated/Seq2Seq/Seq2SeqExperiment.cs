using System.Diagnostics;
using Gated.Training;

namespace Gated.Seq2Seq;

/// <summary>One test source with its references and what each decoder made of it.</summary>
/// <param name="Source">The source line.</param>
/// <param name="References">Its target lines in the data (one or more).</param>
/// <param name="Greedy">The greedy decoding.</param>
/// <param name="Beam">The beam-search decoding.</param>
public sealed record Seq2SeqExample(string Source, IReadOnlyList<string> References, string Greedy, string Beam);

/// <summary>What <see cref="Seq2SeqExperiment.Run"/> measured.</summary>
public sealed class Seq2SeqReport
{
    /// <summary>The trained model (best validation weights).</summary>
    public required Seq2SeqModel Model { get; init; }

    /// <summary>Per-epoch losses.</summary>
    public required History History { get; init; }

    /// <summary>Training pairs (validation included), validation pairs, and distinct test sources.</summary>
    public required (int Train, int Validation, int TestSources) Counts { get; init; }

    /// <summary>Greedy decoding's scores on the test sources.</summary>
    public required Seq2SeqScores Greedy { get; init; }

    /// <summary>Beam search's scores on the test sources.</summary>
    public required Seq2SeqScores Beam { get; init; }

    /// <summary>The copy-the-source baseline's scores.</summary>
    public required Seq2SeqScores CopyBaseline { get; init; }

    /// <summary>Every test source with its decodings, in test order.</summary>
    public required IReadOnlyList<Seq2SeqExample> Examples { get; init; }

    /// <summary>Test sources decoded per second, greedy and beam.</summary>
    public required (double Greedy, double Beam) SentencesPerSecond { get; init; }
}

/// <summary>
/// The recipe of <c>gated seq2seq</c>: split the pairs by source (fixed seed), build the vocabularies and lengths from
/// the training part, train with teacher forcing (the last tenth of the training pairs for validation and early
/// stopping), then decode every distinct test source greedily and by beam search and score both, beside the
/// copy-the-source baseline.
/// </summary>
public static class Seq2SeqExperiment
{
    /// <summary>The share of distinct sources held out for testing.</summary>
    public const double TestFraction = 0.1;

    /// <summary>The share of training pairs (the last ones) held out for validation.</summary>
    public const double ValidationFraction = 0.1;

    /// <summary>Runs the recipe; callbacks see every epoch (a progress bar).</summary>
    public static Seq2SeqReport Run(IReadOnlyList<SequencePair> pairs, Seq2SeqOptions options, IReadOnlyList<FitCallback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var (train, test) = SequencePairs.Split(pairs, TestFraction, options.Seed);
        int validation = Data.DatasetSplit.HeldOutCount(train.Count, ValidationFraction);
        if (validation == 0 || validation == train.Count)
        {
            throw new Data.DataFormatException(
                $"the pairs leave {train.Count} for training, too few to split into training and validation");
        }

        var sources = train.Select(p => (IReadOnlyList<string>)LineTokens.Split(p.Source, options.SourceTokens)).ToList();
        var targets = train.Select(p => (IReadOnlyList<string>)LineTokens.Split(p.Target, options.TargetTokens)).ToList();
        var model = Seq2SeqModel.Create(
            Vocabulary.Build(sources, options.MinTokenCount), Vocabulary.Build(targets, options.MinTokenCount),
            sources.Max(s => s.Count), targets.Max(t => t.Count) + 1, options);
        var history = model.Fit(sources, targets, ValidationFraction, callbacks);

        var testSources = test.Select(p => p.Source).Distinct(StringComparer.Ordinal).ToList();
        var targetsOf = test.GroupBy(p => p.Source, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(p => p.Target).ToList(), StringComparer.Ordinal);
        var references = testSources.Select(s => (IReadOnlyList<string>)targetsOf[s]).ToList();
        // One batch first, so the timing below is of decoding, not of the first call's warm-up.
        model.Translate(testSources.Take(64).ToList(), beamWidth: 1);
        var clock = Stopwatch.StartNew();
        var greedy = model.Translate(testSources, beamWidth: 1);
        double greedySeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var beam = model.Translate(testSources, beamWidth: options.BeamWidth);
        double beamSeconds = clock.Elapsed.TotalSeconds;
        return new Seq2SeqReport
        {
            Model = model,
            History = history,
            Counts = (train.Count, Data.DatasetSplit.HeldOutCount(train.Count, ValidationFraction), testSources.Count),
            Greedy = Seq2SeqScores.Of(greedy, references, options.TargetTokens),
            Beam = Seq2SeqScores.Of(beam, references, options.TargetTokens),
            CopyBaseline = Seq2SeqScores.Of(testSources, references, options.TargetTokens),
            Examples = testSources.Select((s, i) => new Seq2SeqExample(s, references[i], greedy[i], beam[i])).ToList(),
            SentencesPerSecond = (testSources.Count / Math.Max(greedySeconds, 1e-9), testSources.Count / Math.Max(beamSeconds, 1e-9)),
        };
    }

    /// <summary>metrics.json: {"greedy": {...}, "beam": {...}, "copy_baseline": {...}}, each with bleu, token_error_rate, char_error_rate and sequence_error_rate.</summary>
    public static string MetricsJson(Seq2SeqReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            foreach (var (name, scores) in new[] { ("greedy", report.Greedy), ("beam", report.Beam), ("copy_baseline", report.CopyBaseline) })
            {
                json.WriteStartObject(name);
                json.WriteNumber("bleu", scores.Bleu);
                json.WriteNumber("token_error_rate", scores.TokenErrorRate);
                json.WriteNumber("char_error_rate", scores.CharErrorRate);
                json.WriteNumber("sequence_error_rate", scores.SequenceErrorRate);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
