using Gated.IO;
using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Serialization.Onnx;
using Gated.Tests.Cli;
using Xunit;

namespace Gated.Tests.Serialization.Onnx;

/// <summary>metadata_props (ModelProto field 14) written by the exporter, read back by OnnxMetadata and by ONNX Runtime.</summary>
public sealed class OnnxMetadataTests
{
    [Fact]
    public void MetadataPropsRoundTripAndOnnxRuntimeReadsThem()
    {
        var model = Model();
        var metadata = new Dictionary<string, string> { ["gated.forecast.window"] = "24", ["gated.forecast.calendar"] = "day_of_week", ["ünïcode"] = "{\"a\": [1, 2]}", ["empty"] = "" };
        byte[] bytes = OnnxExporter.ToBytes(model, metadata);
        var read = OnnxMetadata.FromBytes(bytes);
        Assert.Equal(metadata.OrderBy(p => p.Key, StringComparer.Ordinal), read.OrderBy(p => p.Key, StringComparer.Ordinal));

        using var folder = new TempFolder();
        string path = folder.File("m.onnx");
        OnnxExporter.Save(model, path, metadata);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(metadata.OrderBy(p => p.Key, StringComparer.Ordinal), OnnxRuntime.Metadata(path).OrderBy(p => p.Key, StringComparer.Ordinal));

        // The graph is untouched: the importer reads the same model, and files without metadata have none.
        Assert.Equal(model.ParameterValues.ToArray(), OnnxImporter.FromBytes(bytes).ParameterValues.ToArray());
        Assert.Empty(OnnxMetadata.FromBytes(OnnxExporter.ToBytes(model)));
        Assert.Empty(OnnxRuntime.Metadata(WriteWithout(folder, model)));
    }

    [Fact]
    public void ARepeatedKeyIsAFormatError()
    {
        var onnx = OnnxModel.Parse(OnnxExporter.ToBytes(Model(), new Dictionary<string, string> { ["k"] = "1" }), "m.onnx");
        onnx.MetadataProps.Add(new("k", "2"));
        var e = Assert.Throws<ModelFormatException>(() => OnnxMetadata.FromBytes(onnx.ToBytes(), "m.onnx"));
        Assert.Equal("m.onnx: metadata_props has the key 'k' twice", e.Message);
    }

    private static string WriteWithout(TempFolder folder, Sequential model)
    {
        string path = folder.File("plain.onnx");
        OnnxExporter.Save(model, path);
        return path;
    }

    private static Sequential Model()
    {
        var model = new Sequential(new Gru(3), new Dense(1));
        model.Build([5, 2], seed: 3);
        return model;
    }
}
