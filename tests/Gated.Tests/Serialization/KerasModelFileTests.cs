using System.IO.Compression;
using System.Text;
using Gated.IO;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Serialization;

/// <summary>
/// Keras model files written by Fixtures/keras-files/make_fixtures.py with h5py as Keras lays them out, and the
/// outputs of that script's numpy twin of Keras's layers.
/// </summary>
public sealed class KerasModelFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Folder => PyTorchFixture.FolderPath("keras-files");

    public static TheoryData<string> Fixtures() =>
        ["k3_gru_stack.keras", "k3_lstm_masking.keras", "k3_simple_rnn_bidirectional.keras", "k3_embedding_bigru_masked.keras",
         "k2_gru_bilstm.h5", "k2_embedding_gru.h5"];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EveryKerasFileGivesKerasOutputs(string file)
    {
        var (y, expected) = Run(file);
        AssertClose(file, expected, y, _ => true);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EveryKerasFileIsDetectedByContent(string file)
    {
        // Renamed, so only the bytes can tell.
        string copy = _folder.File("model.bin");
        File.Copy(Path.Combine(Folder, file), copy);
        Assert.Equal(ModelFormat.Keras, ModelFormats.Detect(copy));
        Assert.Contains("Keras", ModelFormats.DescribeOrigin(copy), StringComparison.Ordinal);
        Assert.NotNull(ModelFormats.Load(copy));
    }

    [Fact]
    public void AMaskedGruReturningSequencesMatchesKerasAtEveryRealStep()
    {
        const string file = "k3_gru_masked_sequences.keras";
        var mask = NpyFile.Read(Path.Combine(Folder, "k3_gru_masked_sequences_mask.npy"));
        var (y, expected) = Run(file);
        int perStep = y.Length / mask.Length;
        AssertClose(file, expected, y, i => mask.Data[i / perStep] != 0f);
    }

    [Fact]
    public void AMaskedGruReturningSequencesRepeatsTheLastOutputAtMaskedSteps()
    {
        const string file = "k3_gru_masked_sequences.keras";
        var (y, expected) = Run(file);
        AssertClose(file, expected, y, _ => true);
    }

    [Fact]
    public void KerasLayersMapOntoGatedLayers()
    {
        var model = KerasModelFile.Load(Path.Combine(Folder, "k3_gru_stack.keras"));
        Assert.Equal(["GRU", "Dropout", "GRU", "Dense", "Activation"], model.Layers.Select(l => l.TypeName));
        Assert.Equal([5, 3], model.InputShape);
        var masked = KerasModelFile.Load(Path.Combine(Folder, "k3_lstm_masking.keras"));
        Assert.IsType<Masking>(masked.Layers[0]);
        Assert.Equal(0f, ((Masking)masked.Layers[0]).MaskValue);
    }

    [Fact]
    public void AnUnsupportedLayerIsNamedWithItsClass()
    {
        string path = Path.Combine(Folder, "k3_unsupported_conv1d.keras");
        var e = Assert.Throws<ModelFormatException>(() => KerasModelFile.Load(path));
        Assert.StartsWith($"{path}: layer 'conv1d' (Conv1D) is not supported; Gated reads InputLayer, GRU,", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("\"recurrent_activation\": \"sigmoid\"", "\"recurrent_activation\": \"hard_sigmoid\"", "layer 'gru' (GRU): recurrent_activation 'hard_sigmoid' is not supported (only 'sigmoid').")]
    [InlineData("\"return_state\": false", "\"return_state\": true", "layer 'gru' (GRU): return_state true is not supported.")]
    [InlineData("\"activation\": \"softmax\"", "\"activation\": \"gelu\"", "layer 'dense' (Dense): activation 'gelu' is not supported (linear, relu, sigmoid, tanh, softmax).")]
    [InlineData("\"class_name\": \"Sequential\"", "\"class_name\": \"Functional\"", "a Keras Functional model; Gated reads Sequential models only.")]
    public void AnUnsupportedOptionIsNamedWithItsLayer(string find, string replace, string message)
    {
        string path = _folder.File("edited.keras");
        File.Copy(Path.Combine(Folder, "k3_gru_stack.keras"), path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("config.json")!;
            string config;
            using (var reader = new StreamReader(entry.Open()))
            {
                config = reader.ReadToEnd();
            }

            Assert.Contains(find, config, StringComparison.Ordinal);
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("config.json").Open(), new UTF8Encoding(false));
            // Only the first occurrence: the first GRU, or the model's class.
            int at = config.IndexOf(find, StringComparison.Ordinal);
            writer.Write(string.Concat(config.AsSpan(0, at), replace, config.AsSpan(at + find.Length)));
        }

        var e = Assert.Throws<ModelFormatException>(() => ModelFormats.Load(path));
        Assert.Equal($"{path}: {message}", e.Message);
    }

    [Fact]
    public void AWeightsOnlyH5IsRefusedForWhatItIs()
    {
        // An HDF5 file without model_config: the k3 weights file on its own.
        string path = _folder.File("model.weights.h5");
        using (var zip = ZipFile.OpenRead(Path.Combine(Folder, "k3_gru_stack.keras")))
        {
            zip.GetEntry("model.weights.h5")!.ExtractToFile(path);
        }

        var e = Assert.Throws<ModelFormatException>(() => ModelFormats.Load(path));
        Assert.Equal($"{path}: an HDF5 file without a model_config attribute: Keras weights alone (save_weights), not a model.", e.Message);
    }

    [Fact]
    public void AZipWithoutConfigIsNotAKerasModel()
    {
        string path = _folder.File("other.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            zip.CreateEntry("readme.txt");
        }

        var e = Assert.Throws<ModelFormatException>(() => ModelFormats.Load(path));
        Assert.Equal($"{path}: a zip without config.json: not a .keras model.", e.Message);
    }

    [Fact]
    public void WritingKerasIsRefused() =>
        Assert.Throws<NotSupportedException>(() => ModelFormats.Save(KerasModelFile.Load(Path.Combine(Folder, "k3_gru_stack.keras")), _folder.File("x.keras"), ModelFormat.Keras));

    [Fact]
    public void MaskingMasksStepsWhoseFeaturesAllEqualTheMaskValueAndZeroesThem()
    {
        var layer = new Masking(-1f);
        layer.Build([3, 2], new SeededRandom(1));
        var x = new Tensor([1f, -1f, -1f, -1f, 0f, 2f, -1f, -1f, -1f, -1f, 5f, 5f], 2, 3, 2);
        var y = layer.Forward(x, training: true);
        Assert.Equal([1f, -1f, 0f, 0f, 0f, 2f, 0f, 0f, 0f, 0f, 5f, 5f], y.Data);
        Assert.Equal([1f, 0f, 1f, 0f, 0f, 1f], layer.ComputeMask(x, null)!.Data);
        var dx = layer.Backward(new Tensor([.. Enumerable.Repeat(1f, 12)], 2, 3, 2));
        Assert.Equal([1f, 1f, 0f, 0f, 1f, 1f, 0f, 0f, 0f, 0f, 1f, 1f], dx.Data);
    }

    [Fact]
    public void MaskingRoundTripsThroughAGatedModelFile()
    {
        var model = KerasModelFile.Load(Path.Combine(Folder, "k3_lstm_masking.keras"));
        string path = _folder.File("m.safetensors");
        GatedModelFile.Save(path, model);
        var loaded = GatedModelFile.Load(path).Model;
        Assert.IsType<Masking>(loaded.Layers[0]);
        var x = NpyFile.Read(Path.Combine(Folder, "k3_lstm_masking_x.npy"));
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }

    [Fact]
    public void ConvertPredictAndInspectReadAKerasFile()
    {
        string keras = Path.Combine(Folder, "k3_lstm_masking.keras");
        string gated = _folder.File("m.safetensors");
        var (code, stdout, stderr) = CliRunner.Run("convert", keras, gated);
        Assert.True(code == 0, stderr);
        Assert.Contains("(Keras)", stdout, StringComparison.Ordinal);

        string output = _folder.File("y.npy");
        (code, _, stderr) = CliRunner.Run("predict", "--model", keras, "--input", Path.Combine(Folder, "k3_lstm_masking_x.npy"), "--output", output);
        Assert.True(code == 0, stderr);
        AssertClose("predict", NpyFile.Read(Path.Combine(Folder, "k3_lstm_masking_y.npy")), NpyFile.Read(output), _ => true);

        (code, stdout, stderr) = CliRunner.Run("inspect", keras);
        Assert.True(code == 0, stderr);
        Assert.Contains("Format: Keras 3.6.0 .keras model", stdout, StringComparison.Ordinal);
        Assert.Contains("Masking", stdout, StringComparison.Ordinal);

        (code, _, stderr) = CliRunner.Run("inspect", Path.Combine(Folder, "k3_unsupported_conv1d.keras"));
        Assert.Equal(2, code);
        Assert.Contains("layer 'conv1d' (Conv1D) is not supported", stderr, StringComparison.Ordinal);
    }

    private static (Tensor Y, Tensor Expected) Run(string file)
    {
        string stem = Path.GetFileNameWithoutExtension(file);
        var model = ModelFormats.Load(Path.Combine(Folder, file));
        var x = NpyFile.Read(Path.Combine(Folder, stem + "_x.npy"));
        return (model.Predict(x), NpyFile.Read(Path.Combine(Folder, stem + "_y.npy")));
    }

    private static void AssertClose(string name, Tensor expected, Tensor y, Func<int, bool> compared)
    {
        Assert.Equal(expected.Shape, y.Shape);
        for (int i = 0; i < y.Length; i++)
        {
            if (compared(i))
            {
                Assert.True(Math.Abs(y.Data[i] - expected.Data[i]) <= 1e-5, $"{name}[{i}]: {y.Data[i]} vs Keras {expected.Data[i]}");
            }
        }
    }
}
