using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Cli;

public sealed class InteropCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ConvertToOnnxAndPyTorchThenPredictGivesTheSameOutputsFromEveryFormat()
    {
        var model = new Sequential(new Gru(5, returnSequences: true), new Gru(5), new Dense(2));
        model.Build([7, 3], seed: 5);
        string gated = _folder.File("m.safetensors");
        GatedModelFile.Save(gated, model);
        var x = new Tensor(4, 7, 3);
        var random = new SeededRandom(2);
        for (int i = 0; i < x.Length; i++)
        {
            x.Data[i] = random.NextUniform(-1, 1);
        }

        string input = _folder.File("x.npy");
        NpyFile.Write(input, x);
        var expected = model.Predict(x).Data;

        string onnx = _folder.File("m.onnx");
        string pytorch = _folder.File("m.pt.safetensors");
        Assert.Equal(0, CliRunner.Run("convert", gated, onnx).ExitCode);
        Assert.Equal(0, CliRunner.Run("convert", gated, pytorch, "--to", "pytorch").ExitCode);
        foreach (string path in new[] { gated, onnx, pytorch })
        {
            string output = _folder.File(Path.GetFileName(path) + ".out.npy");
            var (code, _, stderr) = CliRunner.Run("predict", "--model", path, "--input", input, "--output", output);
            Assert.True(code == 0, stderr);
            var actual = NpyFile.Read(output).Data;
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], actual[i], 5);
            }
        }
    }

    [Fact]
    public void CsvInputRowsAreFlattenedSamples()
    {
        var model = new Sequential(new Gru(3), new Dense(1));
        model.Build([4, 2], seed: 1);
        string gated = _folder.File("m.safetensors");
        GatedModelFile.Save(gated, model);
        string input = _folder.File("x.csv", "a,b,c,d,e,f,g,h\n0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8\n-1,0,1,0,-1,0,1,0\n");
        string output = _folder.File("y.csv");

        var (code, _, stderr) = CliRunner.Run("predict", "--model", gated, "--input", input, "--output", output);

        Assert.True(code == 0, stderr);
        var rows = File.ReadAllLines(output);
        Assert.Equal(2, rows.Length);
        var x = new Tensor([0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, -1, 0, 1, 0, -1, 0, 1, 0], 2, 4, 2);
        var expected = model.Predict(x);
        Assert.Equal(expected.Data[1], float.Parse(rows[1], System.Globalization.CultureInfo.InvariantCulture), 6);
    }

    [Fact]
    public void InspectTellsFormatLayersAndParameters()
    {
        var model = new Sequential(new Bidirectional(new Lstm(3, returnSequences: false)), new Dense(1));
        model.Build([5, 2], seed: 1);
        string onnx = _folder.File("m.onnx");
        Gated.Serialization.Onnx.OnnxExporter.Save(model, onnx);

        var (code, stdout, stderr) = CliRunner.Run("inspect", onnx);

        Assert.True(code == 0, stderr);
        Assert.Contains("ONNX model", stdout, StringComparison.Ordinal);
        Assert.Contains("opset ai.onnx 14", stdout, StringComparison.Ordinal);
        Assert.Contains($"Total params: {model.ParameterCount:N0}", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvertingAForecasterGatedToGatedKeepsItsScalerAndWindow()
    {
        string csv = _folder.File("series.csv", ForecastCommandTests.SeasonalCsv(120));
        string model = _folder.File("fc.safetensors"), copy = _folder.File("copy.safetensors");
        var (code, _, stderr) = CliRunner.Run("forecast", "--csv", csv, "--window", "8", "--units", "4", "--epochs", "1", "--out", _folder.File("out"));
        Assert.True(code == 0, stderr);
        File.Copy(Path.Combine(_folder.File("out"), "model.safetensors"), model);

        (code, _, stderr) = CliRunner.Run("convert", model, copy);
        Assert.True(code == 0, stderr);

        var original = CliRunner.Run("predict", "--model", model, "--csv", csv);
        var converted = CliRunner.Run("predict", "--model", copy, "--csv", csv);
        Assert.True(converted.ExitCode == 0, converted.Stderr);
        Assert.Equal(original.Stdout, converted.Stdout);
    }

    [Fact]
    public void AForecasterConvertedToOnnxCarriesItsRecipeAsMetadataProps()
    {
        string csv = _folder.File("series.csv", ForecastCommandTests.SeasonalCsv(120));
        string onnx = _folder.File("fc.onnx");
        var (code, _, stderr) = CliRunner.Run("forecast", "--csv", csv, "--window", "8", "--units", "4", "--epochs", "1", "--out", _folder.File("out"));
        Assert.True(code == 0, stderr);
        string model = Path.Combine(_folder.File("out"), "model.safetensors");

        var converted = CliRunner.Run("convert", model, onnx);
        Assert.True(converted.ExitCode == 0, converted.Stderr);
        Assert.Contains("metadata_props", converted.Stdout, StringComparison.Ordinal);
        var expected = ForecasterMetadata.Of(GatedModelFile.Load(model).Metadata);
        Assert.Equal("8", expected[ForecasterMetadata.Window]);
        Assert.Contains(ForecasterMetadata.Scalings, expected.Keys);
        Assert.DoesNotContain(GatedModelFile.ArchitectureKey, expected.Keys);
        Assert.Equal(expected.OrderBy(p => p.Key), Gated.Serialization.Onnx.OnnxMetadata.Read(onnx).OrderBy(p => p.Key));
        // ONNX Runtime reads the same strings (ModelMetadata.CustomMetadataMap).
        Assert.Equal(expected.OrderBy(p => p.Key), Serialization.Onnx.OnnxRuntime.Metadata(onnx).OrderBy(p => p.Key));
        Assert.Contains("forecaster's recipe in its metadata_props", CliRunner.Run("inspect", onnx).Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("predict --model {dir}/none.onnx --input {dir}/x.npy --output {dir}/y.npy", "none.onnx")]
    [InlineData("predict --model {dir}/m.safetensors --input {dir}/x.txt --output {dir}/y.npy", "use a .npy or .csv file")]
    [InlineData("predict --model {dir}/m.safetensors --input {dir}/x.npy", "--input needs --output")]
    [InlineData("convert {dir}/m.safetensors", "convert needs IN and OUT")]
    [InlineData("convert {dir}/m.safetensors {dir}/o.onnx --to pytorch", "does not match")]
    [InlineData("convert {dir}/m.safetensors {dir}/o.onnx --head-on all", "apply when IN is a PyTorch state_dict")]
    [InlineData("convert {dir}/bad.onnx {dir}/o.safetensors", "bad.onnx")]
    [InlineData("inspect", "inspect needs a model file")]
    [InlineData("predict --model {dir}/m.safetensors --input {dir}/missing.npy --output {dir}/y.npy", "--input {dir}/missing.npy: file not found")]
    [InlineData("inspect {dir}/data.csv", "data.csv: this is a text file (CSV?), not a model file")]
    [InlineData("inspect {dir}/x.npy", "x.npy: this is a .npy array, not a model file")]
    [InlineData("predict --model {dir}/m.onnx", "m.onnx: this is an ONNX model, not a safetensors model")]
    [InlineData("predict --model {dir}/x.npy", "x.npy: this is a .npy array, not a model file")]
    [InlineData("predict --csv= --model {dir}/m.safetensors", "--csv needs a value")]
    [InlineData("forecast --units 100000", "--units is too large for one parameter array")]
    [InlineData("predict --model {dir}/m.safetensors --input {dir}/x.npy --output {dir}/y.npy --head-on all", "--head-on and --nonlinearity apply when --model is a PyTorch state_dict, not a Gated model")]
    [InlineData("inspect {dir}/m.onnx --nonlinearity relu", "--head-on and --nonlinearity apply when MODEL is a PyTorch state_dict, not an ONNX model")]
    [InlineData("inspect {dir}/badscaler.safetensors", "badscaler.safetensors: the saved scaler is unusable")]
    [InlineData("convert {dir}/badscaler.safetensors {dir}/o.safetensors", "badscaler.safetensors: the saved scaler is unusable")]
    [InlineData("predict --model {dir}/m.safetensors --input {dir}/nan.npy --output {dir}/y.npy", "nan.npy: value 2 (at (0, 2, 0)) is NaN, not a finite number")]
    public void BadInteropInputIsOneLineAndExitTwo(string command, string expected)
    {
        var model = new Sequential(new Gru(2), new Dense(1));
        model.Build([3, 1]);
        GatedModelFile.Save(_folder.File("m.safetensors"), model);
        ModelFormats.Save(model, _folder.File("m.onnx"), ModelFormat.Onnx);
        NpyFile.Write(_folder.File("x.npy"), new Tensor([1f, 2f, 3f], [1, 3, 1]));
        NpyFile.Write(_folder.File("nan.npy"), new Tensor([1f, 2f, float.NaN], [1, 3, 1]));
        _folder.File("data.csv", "date,temp\n2020-01-01,1\n");
        var forecastShaped = new Sequential(new Gru(2), new Dense(1));
        forecastShaped.Build([3, 1]);
        GatedModelFile.Save(_folder.File("badscaler.safetensors"), forecastShaped, new Dictionary<string, string>
        {
            [ForecasterMetadata.Window] = "3",
            [ForecasterMetadata.Horizon] = "1",
            [ForecasterMetadata.Scaler] = "minmax",
            [ForecasterMetadata.ScalerState] = "{\"scale\": 1}",
        });
        _folder.File("bad.onnx", "not a protobuf at all \u0001\u0002");
        expected = expected.Replace("{dir}", _folder.Path, StringComparison.Ordinal);
        string[] args = command.Replace("{dir}", _folder.Path, StringComparison.Ordinal).Split(' ');

        var (code, _, stderr) = CliRunner.Run(args);

        Assert.True(code == 2, stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}
