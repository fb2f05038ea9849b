using Gated.IO;
using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Serialization;

/// <summary>
/// Quantized model files: int8 kernels go as I8 tensors with per-column F32 scales (a quarter of the bytes); loading
/// gives a model that predicts the quantized model's bits (Sequential and functional, a shared layer included);
/// `gated quantize` writes one and `gated predict` runs it; missing scales, int8 biases and int8 tensors in a
/// PyTorch state_dict are refused with one line.
/// </summary>
public sealed class QuantizedModelFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void SequentialRoundTripPredictsTheQuantizedBits()
    {
        var model = new Sequential(new Gru(64, returnSequences: true), new Bidirectional(new Lstm(32)), new Dense(3));
        model.Build([10, 16], seed: 1);
        string floatPath = _folder.File("float.safetensors"), int8Path = _folder.File("int8.safetensors");
        GatedModelFile.Save(floatPath, model, new Dictionary<string, string> { ["note"] = "kept" });
        model.QuantizeInt8();
        GatedModelFile.Save(int8Path, model, new Dictionary<string, string> { ["note"] = "kept" });
        var x = TestData.UniformTensor(new SeededRandom(2), 1.0, 6, 10, 16);

        var loaded = GatedModelFile.Load(int8Path);
        Assert.True(loaded.Model.IsQuantized);
        Assert.Equal("kept", loaded.Metadata["note"]);
        Assert.Equal(model.Predict(x).Data, loaded.Model.Predict(x).Data);
        double ratio = (double)new FileInfo(floatPath).Length / new FileInfo(int8Path).Length;
        Assert.InRange(ratio, 3.0, 4.0);

        // The float parameters of the loaded model hold q · s: a float copy predicts close to the quantized one.
        Assert.False(GatedModelFile.Load(floatPath).Model.IsQuantized);
    }

    [Fact]
    public void FunctionalRoundTripSharesInt8WithEveryCall()
    {
        var input = new Input([4]);
        var shared = new Dense(4);
        var model = new Model(input, new Dense(2).Call(shared.Call(new Activation(ActivationKind.Tanh).Call(shared.Call(input)))), seed: 3);
        model.QuantizeInt8();
        string path = _folder.File("functional.safetensors");
        GatedModelFile.Save(path, model);
        var (loaded, _) = GatedModelFile.LoadFunctional(path);
        var x = TestData.UniformTensor(new SeededRandom(4), 1.0, 5, 4);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Assert.All(loaded.CallLayers.OfType<Dense>(), d => Assert.True(d.IsQuantized));
    }

    [Fact]
    public void BrokenInt8FilesAreRefusedWithOneLine()
    {
        var model = new Sequential(new Gru(4), new Dense(2));
        model.Build([3, 2], seed: 5);
        model.QuantizeInt8();
        string path = _folder.File("q.safetensors");
        GatedModelFile.Save(path, model);
        var (tensors, metadata) = SafeTensorsFile.Read(File.ReadAllBytes(path), path);

        string Rewritten(string name, Action<Dictionary<string, SafeTensorsFile.Entry>> change)
        {
            var copy = new Dictionary<string, SafeTensorsFile.Entry>(tensors);
            change(copy);
            string file = _folder.File(name);
            using (var stream = File.Create(file))
            {
                SafeTensorsFile.Write(stream, copy.ToList(), metadata);
            }

            return file;
        }

        string noScale = Rewritten("no-scale.safetensors", t => t.Remove("layers.1.kernel.scale"));
        Assert.Contains("needs 'layers.1.kernel.scale', 2 float scales", Assert.Throws<ModelFormatException>(() => GatedModelFile.Load(noScale)).Message, StringComparison.Ordinal);
        string int8Bias = Rewritten("int8-bias.safetensors", t => t["layers.1.bias"] = new SafeTensorsFile.Entry([2], [1, -1], "I8"));
        Assert.Contains("is int8 but not a matrix", Assert.Throws<ModelFormatException>(() => GatedModelFile.Load(int8Bias)).Message, StringComparison.Ordinal);
        var stateDict = Assert.Throws<ModelFormatException>(() => PyTorchStateDict.Load(path));
        Assert.Contains("is int8; only a Gated model file quantized by `gated quantize` holds int8 weights", stateDict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QuantizeCommandWritesAModelPredictRuns()
    {
        var model = new Sequential(new Gru(32, returnSequences: true), new Gru(32), new Dense(2));
        model.Build([7, 3], seed: 6);
        string input = _folder.File("m.safetensors"), output = _folder.File("m-int8.safetensors");
        GatedModelFile.Save(input, model);
        var (code, stdout, stderr) = CliRunner.Run("quantize", input, output);
        Assert.True(code == 0, stderr);
        Assert.Contains("Quantized 3 layer(s)", stdout, StringComparison.Ordinal);

        var x = TestData.UniformTensor(new SeededRandom(7), 1.0, 4, 7, 3);
        string xPath = _folder.File("x.npy"), yPath = _folder.File("y.npy");
        NpyFile.Write(xPath, x);
        (code, _, stderr) = CliRunner.Run("predict", "--model", output, "--input", xPath, "--output", yPath);
        Assert.True(code == 0, stderr);
        model.QuantizeInt8();
        Assert.Equal(model.Predict(x).Data, NpyFile.Read(yPath).Data);

        (code, _, stderr) = CliRunner.Run("quantize", input, _folder.File("m.onnx"));
        Assert.NotEqual(0, code);
        Assert.Contains("a quantized model is a Gated model file", stderr, StringComparison.Ordinal);
    }
}
