using Xunit;

namespace Gated.Tests.Cli;

public sealed class CompareCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ComparesTheThreeCellsInOneTableAndPlot()
    {
        string csv = _folder.File("series.csv", ForecastCommandTests.SeasonalCsv(300));
        string outDir = Path.Combine(_folder.Path, "out");
        var (code, stdout, stderr) = CliRunner.Run(
            "compare", "--csv", csv, "--window", "15", "--units", "6", "--layers", "1", "--epochs", "2", "--out", outDir);

        Assert.True(code == 0, stderr);
        string[] lines = stdout.Split('\n');

        // GRU 3H(I+H+2) + Dense(H+1); LSTM 4H(I+H+1); SimpleRNN H(I+H+1).
        Assert.Contains(lines, l => l.StartsWith("GRU ", StringComparison.Ordinal) && l.Contains($"{(18 * 9) + 7}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("LSTM ", StringComparison.Ordinal) && l.Contains($"{(24 * 8) + 7}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("SimpleRNN ", StringComparison.Ordinal) && l.Contains($"{(6 * 8) + 7}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("persistence", StringComparison.Ordinal));
        string svg = File.ReadAllText(Path.Combine(outDir, "compare.svg"));
        Assert.Contains("SimpleRNN", svg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cells", "gru,gru", "--cells lists a cell twice")]
    [InlineData("--cells", "gru,transformer", "unknown cell 'transformer'")]
    [InlineData("--validation-split", "0", "--validation-split must be above 0")]
    [InlineData("--cell-variant", "reset-before", "--cell-variant applies only to GRU")]
    public void BadOptionsAreOneLineAndExitTwo(string flag, string value, string expected)
    {
        string csv = _folder.File("series.csv", ForecastCommandTests.SeasonalCsv(300));
        var (code, _, stderr) = CliRunner.Run("compare", "--csv", csv, "--window", "15", flag, value, "--out", Path.Combine(_folder.Path, "out"));
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "out")));
    }

    [Fact]
    public void ComparesTheCellsOnTheAddingProblem()
    {
        string outDir = Path.Combine(_folder.Path, "out");
        var (code, stdout, stderr) = CliRunner.Run(
            "compare", "--task", "adding", "--length", "12", "--samples", "200", "--units", "4", "--epochs", "1", "--out", outDir);

        Assert.True(code == 0, stderr);
        string[] lines = stdout.Split('\n');

        // Input is (value, marker): GRU 3H(2+H+2) + Dense(H+1) with H = 4.
        Assert.Contains(lines, l => l.StartsWith("GRU ", StringComparison.Ordinal) && l.Contains($"{(12 * 8) + 5}", StringComparison.Ordinal));
        string baseline = lines.Single(l => l.StartsWith("predict 1", StringComparison.Ordinal));
        double rmse = double.Parse(baseline.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(rmse, 0.3, 0.5);
        Assert.True(File.Exists(Path.Combine(outDir, "compare.svg")));
    }

    [Theory]
    [InlineData("--csv", "x.csv", "unknown option --csv")]
    [InlineData("--length", "1", "--length must be at least 2")]
    [InlineData("--samples", "5", "--samples must be at least 20")]
    public void AddingTaskRejectsForecastOptionsAndBadSizes(string flag, string value, string expected)
    {
        var (code, _, stderr) = CliRunner.Run("compare", "--task", "adding", flag, value, "--out", Path.Combine(_folder.Path, "out"));
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTaskIsNamed()
    {
        var (code, _, stderr) = CliRunner.Run("compare", "--task", "translate");
        Assert.Equal(2, code);
        Assert.Contains("--task must be forecast or adding, got 'translate'", stderr, StringComparison.Ordinal);
    }
}
