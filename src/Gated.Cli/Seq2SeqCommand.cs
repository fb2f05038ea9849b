using System.CommandLine;
using System.Globalization;
using Gated.IO;
using Gated.Seq2Seq;

namespace Gated.Cli;

/// <summary>
/// `gated seq2seq`: train an encoder–decoder on a file of source&lt;TAB&gt;target lines and score greedy and beam decoding
/// against copying the source; a thin shell over <see cref="Seq2SeqExperiment"/>, its defaults and checks those of
/// <see cref="Seq2SeqOptions"/>.
/// </summary>
internal static class Seq2SeqCommand
{
    private const int ShownExamples = 3;

    private static readonly Seq2SeqOptions Defaults = new();

    /// <summary>The names of <see cref="TokenUnit"/> the user types.</summary>
    public static readonly IReadOnlyList<(string Name, TokenUnit Value)> UnitNames = [("chars", TokenUnit.Chars), ("words", TokenUnit.Words)];

    public static Command Create()
    {
        var pairs = Flags.Text("--pairs", null, "the training data (required): one source<TAB>target pair per line, UTF-8; a source may have several targets", "FILE.tsv");
        var sourceTokens = Flags.Choice("--source-tokens", Defaults.SourceTokens, UnitNames, "tokens of the source lines: characters, or whitespace-separated words", orList: true);
        var targetTokens = Flags.Choice("--target-tokens", Defaults.TargetTokens, UnitNames, "tokens of the target lines: characters, or whitespace-separated words", orList: true);
        var units = Flags.Count("--units", Defaults.Units, "GRU state size of the encoder (each direction) and the decoder");
        var embedding = Flags.Count("--embedding", Defaults.EmbeddingSize, "size of each token embedding", nameof(Seq2SeqOptions.EmbeddingSize));
        var epochs = Flags.Count("--epochs", Defaults.Epochs, "most training epochs; early stopping on the validation loss usually ends sooner");
        var batchSize = Flags.Count("--batch-size", Defaults.BatchSize, "sentence pairs per batch");
        var learningRate = Flags.Number("--learning-rate", Defaults.LearningRate, "Adam learning rate");
        var patience = Flags.Count("--patience", Defaults.Patience, "epochs without a better validation loss before training stops (the best weights are kept)");
        var plateauPatience = Flags.Count("--plateau-patience", Defaults.PlateauPatience, "epochs without a better validation loss before the learning rate halves (0: never)", nameof(Seq2SeqOptions.PlateauPatience), zeroAllowed: true);
        var seed = Flags.Seed("--seed", Defaults.Seed, "seed for the split by source, the weights and shuffling");
        var beamWidth = Flags.Count("--beam-width", Defaults.BeamWidth, "beam width of beam-search decoding, saved with the model for `gated predict`");
        var lengthPenalty = Flags.Number("--length-penalty", Defaults.LengthPenalty, "α of beam search's length normalisation: a hypothesis scores log P / length^α (0: none)");
        var noAttention = Flags.Switch("--no-attention", "Cho et al.'s fixed context vector instead of Bahdanau's additive attention");
        var bidirectional = Flags.Switch("--bidirectional", "a bidirectional encoder");
        var dropout = Flags.Number("--dropout", Defaults.Dropout, "dropout in training on the embeddings and on the output layer's input");
        var minCount = Flags.Count("--min-count", Defaults.MinTokenCount, "tokens seen fewer times in training become UNK", nameof(Seq2SeqOptions.MinTokenCount));
        var outDir = Flags.Text("--out", "out", "where model.safetensors, loss.svg, metrics.json and predictions.tsv go", "DIR");
        var command = new Command("seq2seq", "train a sequence-to-sequence GRU (attention, beam search) on a tab-separated file of source and target lines, and score it against copying the source")
        {
            pairs, sourceTokens, targetTokens, units, embedding, epochs, batchSize, learningRate, patience, plateauPatience, seed, beamWidth, lengthPenalty, noAttention, bidirectional, dropout, minCount, outDir,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(pairs) ?? throw new UsageException("seq2seq needs --pairs FILE.tsv");
            var options = new Seq2SeqOptions
            {
                SourceTokens = parse.GetChoice(sourceTokens),
                TargetTokens = parse.GetChoice(targetTokens),
                EmbeddingSize = parse.GetValue(embedding),
                Units = parse.GetValue(units),
                Attention = !parse.GetValue(noAttention),
                BidirectionalEncoder = parse.GetValue(bidirectional),
                Dropout = parse.GetValue(dropout),
                MinTokenCount = parse.GetValue(minCount),
                LearningRate = parse.GetValue(learningRate),
                BatchSize = parse.GetValue(batchSize),
                Epochs = parse.GetValue(epochs),
                Patience = parse.GetValue(patience),
                PlateauPatience = parse.GetValue(plateauPatience),
                Seed = parse.GetValue(seed),
                BeamWidth = parse.GetValue(beamWidth),
                LengthPenalty = parse.GetValue(lengthPenalty),
            };
            Check(options);
            string dir = parse.GetRequiredValue(outDir);
            if (File.Exists(dir))
            {
                throw new UsageException($"--out {dir} is a file; it must be a folder");
            }

            var stdout = parse.InvocationConfiguration.Output;
            bool interactive = !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out);
            return Run(path, SequencePairs.ReadTsv(path), options, dir, stdout, interactive);
        });
        return command;
    }

    /// <summary>Checks options with the library, its message naming the flag (the library throws ArgumentOutOfRangeException, a user error here).</summary>
    public static void Check(Seq2SeqOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw UserErrors.AsInvalidOption(e);
        }
    }

    private static int Run(string path, IReadOnlyList<SequencePair> pairs, Seq2SeqOptions options, string dir, TextWriter stdout, bool interactive)
    {
        string modelPath = Path.Combine(dir, "model.safetensors");
        string lossPath = Path.Combine(dir, "loss.svg");
        string metricsPath = Path.Combine(dir, "metrics.json");
        string predictionsPath = Path.Combine(dir, "predictions.tsv");
        using var outputs = new OutputSet([modelPath, lossPath, metricsPath, predictionsPath]);

        int sources = pairs.Select(p => p.Source).Distinct(StringComparer.Ordinal).Count();
        stdout.WriteLine($"Data: {path}, {pairs.Count} pairs, {sources} distinct sources; {Name(options.SourceTokens)} → {Name(options.TargetTokens)}");
        string architecture = $"{(options.BidirectionalEncoder ? "bidirectional " : "")}GRU({options.Units}) encoder → GRU({options.Units}) decoder, "
            + $"{(options.Attention ? "additive attention" : "fixed context vector")}, embeddings of {options.EmbeddingSize}"
            + (options.Dropout > 0 ? $", dropout {options.Dropout.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "");
        stdout.WriteLine($"Model: {architecture}");
        var report = Seq2SeqExperiment.Run(pairs, options, [new ProgressBar(stdout, interactive)]);

        var model = report.Model;
        var (train, validation, testSources) = report.Counts;
        stdout.WriteLine($"Split by source: {train - validation} training pairs, {validation} validation, {testSources} test sources; kept the weights of the best validation loss after {report.History.Epochs} epoch(s)");
        if (model.LearningRateReductions.Count > 0)
        {
            var culture = System.Globalization.CultureInfo.InvariantCulture;
            stdout.WriteLine($"Learning rate halved after epoch {string.Join(", ", model.LearningRateReductions.Select(r => (r.Epoch + 1).ToString(culture)))}, to {model.LearningRateReductions[^1].LearningRate.ToString("G4", culture)}");
        }
        stdout.WriteLine(
            $"Vocabulary: source {model.SourceVocabulary.Count} tokens, up to {model.SourceLength} per line; target {model.TargetVocabulary.Count} tokens, up to {model.TargetLength - 1} per line (+ end)");
        PrintScores(stdout, report, options);
        PrintExamples(stdout, report, options.TargetTokens);

        outputs.Write(modelPath, model.Save);
        outputs.Write(lossPath, ForecastCharts.Loss(report.History, "cross-entropy per target token").Save);
        outputs.Write(metricsPath, (Stream stream) => stream.Write(System.Text.Encoding.UTF8.GetBytes(Seq2SeqExperiment.MetricsJson(report))));
        outputs.Write(predictionsPath, (Stream stream) =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.WriteLine("source\treferences\tgreedy\tbeam");
            foreach (var e in report.Examples)
            {
                writer.WriteLine($"{e.Source}\t{string.Join(" | ", e.References)}\t{e.Greedy}\t{e.Beam}");
            }
        });
        outputs.Commit();
        stdout.WriteLine($"Wrote {modelPath}, {lossPath}, {metricsPath}, {predictionsPath}");
        return 0;
    }

    private static void PrintScores(TextWriter stdout, Seq2SeqReport report, Seq2SeqOptions options)
    {
        stdout.WriteLine($"Test scores over {report.Counts.TestSources} sources (error rates in %; tokens are {Name(options.TargetTokens)}):");
        stdout.WriteLine($"  {"",-18}{"BLEU",8}{"token err",11}{"char err",10}{"seq err",9}{"sentences/s",13}");
        Row("greedy", report.Greedy, report.SentencesPerSecond.Greedy);
        Row($"beam (width {options.BeamWidth})", report.Beam, report.SentencesPerSecond.Beam);
        Row("copy baseline", report.CopyBaseline, null);

        void Row(string name, Seq2SeqScores s, double? speed) => stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-18}{s.Bleu,8:F2}{100 * s.TokenErrorRate,11:F2}{100 * s.CharErrorRate,10:F2}{100 * s.SequenceErrorRate,9:F2}{(speed is double v ? v.ToString("F0", CultureInfo.InvariantCulture) : "-"),13}"));
    }

    // The best and worst test sources by beam search's own token error rate (the library's score of one sentence).
    private static void PrintExamples(TextWriter stdout, Seq2SeqReport report, TokenUnit unit)
    {
        var ranked = report.Examples
            .Select((e, i) => (Example: e, Error: Seq2SeqScores.Of([e.Beam], [e.References], unit).TokenErrorRate, Index: i))
            .OrderBy(r => r.Error).ThenBy(r => r.Index).ToList();
        int best = Math.Min(ShownExamples, ranked.Count);
        int worst = Math.Min(ShownExamples, ranked.Count - best);
        Print($"Best {best} test examples (by beam's token error rate):", ranked.Take(best));
        if (worst > 0)
        {
            Print($"Worst {worst}:", ranked.Skip(ranked.Count - worst).Reverse());
        }

        void Print(string title, IEnumerable<(Seq2SeqExample Example, double Error, int Index)> rows)
        {
            stdout.WriteLine(title);
            foreach (var (e, error, _) in rows)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  source:    {e.Source}   (token error {100 * error:F0}%)"));
                stdout.WriteLine($"  reference: {string.Join(" | ", e.References)}");
                stdout.WriteLine($"  greedy:    {e.Greedy}");
                stdout.WriteLine($"  beam:      {e.Beam}");
            }
        }
    }

    private static string Name(TokenUnit unit) => UnitNames.First(u => u.Value == unit).Name;
}
