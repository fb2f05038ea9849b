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
}
