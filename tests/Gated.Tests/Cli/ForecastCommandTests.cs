using Xunit;
using System.Globalization;
using System.Text;
using Gated.Forecasting;

namespace Gated.Tests.Cli;

public sealed class ForecastCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _csv;
    private readonly string _out;

    public ForecastCommandTests()
    {
        _csv = _folder.File("series.csv", SeasonalCsv(400));
        _out = Path.Combine(_folder.Path, "out");
    }

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, string[], string> BadInputs => new()
    {
        { "missing file", ["--csv", "{dir}/nope.csv"], "nope.csv" },
        { "empty file", ["--csv", "{dir}/empty.csv"], "empty.csv" },
        { "non-numeric cell", ["--csv", "{dir}/text.csv"], "line 4, column 'temp': 'warm' is not a number" },
        { "NaN cell", ["--csv", "{dir}/nan.csv"], "'NaN' is not a finite number" },
        { "missing column", ["--csv", "{csv}", "--column", "pressure"], "column 'pressure' not found" },
        { "window as long as the series", ["--csv", "{csv}", "--window", "400"], "'temp' has 400 points, 320 of them before the test period; a --window of 400 plus 1 step(s) ahead needs at least 401 there" },
        { "window too long to split", ["--csv", "{csv}", "--window", "320"], "a --window of 320 plus 1 step(s) ahead needs at least 321 there" },
        { "zero epochs", ["--csv", "{csv}", "--epochs", "0"], "--epochs must be a positive integer, got '0'" },
        { "negative units", ["--csv", "{csv}", "--units", "-5"], "--units must be a positive integer, got '-5'" },
        { "zero batch size", ["--csv", "{csv}", "--batch-size", "0"], "--batch-size must be a positive integer" },
        { "negative learning rate", ["--csv", "{csv}", "--learning-rate", "-0.01"], "--learning-rate must be a number greater than 0, got '-0.01'" },
        { "zero learning rate", ["--csv", "{csv}", "--learning-rate", "0"], "--learning-rate must be a number greater than 0" },
        { "non-numeric window", ["--csv", "{csv}", "--window", "ten"], "--window must be a positive integer, got 'ten'" },
        { "test fraction of one", ["--csv", "{csv}", "--test-fraction", "1"], "--test-fraction must be a number in (0, 1)" },
        { "unknown variant", ["--csv", "{csv}", "--cell-variant", "lstm"], "--cell-variant must be one of reset-after, reset-before" },
        { "unknown option", ["--csv", "{csv}", "--epoch", "3"], "unknown option --epoch" },
        { "option without value", ["--csv", "{csv}", "--window"], "--window needs a value" },
        { "missing date column", ["--csv", "{csv}", "--date-column", "day"], "column 'day' not found" },
        { "gap in the dates", ["--csv", "{dir}/gap.csv"], "gap.csv line 12: gap in the dates: 10 missing daily step(s) between 2020-01-10 and 2020-01-21; use --fill ffill or --fill linear to fill gaps" },
        { "semicolons", ["--csv", "{dir}/semicolon.csv"], "the header looks semicolon-separated" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputGetsOneClearLineExitCodeTwoAndWritesNothing(string what, string[] args, string expected)
    {
        _folder.File("empty.csv", "");
        // Ten days missing after 2020-01-10: the 11-day step the issue met.
        _folder.File("gap.csv", "date,temp\n" + string.Concat(SeasonalSeries(400).Select((v, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{new DateOnly(2020, 1, 1).AddDays(i < 10 ? i : i + 10):yyyy-MM-dd},{v}\n"))));
        _folder.File("semicolon.csv", SeasonalCsv(400).Replace(',', ';'));
        _folder.File("text.csv", "date,temp\n2020-01-01,1\n2020-01-02,2\n2020-01-03,warm\n");
        _folder.File("nan.csv", "date,temp\n2020-01-01,1\nNaN-row,NaN\n".Replace("NaN-row", "2020-01-02", StringComparison.Ordinal));
        string[] full = [.. args.Select(Expand), "--out", _out, "--epochs", "1"];
        if (args.Contains("--epochs"))
        {
            full = [.. args.Select(Expand), "--out", _out];
        }

        var (code, _, stderr) = CliRunner.Run(["forecast", .. full]);

        Assert.True(code == 2, $"{what}: exit code {code}, stderr: {stderr}");
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_out), $"{what}: the output folder was created");
    }

    [Fact]
    public void ADateLikeFirstColumnIsTheTimeAndTheOutputSaysSo()
    {
        string csv = _folder.File("day.csv", SeasonalCsv(400).Replace("date,temp", "day,temp", StringComparison.Ordinal));

        var (code, stdout, stderr) = CliRunner.Run("forecast", "--csv", csv, "--window", "10", "--units", "4", "--epochs", "1", "--out", _out);

        Assert.True(code == 0, stderr);
        Assert.Contains("target 'temp', time column 'day', 400 points (2020-01-01 .. 2021-02-03)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCommandIsAUsageError()
    {
        var (code, _, stderr) = CliRunner.Run("forcast");
        Assert.Equal(2, code);
        Assert.Contains("unknown command 'forcast'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ForecastTrainsScoresAndWritesItsFilesAndPredictForecastsTheSameValue()
    {
        var (code, stdout, stderr) = CliRunner.Run(
            "forecast", "--csv", _csv, "--window", "20", "--units", "8", "--epochs", "3", "--batch-size", "16",
            "--learning-rate", "0.01", "--seed", "3", "--horizon", "2", "--quantiles", "0.1,0.9", "--out", _out);

        Assert.True(code == 0, stderr);
        Assert.Contains("Epoch 3/3", stdout, StringComparison.Ordinal);
        Assert.Contains("Frequency: daily (season 7); calendar features: dayofweek,dayofyear", stdout, StringComparison.Ordinal);
        Assert.Contains("Test scores over", stdout, StringComparison.Ordinal);
        Assert.Contains("  seasonal naive ", stdout, StringComparison.Ordinal);
        Assert.Contains("Coverage of the 80% interval [q0.1, q0.9]", stdout, StringComparison.Ordinal);
        foreach (string file in new[] { "model.safetensors", "predictions.csv", "metrics.json", "loss.svg", "forecast.svg", "next.svg" })
        {
            Assert.True(File.Exists(Path.Combine(_out, file)), file);
        }

        Assert.Empty(Directory.GetFiles(_out, "*.tmp"));
        string[] lines = stdout.Split('\n');
        int after = Array.FindIndex(lines, l => l.StartsWith("Forecast after 2021-02-03:", StringComparison.Ordinal));
        Assert.StartsWith("  2021-02-04: ", lines[after + 1], StringComparison.Ordinal);
        Assert.StartsWith("  2021-02-05: ", lines[after + 2], StringComparison.Ordinal);

        var (predictCode, predictOut, predictErr) = CliRunner.Run("predict", "--model", Path.Combine(_out, "model.safetensors"), "--csv", _csv);
        Assert.True(predictCode == 0, predictErr);
        string[] predicted = predictOut.Split('\n');
        Assert.StartsWith("Forecast of 'temp' after 2021-02-03 (daily, from the last 20 points):", predicted[0], StringComparison.Ordinal);
        Assert.Equal(lines[after + 1].Trim(), predicted[1].Trim());
        Assert.Equal(lines[after + 2].Trim(), predicted[2].Trim());
    }

    [Fact]
    public void TheTutorialPresetTrainsScoresAndWritesModelAndPlotsThatPredictReads()
    {
        var (code, stdout, stderr) = CliRunner.Run(
            "forecast", "--preset", "keras-tutorial", "--csv", _csv, "--window", "20", "--units", "8", "--layers", "2", "--epochs", "3", "--batch-size", "16",
            "--learning-rate", "0.01", "--seed", "3", "--out", _out);

        Assert.True(code == 0, stderr);
        Assert.Contains("Epoch 3/3", stdout, StringComparison.Ordinal);
        Assert.Contains("Test RMSE:", stdout, StringComparison.Ordinal);
        Assert.Contains("persistence", stdout, StringComparison.Ordinal);
        foreach (string file in new[] { "model.safetensors", "loss.svg", "forecast.svg" })
        {
            Assert.True(File.Exists(Path.Combine(_out, file)), file);
        }

        Assert.Empty(Directory.GetFiles(_out, "*.tmp"));
        string forecastLine = stdout.Split('\n').Single(l => l.StartsWith("Forecast for 2021-02-04:", StringComparison.Ordinal));
        string value = forecastLine.Split(':')[1].Trim();

        var (predictCode, predictOut, predictErr) = CliRunner.Run("predict", "--model", Path.Combine(_out, "model.safetensors"), "--csv", _csv);
        Assert.True(predictCode == 0, predictErr);
        Assert.Contains("for 2021-02-04", predictOut, StringComparison.Ordinal);
        Assert.EndsWith(": " + value, predictOut.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void ALearningRateThatMakesTrainingDivergeIsTheUsersErrorWithTheAdvice()
    {
        var (code, _, stderr) = CliRunner.Run("forecast", "--csv", _csv, "--out", _out, "--epochs", "1", "--learning-rate", "1e30");

        Assert.True(code == 2, $"exit code {code}, stderr: {stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Training diverged: ", line, StringComparison.Ordinal);
        Assert.EndsWith("Try a smaller learning rate or gradient clipping.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictRejectsACorruptModelFileWithOneLine()
    {
        string model = _folder.File("broken.safetensors", "this is not a model");
        var (code, _, stderr) = CliRunner.Run("predict", "--model", model, "--csv", _csv);
        Assert.Equal(2, code);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("broken.safetensors", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictNamesAMissingModelFile()
    {
        var (code, _, stderr) = CliRunner.Run("predict", "--model", Path.Combine(_folder.Path, "none.safetensors"), "--csv", _csv);
        Assert.Equal(2, code);
        Assert.Contains("none.safetensors", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SameSeedGivesBitIdenticalModels()
    {
        var options = new TutorialOptions { Window = 12, Units = 6, Epochs = 2, BatchSize = 8, Seed = 11, LearningRate = 0.01f };
        float[] series = SeasonalSeries(200);
        var (first, firstResult) = TutorialForecaster.Train(series, options);
        var (second, secondResult) = TutorialForecaster.Train(series, options);
        Assert.Equal(first.Model.ParameterValues.ToArray(), second.Model.ParameterValues.ToArray());
        Assert.Equal(firstResult.History.Loss, secondResult.History.Loss);
        var (third, _) = TutorialForecaster.Train(series, options with { Seed = 12 });
        Assert.NotEqual(first.Model.ParameterValues.ToArray(), third.Model.ParameterValues.ToArray());
    }

    private string Expand(string arg) => arg.Replace("{dir}", _folder.Path, StringComparison.Ordinal).Replace("{csv}", _csv, StringComparison.Ordinal);

    internal static float[] SeasonalSeries(int length) =>
        Enumerable.Range(0, length).Select(i => (float)(50 + (20 * Math.Sin(2 * Math.PI * i / 30.0)) + (3 * Math.Sin(i * 1.7)))).ToArray();

    internal static string SeasonalCsv(int length)
    {
        var text = new StringBuilder("date,temp\n");
        var start = new DateOnly(2020, 1, 1);
        float[] values = SeasonalSeries(length);
        for (int i = 0; i < length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{start.AddDays(i):yyyy-MM-dd},{values[i]}\n");
        }

        return text.ToString();
    }
}
