using Gated.IO;

namespace Gated.Serialization.Onnx;

/// <summary>
/// An ONNX file's metadata_props (ModelProto field 14), the strings <see cref="OnnxExporter"/> writes beside the graph:
/// for a converted forecaster, its recipe under <see cref="ForecasterMetadata"/>'s keys (window, scaling, calendar, …).
/// </summary>
public static class OnnxMetadata
{
    /// <summary>The metadata_props of the ONNX file at <paramref name="path"/>; empty when it has none.</summary>
    /// <exception cref="ModelFormatException">The file is not valid ONNX, or a key appears twice.</exception>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>The metadata_props of an ONNX model's bytes; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ModelFormatException">The bytes are not valid ONNX, or a key appears twice.</exception>
    public static IReadOnlyDictionary<string, string> FromBytes(byte[] data, string source = "ONNX model")
    {
        ArgumentNullException.ThrowIfNull(data);
        var props = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in OnnxModel.Parse(data, source).MetadataProps)
        {
            if (!props.TryAdd(key, value))
            {
                throw new ModelFormatException($"{source}: metadata_props has the key '{key}' twice");
            }
        }

        return props;
    }
}
