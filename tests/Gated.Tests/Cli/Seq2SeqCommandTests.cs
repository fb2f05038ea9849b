using System.Text;
using System.Text.Json;
using Gated.Seq2Seq;
using Xunit;

namespace Gated.Tests.Cli;

/// <summary>A tiny `gated seq2seq` run (reversing short strings), trained once for every test of the class.</summary>
public sealed class TrainedSeq2Seq : IDisposable
{
    public TrainedSeq2Seq()
    {
        Pairs = Folder.File("reverse.tsv", ReversedPairs(300));
        Out = Path.Combine(Folder.Path, "out");
        (ExitCode, Stdout, Stderr) = CliRunner.Run(
            "seq2seq", "--pairs", Pairs, "--units", "16", "--embedding", "8", "--epochs", "3", "--beam-width", "3", "--out", Out);
    }

    internal TempFolder Folder { get; } = new();

    public string Pairs { get; }

    public string Out { get; }

    public int ExitCode { get; }

    public string Stdout { get; }

    public string Stderr { get; }

    public string ModelPath => Path.Combine(Out, "model.safetensors");

    public void Dispose() => Folder.Dispose();

    /// <summary>count lines "abc\tcba" of 3 to 6 letters of a–f, from a fixed seed.</summary>
    public static string ReversedPairs(int count)
    {
        var random = new Random(7);
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            string source = new([.. Enumerable.Range(0, random.Next(3, 7)).Select(_ => (char)('a' + random.Next(6)))]);
            text.Append(source).Append('\t').Append(new string([.. source.Reverse()])).Append('\n');
        }

        return text.ToString();
    }
}

