using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Serialization.Onnx;

namespace Gated.Serialization;

/// <summary>
/// One entry point for every model format: tells a file's format, loads it as a Sequential, writes a model in
/// any format. Formats are told by content: ONNX protobuf; a Keras model (a .keras zip with config.json, or an HDF5
/// file, Keras 2's .h5); or safetensors, which is a Gated model when its metadata holds the architecture, otherwise a
/// PyTorch state_dict.
/// </summary>
public static class ModelFormats
{
    /// <summary>
    /// The file's format, by content: a safetensors file's metadata tells a Gated model from a state_dict; a file
    /// that parses as ONNX (or is named .onnx and is not safetensors) is ONNX; a .npy or text file is a
    /// ModelFormatException saying what it is.
    /// </summary>
    public static ModelFormat Detect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model file not found: {path}", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (FileSniffer.IsZip(bytes) || FileSniffer.IsHdf5(bytes))
        {
            // KerasModelFile.Load names what a zip or an HDF5 file lacks (config.json, model_config).
            return ModelFormat.Keras;
        }

        if (!FileSniffer.LooksLikeSafeTensors(bytes))
        {
            if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || FileSniffer.IsOnnx(bytes))
            {
                return ModelFormat.Onnx;
            }

            throw new ModelFormatException(FileSniffer.Describe(bytes) is { } kind
                ? $"{path}: this is {kind}, not a model file (Gated, ONNX, PyTorch state_dict or Keras)."
                : $"{path}: not a model file: neither safetensors (Gated, PyTorch state_dict), ONNX nor Keras (.keras, .h5).");
        }

        var (_, metadata) = SafeTensorsFile.Read(bytes, path);
        return metadata.ContainsKey(GatedModelFile.ArchitectureKey) ? ModelFormat.Gated : ModelFormat.PyTorchStateDict;
    }

    /// <summary>
    /// Loads any supported file. head and nonlinearity matter only for a PyTorch state_dict, which does not record
    /// whether its Linear head reads the last step or every step, nor an RNN's non-linearity.
    /// </summary>
    public static Sequential Load(string path, PyTorchHead head = PyTorchHead.Last, SimpleRnnActivation nonlinearity = SimpleRnnActivation.Tanh) =>
        Detect(path) switch
        {
            ModelFormat.Gated => GatedModelFile.Load(path).Model,
            ModelFormat.PyTorchStateDict => PyTorchStateDict.Load(path, head, nonlinearity),
            ModelFormat.Keras => KerasModelFile.Load(path),
            _ => OnnxImporter.Load(path),
        };

    /// <summary>Writes a built model in the given format, atomically; NotSupportedException when the format cannot express it.</summary>
    public static void Save(Sequential model, string path, ModelFormat format)
    {
        ArgumentNullException.ThrowIfNull(model);
        switch (format)
        {
            case ModelFormat.Gated:
                GatedModelFile.Save(path, model);
                break;
            case ModelFormat.PyTorchStateDict:
                PyTorchStateDict.Save(model, path);
                break;
            case ModelFormat.Onnx:
                OnnxExporter.Save(model, path);
                break;
            case ModelFormat.Keras:
                throw new NotSupportedException("Gated reads Keras model files but does not write them; write ONNX, a PyTorch state_dict or a Gated model.");
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown model format.");
        }
    }

    /// <summary>Where a file came from, in one line: its format and what it records about its producer.</summary>
    public static string DescribeOrigin(string path)
    {
        var format = Detect(path);
        if (format == ModelFormat.Keras)
        {
            return KerasModelFile.DescribeOrigin(path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        switch (format)
        {
            case ModelFormat.Onnx:
                var onnx = OnnxModel.Parse(bytes, path);
                string opsets = string.Join(", ", onnx.OpsetImports.Select(o => $"{(o.Domain.Length == 0 ? "ai.onnx" : o.Domain)} {o.Version}"));
                string producer = onnx.ProducerName.Length == 0 ? "an unnamed producer" : $"{onnx.ProducerName} {onnx.ProducerVersion}".Trim();
                string recipe = onnx.MetadataProps.Any(p => p.Key == ForecasterMetadata.Window) ? ", with a forecaster's recipe in its metadata_props" : "";
                return $"ONNX model (IR version {onnx.IrVersion}, opset {opsets}) written by {producer}{recipe}";
            case ModelFormat.Gated:
                var (_, metadata) = SafeTensorsFile.Read(bytes, path);
                bool forecaster = ForecasterMetadata.IsForecaster(metadata);
                bool checkpoint = metadata.Keys.Any(k => k.StartsWith("gated.checkpoint", StringComparison.Ordinal));
                string kind = checkpoint ? "training checkpoint" : forecaster ? "forecaster (scaler and window saved with it)" : "model";
                return $"Gated {kind}, safetensors with the architecture in its metadata";
            default:
                var (tensors, meta) = SafeTensorsFile.Read(bytes, path);
                string note = meta.TryGetValue("format", out string? f) ? $", metadata format '{f}'" : "";
                return $"PyTorch state_dict in safetensors ({tensors.Count} tensors{note})";
        }
    }
}
