using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.IO;
using Xunit;

namespace Gated.Tests.Cli;

/// <summary>
/// Every command checks where it will write before any work: a bad destination is one line and exit 2, and the
/// user's files are as they were. Forecast's three files are replaced together; leftovers of a killed run go.
/// </summary>
public sealed class OutputDestinationTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _csv;
    private readonly string _out;

    public OutputDestinationTests()
    {
        _csv = _folder.File("series.csv", ForecastCommandTests.SeasonalCsv(200));
        _out = Path.Combine(_folder.Path, "out");
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ForecastRefusesAnOutputThatIsAFolderBeforeTrainingAndKeepsTheOldFiles()
    {
        Directory.CreateDirectory(Path.Combine(_out, "forecast.svg"));
        File.WriteAllText(Path.Combine(_out, "model.safetensors"), "old model");
        File.WriteAllText(Path.Combine(_out, "loss.svg"), "old loss");

        var (code, stdout, stderr) = Forecast();

        AssertOneLineError(code, stderr, "forecast.svg");
        Assert.DoesNotContain("Epoch", stdout, StringComparison.Ordinal);
        Assert.Equal("old model", File.ReadAllText(Path.Combine(_out, "model.safetensors")));
        Assert.Equal("old loss", File.ReadAllText(Path.Combine(_out, "loss.svg")));
    }

    [Fact]
    public void ForecastRefusesAnOutputFolderUnderARegularFile()
    {
        string file = _folder.File("notes.txt", "x");

        var (code, stdout, stderr) = Forecast(Path.Combine(file, "out"));

        AssertOneLineError(code, stderr, "notes.txt is a file");
        Assert.DoesNotContain("Epoch", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void CompareRefusesAnOutputThatIsAFolderBeforeTraining()
    {
        Directory.CreateDirectory(Path.Combine(_out, "compare.svg"));

        var (code, stdout, stderr) = CliRunner.Run(
            "compare", "--csv", _csv, "--window", "10", "--units", "4", "--epochs", "1", "--cells", "gru", "--out", _out);

        AssertOneLineError(code, stderr, "compare.svg");
        Assert.DoesNotContain("Epoch", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvertAndPredictRefuseAFolderAsTheirOutput()
    {
        var model = new Sequential(new Gru(3), new Dense(1));
        model.Build([4, 2], seed: 1);
        string gated = _folder.File("m.safetensors");
        GatedModelFile.Save(gated, model);
        string input = _folder.File("x.npy");
        NpyFile.Write(input, new Tensor(2, 4, 2));
        string folder = Path.Combine(_folder.Path, "taken.onnx");
        Directory.CreateDirectory(folder);
        string npyFolder = Path.Combine(_folder.Path, "y.npy");
        Directory.CreateDirectory(npyFolder);

        var (code, _, stderr) = CliRunner.Run("convert", gated, folder);
        AssertOneLineError(code, stderr, "taken.onnx: it is a folder");

        (code, _, stderr) = CliRunner.Run("predict", "--model", gated, "--input", input, "--output", npyFolder);
        AssertOneLineError(code, stderr, "y.npy: it is a folder");
    }

    [Fact]
    public void ForecastRefusesAReadOnlyExistingOutputBeforeTraining()
    {
        Directory.CreateDirectory(_out);
        string model = Path.Combine(_out, "model.safetensors");
        File.WriteAllText(model, "a model the user protected");
        File.SetAttributes(model, FileAttributes.ReadOnly);
        try
        {
            var (code, stdout, stderr) = Forecast();

            AssertOneLineError(code, stderr, "model.safetensors: the file is read-only");
            Assert.DoesNotContain("Epoch", stdout, StringComparison.Ordinal);
            Assert.Equal("a model the user protected", File.ReadAllText(model));
        }
        finally
        {
            File.SetAttributes(model, FileAttributes.Normal);
        }
    }

    [Fact]
    public void ForecastWritesThroughASymbolicLinkAndRemovesLeftoversOfAKilledRun()
    {
        Directory.CreateDirectory(_out);
        string kept = _folder.File("kept-model.safetensors", "old");
        File.CreateSymbolicLink(Path.Combine(_out, "model.safetensors"), kept);
        string guid = Guid.NewGuid().ToString("N");
        string[] debris =
        [
            Path.Combine(_out, $".model.safetensors.{OutputSetTests.DeadPid}.{guid}.tmp"),
            Path.Combine(_out, $".loss.svg.{OutputSetTests.DeadPid}.{guid}.tmp"),
            Path.Combine(_folder.Path, $".kept-model.safetensors.{OutputSetTests.DeadPid}.{guid}.tmp"),
        ];
        foreach (string file in debris)
        {
            File.WriteAllText(file, "half a file");
        }

        var (code, _, stderr) = Forecast();

        Assert.True(code == 0, stderr);
        Assert.NotNull(new FileInfo(Path.Combine(_out, "model.safetensors")).LinkTarget);
        Assert.NotEqual("old", File.ReadAllText(kept));
        Assert.All(debris, file => Assert.False(File.Exists(file), file));
        Assert.Empty(Directory.GetFiles(_out, "*.tmp"));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp"));
    }

    private (int ExitCode, string Stdout, string Stderr) Forecast(string? outDir = null) =>
        CliRunner.Run("forecast", "--csv", _csv, "--window", "10", "--units", "4", "--layers", "1", "--epochs", "1", "--out", outDir ?? _out);

    private static void AssertOneLineError(int code, string stderr, string expected)
    {
        Assert.True(code == 2, $"exit code {code}, stderr: {stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}