public sealed class Seq2SeqCommandTests(TrainedSeq2Seq run) : IClassFixture<TrainedSeq2Seq>
{
    [Fact]
    public void TrainingPrintsTheScoreTableAndExamples()
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr);
        foreach (string expected in new[] { "pairs", "Vocabulary: source", "Epoch 1/3", "BLEU", "greedy", "beam (width 3)", "copy baseline", "Best 3 test examples", "Worst 3", "reference:" })
        {
            Assert.Contains(expected, run.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OutWritesTheModelLossPlotMetricsAndPredictions()
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(File.Exists(run.ModelPath));
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(run.Out, "loss.svg")).TrimStart(), StringComparison.Ordinal);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Out, "metrics.json")));
        foreach (string decoding in new[] { "greedy", "beam", "copy_baseline" })
        {
            var scores = metrics.RootElement.GetProperty(decoding);
            foreach (string field in new[] { "bleu", "token_error_rate", "char_error_rate", "sequence_error_rate" })
            {
                Assert.True(double.IsFinite(scores.GetProperty(field).GetDouble()), $"{decoding}.{field}");
            }
        }

        string[] predictions = File.ReadAllLines(Path.Combine(run.Out, "predictions.tsv"));
        Assert.Equal("source\treferences\tgreedy\tbeam", predictions[0]);
        Assert.All(predictions.Skip(1), line => Assert.Equal(4, line.Split('\t').Length));
        Assert.Equal(["loss.svg", "metrics.json", "model.safetensors", "predictions.tsv"], Directory.GetFiles(run.Out).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(2)]
    public void PredictDecodesEachLineOfStandardInputAsTheLibraryDoes(int? beamWidth)
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        string[] args = beamWidth is int k ? ["predict", "--model", run.ModelPath, "--beam-width", $"{k}"] : ["predict", "--model", run.ModelPath];

        var (code, stdout, stderr) = CliRunner.RunWithInput("abc\n\n  \nfedcba\r\nzzz\n", args);

        Assert.True(code == 0, stderr);
        var expected = Seq2SeqModel.Load(run.ModelPath).Translate(["abc", "fedcba", "zzz"], beamWidth ?? 3);
        Assert.Equal([expected[0], "", "", expected[1], expected[2]], stdout.Split('\n')[..^1].Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void PredictReadsInputFromAFileToo()
    {
        string lines = run.Folder.File("lines.txt", "abc\ncab\n");

        var (code, stdout, stderr) = CliRunner.Run("predict", "--model", run.ModelPath, "--input", lines);

        Assert.True(code == 0, stderr);
        Assert.Equal(Seq2SeqModel.Load(run.ModelPath).Translate(["abc", "cab"], 3), stdout.Split('\n')[..^1].Select(l => l.TrimEnd('\r')));
    }

    public static TheoryData<string, string[], string> BadInputs => new()
    {
        { "no pairs", ["seq2seq"], "seq2seq needs --pairs FILE.tsv" },
        { "missing file", ["seq2seq", "--pairs", "{dir}/nope.tsv"], "nope.tsv" },
        { "line without a tab", ["seq2seq", "--pairs", "{dir}/notab.tsv"], "notab.tsv line 3: expected source<TAB>target, found 0 tabs" },
        { "empty target", ["seq2seq", "--pairs", "{dir}/empty-target.tsv"], "empty-target.tsv line 2: the target is empty" },
        { "too few pairs", ["seq2seq", "--pairs", "{dir}/two.tsv"], "holds 2 pairs" },
        { "zero units", ["seq2seq", "--pairs", "{pairs}", "--units", "0"], "--units must be positive, got 0." },
        { "negative embedding", ["seq2seq", "--pairs", "{pairs}", "--embedding", "-5"], "--embedding must be positive, got -5." },
        { "zero epochs", ["seq2seq", "--pairs", "{pairs}", "--epochs", "0"], "--epochs must be positive, got 0." },
        { "zero batch size", ["seq2seq", "--pairs", "{pairs}", "--batch-size", "0"], "--batch-size must be positive, got 0." },
        { "zero learning rate", ["seq2seq", "--pairs", "{pairs}", "--learning-rate", "0"], "--learning-rate must be positive, got 0." },
        { "zero patience", ["seq2seq", "--pairs", "{pairs}", "--patience", "0"], "--patience must be positive, got 0." },
        { "negative plateau patience", ["seq2seq", "--pairs", "{pairs}", "--plateau-patience", "-1"], "--plateau-patience must be 0 or more, got -1." },
        { "non-numeric plateau patience", ["seq2seq", "--pairs", "{pairs}", "--plateau-patience", "one"], "--plateau-patience must be a non-negative integer, got 'one'" },
        { "zero beam width", ["seq2seq", "--pairs", "{pairs}", "--beam-width", "0"], "--beam-width must be positive, got 0." },
        { "negative length penalty", ["seq2seq", "--pairs", "{pairs}", "--length-penalty", "-1"], "--length-penalty must be 0 or more, got -1." },
        { "zero min count", ["seq2seq", "--pairs", "{pairs}", "--min-count", "0"], "--min-count must be positive, got 0." },
        { "unknown token unit", ["seq2seq", "--pairs", "{pairs}", "--source-tokens", "bytes"], "--source-tokens must be chars or words, got 'bytes'" },
        { "non-numeric units", ["seq2seq", "--pairs", "{pairs}", "--units", "many"], "--units must be a positive integer, got 'many'" },
        { "out is a file", ["seq2seq", "--pairs", "{pairs}", "--out", "{pairs}"], "is a file; it must be a folder" },
        { "beam width for a model that is not seq2seq", ["predict", "--model", "{onnx}", "--beam-width", "2"], "--beam-width applies to a model written by `gated seq2seq`" },
        { "zero beam width in predict", ["predict", "--model", "{model}", "--beam-width", "0"], "--beam-width must be positive, got 0." },
        { "a forecast flag with a seq2seq model", ["predict", "--model", "{model}", "--csv", "{pairs}"], "--csv does not apply to a seq2seq model" },
        { "missing lines file", ["predict", "--model", "{model}", "--input", "{dir}/nope.txt"], "nope.txt" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputGetsOneLineAndExitCodeTwo(string what, string[] args, string expected)
    {
        run.Folder.File("notab.tsv", "abc\tcba\nab\tba\nabc cba\n");
        run.Folder.File("empty-target.tsv", "abc\tcba\nab\t \n");
        run.Folder.File("two.tsv", "abc\tcba\nab\tba\n");
        string onnx = Gated.Tests.TestSupport.RepoFiles.Find("tests/Gated.Tests/Fixtures/onnx-operator/lstm_bidirectional.onnx");
        string[] resolved = [.. args.Select(a => a.Replace("{dir}", run.Folder.Path).Replace("{pairs}", run.Pairs).Replace("{onnx}", onnx).Replace("{model}", run.ModelPath))];

        var (code, stdout, stderr) = CliRunner.Run(resolved);

        Assert.True(code == 2, $"{what}: exit {code}; {stderr}");
        Assert.Equal("", stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc\tcba\nabc\tcab\nabc\tbca\n", "have 1 distinct source lines")]
    [InlineData("abc\tcba\nab\tba\nab\tab\n", "too few to split into training and validation")]
    public void DataTooSmallForTheSplitGetsOneLineAndExitCodeTwo(string pairs, string expected)
    {
        string path = run.Folder.File("small.tsv", pairs);

        // Seed 0 holds out "ab" (2 of the 3 pairs), leaving 1 pair for training and validation in the second case.
        var (code, _, stderr) = CliRunner.Run("seq2seq", "--pairs", path, "--seed", "0", "--out", Path.Combine(run.Folder.Path, "small-out"));

        Assert.True(code == 2, $"exit {code}; {stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}
