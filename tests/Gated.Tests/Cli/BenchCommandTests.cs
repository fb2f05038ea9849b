using System.Text.Json;
using Gated.Cli;
using Gated.Layers.Recurrent;
using Xunit;

namespace Gated.Tests.Cli;

public sealed class BenchCommandTests
{
    [Theory]
    [InlineData("train")]
    [InlineData("infer")]
    [InlineData("step")]
    public void PrintsOneJsonObjectWithTheStableFields(string mode)
    {
        var (code, stdout, stderr) = CliRunner.Run(
            "bench", "--cell", "lstm", "--batch", "2", "--steps", "5", "--input", "3", "--hidden", "4", "--layers", "2", "--mode", mode, "--seconds", "0.05", "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var workload = root.GetProperty("workload");
        Assert.Equal("lstm", workload.GetProperty("cell").GetString());
        Assert.Equal(mode, workload.GetProperty("mode").GetString());
        Assert.Equal(2, workload.GetProperty("batch").GetInt32());
        foreach (string field in new[] { "median_seconds", "min_seconds", "sequences_per_second", "gflops", "peak_working_set_bytes", "fma_peak_gflops_1_thread" })
        {
            Assert.True(root.GetProperty(field).GetDouble() > 0, field);
        }

        Assert.True(root.GetProperty("min_seconds").GetDouble() <= root.GetProperty("median_seconds").GetDouble());
        Assert.True(root.GetProperty("calls").GetInt32() >= 5);
    }

    [Theory]
    [InlineData("infer")]
    [InlineData("step")]
    public void Int8PrecisionTimesTheQuantizedModelWithTheSameFields(string mode)
    {
        var (code, stdout, stderr) = CliRunner.Run(
            "bench", "--cell", "gru", "--batch", "3", "--steps", "5", "--input", "8", "--hidden", "16", "--mode", mode, "--seconds", "0.05", "--precision", "int8", "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("int8", json.RootElement.GetProperty("workload").GetProperty("precision").GetString());
        Assert.Contains(", int8 on ", json.RootElement.GetProperty("engine").GetString(), StringComparison.Ordinal);
        Assert.True(json.RootElement.GetProperty("median_seconds").GetDouble() > 0);

        (code, _, stderr) = CliRunner.Run("bench", "--mode", "train", "--precision", "int8", "--seconds", "0.05");
        Assert.NotEqual(0, code);
        Assert.Contains("--precision int8 times inference", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1e-3, 1)]
    [InlineData(20e-6, 1)]
    [InlineData(19e-6, 2)]
    [InlineData(0.9e-6, 23)]
    [InlineData(1.3e-6, 16)]
    [InlineData(0.0, 20_000)]
    public void ShortCallsAreTimedInBatchesOfAbout20Microseconds(double meanSeconds, int expected)
    {
        // Reading the clock costs tens of nanoseconds: timed alone, a 1 µs call would carry a few percent of it.
        Assert.Equal(expected, BenchCommand.CallsPerTiming(meanSeconds));
    }

    [Fact]
    public void FlopsCountBothGemmsOfEveryLayerAndTripleForTraining()
    {
        // GRU, B=2, T=3, I=4, H=5, 2 layers: 2·2·3·3·5·(4+5) + 2·2·3·3·5·(5+5) + Dense 2·2·5.
        double forward = (2.0 * 2 * 3 * 3 * 5 * 9) + (2.0 * 2 * 3 * 3 * 5 * 10) + (2.0 * 2 * 5);
        Assert.Equal(forward, BenchCommand.Flops(RecurrentKind.Gru, "infer", 2, 3, 4, 5, 2));
        Assert.Equal(3 * forward, BenchCommand.Flops(RecurrentKind.Gru, "train", 2, 3, 4, 5, 2));
        Assert.Equal(2.0 * 1 * 4 * 8 * (6 + 8), BenchCommand.Flops(RecurrentKind.Lstm, "step", 1, 1, 6, 8, 3));
    }

    [Theory]
    [InlineData("--threads", "300", "--threads 300: at most 256")]
    [InlineData("--mode", "fit", "--mode must be one of train, infer, step")]
    [InlineData("--hidden", "0", "--hidden must be a positive integer")]
    public void BadOptionsAreUsageErrors(string flag, string value, string expected)
    {
        var (code, _, stderr) = CliRunner.Run("bench", flag, value, "--seconds", "0.01");
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void VariantOnlyAppliesToGru()
    {
        var (code, _, stderr) = CliRunner.Run("bench", "--cell", "rnn", "--variant", "reset-before");
        Assert.Equal(2, code);
        Assert.Contains("--variant applies only to --cell gru", stderr, StringComparison.Ordinal);
    }
}
