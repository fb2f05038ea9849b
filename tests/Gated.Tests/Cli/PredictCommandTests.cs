using System.Text.Json;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Cli;

/// <summary>`gated predict` on a standard ONNX graph with several outputs: every output is written, in either input layout.</summary>
public sealed class PredictCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("time")]
    [InlineData("batch")]
    public void EveryGraphOutputIsWrittenBesideTheFirst(string layout)
    {
        // A bidirectional LSTM node (ONNX's operator-test layout: X is (time, batch, features)) with Y, Y_h and Y_c.
        string model = RepoFiles.Find("tests/Gated.Tests/Fixtures/onnx-operator/lstm_bidirectional.onnx");
        using var json = JsonDocument.Parse(File.ReadAllText(RepoFiles.Find("tests/Gated.Tests/Fixtures/onnx-operator/lstm_bidirectional.json")));
        var x = Read(json.RootElement.GetProperty("inputs").GetProperty("X"));
        if (layout == "batch")
        {
            x = TimeToBatch(x);
        }

        string input = Path.Combine(_folder.Path, "x.npy"), output = Path.Combine(_folder.Path, "y.npy");
        NpyFile.Write(input, x);

        var (code, stdout, stderr) = CliRunner.Run("predict", "--model", model, "--input", input, "--output", output, "--input-layout", layout);

        Assert.True(code == 0, stderr);
        var outputs = json.RootElement.GetProperty("outputs");
        foreach (var (name, file) in new[] { ("Y", "y.npy"), ("Y_h", "y.Y_h.npy"), ("Y_c", "y.Y_c.npy") })
        {
            var expected = Read(outputs.GetProperty(name));
            var actual = NpyFile.Read(Path.Combine(_folder.Path, file));
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.Data, actual.Data, (a, b) => Math.Abs(a - b) <= 1e-5f);
        }

        Assert.Contains("y.Y_h.npy", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownInputLayoutIsOneLine()
    {
        string model = RepoFiles.Find("tests/Gated.Tests/Fixtures/onnx-operator/lstm_bidirectional.onnx");
        string input = Path.Combine(_folder.Path, "x.npy");
        NpyFile.Write(input, new Tensor(new float[6 * 3 * 4], 6, 3, 4));

        var (code, _, stderr) = CliRunner.Run("predict", "--model", model, "--input", input, "--output", Path.Combine(_folder.Path, "y.npy"), "--input-layout", "columns");

        Assert.Equal(2, code);
        Assert.Contains("--input-layout", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    private static Tensor Read(JsonElement tensor) =>
        new([.. tensor.GetProperty("data").EnumerateArray().Select(v => v.GetSingle())], [.. tensor.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32())]);

    private static Tensor TimeToBatch(Tensor x)
    {
        int t = x.Shape[0], b = x.Shape[1], f = x.Shape[2];
        var y = new Tensor(b, t, f);
        for (int i = 0; i < t; i++)
        {
            for (int j = 0; j < b; j++)
            {
                x.Data.AsSpan(((i * b) + j) * f, f).CopyTo(y.Data.AsSpan(((j * t) + i) * f, f));
            }
        }

        return y;
    }
}
