using System.Buffers.Binary;
using System.Text;
using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Xunit;

namespace Gated.Tests.Serialization;

public sealed class ModelFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(GruVariant.ResetAfter)]
    [InlineData(GruVariant.ResetBefore)]
    public void ALoadedModelPredictsExactlyWhatTheSavedOneDid(GruVariant variant)
    {
        var model = new Sequential(new Gru(7, returnSequences: true, variant), new Gru(5, variant: variant, init: WeightInit.PyTorch), new Dense(2));
        model.Build([9, 3], seed: 21);
        var x = RandomTensor(new SeededRandom(5), 4, 9, 3);
        string path = _folder.File("m.safetensors");
        GatedModelFile.Save(path, model, new Dictionary<string, string> { ["note"] = "kept" });

        var (loaded, metadata) = GatedModelFile.Load(path);

        Assert.Equal(model.ParameterValues.ToArray(), loaded.ParameterValues.ToArray());
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Assert.Equal("kept", metadata["note"]);
        Assert.Equal(model.Summary(), loaded.Summary());
        Assert.Equal(variant, ((Gru)loaded.Layers[0]).Variant);
    }

    [Fact]
    public void TheFileIsSafetensorsWithTheArchitectureInItsMetadata()
    {
        var model = new Sequential(new Gru(2), new Dense(1));
        model.Build([3, 1]);
        string path = _folder.File("m.safetensors");
        GatedModelFile.Save(path, model);
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Contains("\"layers.0.recurrent_kernel\":{\"dtype\":\"F32\",\"shape\":[2,6]", header, StringComparison.Ordinal);
        Assert.Contains("gated.model", header, StringComparison.Ordinal);
        Assert.Equal(8 + headerLength + (model.ParameterCount * 4), bytes.Length);
        Assert.Equal(0, headerLength % 8);
    }

    [Fact]
    public void CorruptFilesFailWithTheLibrarysOwnExceptionNamingTheFile()
    {
        var model = new Sequential(new Gru(2), new Dense(1));
        model.Build([3, 1]);
        string good = _folder.File("good.safetensors");
        GatedModelFile.Save(good, model);
        byte[] bytes = File.ReadAllBytes(good);

        var cases = new Dictionary<string, byte[]>
        {
            ["truncated"] = bytes[..(bytes.Length - 5)],
            ["tiny"] = bytes[..4],
            ["huge header"] = WithHeaderLength(bytes, ulong.MaxValue / 2),
            ["garbage"] = Encoding.UTF8.GetBytes("this is not a model at all"),
            ["not json"] = Replace(bytes, "\"dtype\"", "\"dtyp\u0000\""),
            ["wrong dtype"] = Replace(bytes, "\"F32\"", "\"F16\""),
            ["wrong shape"] = Replace(bytes, "\"shape\":[2,6]", "\"shape\":[6,2]"),
        };
        foreach (var (name, content) in cases)
        {
            string path = _folder.File(name + ".safetensors");
            File.WriteAllBytes(path, content);
            var e = Assert.Throws<ModelFormatException>(() => GatedModelFile.Load(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SavingReplacesTheFileAtomically()
    {
        string path = _folder.File("m.safetensors", "old");
        var model = new Sequential(new Dense(1));
        model.Build([2]);
        GatedModelFile.Save(path, model);
        Assert.Single(Directory.GetFiles(_folder.Path));
        Assert.NotEqual("old", File.ReadAllText(path));
    }

    private static Tensor RandomTensor(SeededRandom random, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++)
        {
            t.Data[i] = random.NextUniform(-1, 1);
        }

        return t;
    }

    private static byte[] WithHeaderLength(byte[] bytes, ulong length)
    {
        byte[] copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, length);
        return copy;
    }

    // Same-length replacement inside the header, so offsets stay valid and only the named field changes.
    private static byte[] Replace(byte[] bytes, string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        string text = Encoding.Latin1.GetString(bytes);
        Assert.Contains(from, text, StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }

    [Fact]
    public void FormatsAreDetectedByContentNotByName()
    {
        var model = new Sequential(new Gru(2), new Dense(1));
        model.Build([3, 1], seed: 1);
        string onnx = _folder.File("model.bin");
        File.WriteAllBytes(onnx, Gated.Serialization.Onnx.OnnxExporter.ToBytes(model));
        Assert.Equal(ModelFormat.Onnx, ModelFormats.Detect(onnx));
        var e = Assert.Throws<ModelFormatException>(() => GatedModelFile.Load(onnx));
        Assert.Equal($"{onnx}: this is an ONNX model, not a safetensors model (Gated or PyTorch state_dict).", e.Message);

        string csv = _folder.File("series.safetensors", "date,temp\n2020-01-01,1.5\n");
        e = Assert.Throws<ModelFormatException>(() => ModelFormats.Detect(csv));
        Assert.Equal($"{csv}: this is a text file (CSV?), not a model file (Gated, ONNX, PyTorch state_dict or Keras).", e.Message);

        string npy = _folder.File("x.safetensors");
        NpyFile.Write(npy, new Tensor([1f, 2f], [2]));
        e = Assert.Throws<ModelFormatException>(() => GatedModelFile.Load(npy));
        Assert.Contains("this is a .npy array", e.Message, StringComparison.Ordinal);
    }
}
