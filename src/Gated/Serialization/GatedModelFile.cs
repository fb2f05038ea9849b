using System.Text.Json.Serialization;
using System.Text.Json;
using Gated.IO;
using Gated.Layers;
using Gated.Models;

namespace Gated.Serialization;

/// <summary>
/// A Gated model file: safetensors holding every parameter as "layers.{i}.{name}", with the architecture
/// (input shape, layer types and configurations) as JSON under the metadata key "gated.model" and any
/// caller-supplied strings (scaler, window, ...) beside it.
/// </summary>
public static class GatedModelFile
{
    /// <summary>The safetensors metadata key that holds the architecture JSON; its presence marks a Gated model file.</summary>
    public const string ArchitectureKey = "gated.model";

    /// <summary>The version written into the architecture JSON; files of a newer version are refused.</summary>
    public const int FormatVersion = 1;

    /// <summary>Longest file we will read into memory (far above any model this library trains).</summary>
    public const long MaxFileBytes = 2L * 1024 * 1024 * 1024 - 1;

    /// <summary>Prefix of extra tensors (optimizer moments, generator states) that a checkpoint stores beside the weights.</summary>
    public const string StatePrefix = "state.";

    /// <summary>
    /// Writes a built model atomically: its parameters, its architecture, the caller's metadata strings and extra state
    /// tensors (stored under <see cref="StatePrefix"/>).
    /// </summary>
    public static void Save(
        string path, Sequential model, IReadOnlyDictionary<string, string>? metadata = null,
        IReadOnlyDictionary<string, SafeTensorsFile.Entry>? state = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.IsBuilt)
        {
            throw new InvalidOperationException("Only a built model can be saved.");
        }

        var architecture = new Architecture
        {
            Format = FormatVersion,
            InputShape = model.InputShape,
            Layers = model.Layers.Select(l => new LayerEntry { Type = l.TypeName, Config = new(l.GetConfig()) }).ToList(),
        };
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            [ArchitectureKey] = JsonSerializer.Serialize(architecture, ArchitectureJson.Default.Architecture),
        };
        var tensors = new List<KeyValuePair<string, SafeTensorsFile.Entry>>();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            foreach (var p in model.Layers[i].Parameters)
            {
                tensors.Add(new($"layers.{i}.{p.FullName}", new SafeTensorsFile.Entry(p.Shape, p.Values.ToArray())));
            }
        }

        foreach (var (name, entry) in state ?? new Dictionary<string, SafeTensorsFile.Entry>())
        {
            tensors.Add(new(StatePrefix + name, entry));
        }

        AtomicFile.Write(path, stream => SafeTensorsFile.Write(stream, tensors, meta));
    }

    /// <summary>Loads a model, the metadata and any extra state saved with it; every failure is a ModelFormatException or FileNotFoundException.</summary>
    public static LoadedModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model file not found: {path}", path);
        }

        var info = new FileInfo(path);
        if (info.Length > MaxFileBytes)
        {
            throw new ModelFormatException($"{path}: {info.Length} bytes is too large for a model file.");
        }

        var (tensors, metadata) = SafeTensorsFile.Read(File.ReadAllBytes(path), path);
        if (!metadata.TryGetValue(ArchitectureKey, out string? json))
        {
            throw new ModelFormatException($"{path}: a safetensors file, but not a Gated model (no '{ArchitectureKey}' metadata).");
        }

        Architecture architecture;
        try
        {
            architecture = JsonSerializer.Deserialize(json, ArchitectureJson.Default.Architecture)
                ?? throw new ModelFormatException($"{path}: empty architecture.");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{path}: the architecture is not valid JSON ({e.Message.Split('\n')[0]}).", e);
        }

        if (architecture.Format != FormatVersion)
        {
            throw new ModelFormatException($"{path}: model format {architecture.Format} is not supported (this build reads {FormatVersion}).");
        }

        if (architecture.InputShape is not { Length: > 0 } inputShape || inputShape.Any(d => d < 1 || d > 1 << 24)
            || architecture.Layers is not { Count: > 0 } layerEntries)
        {
            throw new ModelFormatException($"{path}: the architecture has no valid input shape or no layers.");
        }

        var model = new Sequential(layerEntries.Select(e => LayerRegistry.Create(e.Type ?? "", e.Config ?? [], path)));
        try
        {
            model.Build(inputShape);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{path}: the layers do not fit together ({e.Message}).", e);
        }

        int expected = 0;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            foreach (var p in model.Layers[i].Parameters)
            {
                string name = $"layers.{i}.{p.FullName}";
                if (!tensors.TryGetValue(name, out var entry))
                {
                    throw new ModelFormatException($"{path}: tensor '{name}' is missing.");
                }

                if (!entry.Shape.AsSpan().SequenceEqual(p.Shape))
                {
                    throw new ModelFormatException(
                        $"{path}: tensor '{name}' has shape ({string.Join(", ", entry.Shape)}) but the architecture needs ({string.Join(", ", p.Shape)}).");
                }

                if (entry.Data.Any(v => !float.IsFinite(v)))
                {
                    throw new ModelFormatException($"{path}: tensor '{name}' holds NaN or infinite values.");
                }

                entry.Data.CopyTo(p.Values);
                expected++;
            }
        }

        var state = tensors.Where(p => p.Key.StartsWith(StatePrefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key[StatePrefix.Length..], p => p.Value, StringComparer.Ordinal);
        if (tensors.Count != expected + state.Count)
        {
            string extra = tensors.Keys.First(k => !k.StartsWith(StatePrefix, StringComparison.Ordinal) && !IsUsed(model, k));
            throw new ModelFormatException($"{path}: tensor '{extra}' does not belong to the architecture.");
        }

        metadata.Remove(ArchitectureKey);
        return new LoadedModel(model, metadata, state);
    }

    private static bool IsUsed(Sequential model, string name)
    {
        for (int i = 0; i < model.Layers.Count; i++)
        {
            if (model.Layers[i].Parameters.Any(p => name == $"layers.{i}.{p.FullName}"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What a model file holds: the model, its metadata strings, and extra state tensors (names without the prefix).</summary>
    public sealed record LoadedModel(
        Sequential Model, IReadOnlyDictionary<string, string> Metadata, IReadOnlyDictionary<string, SafeTensorsFile.Entry> State)
    {
        /// <summary>Splits into the model and its metadata, for callers that do not need the state tensors.</summary>
        public void Deconstruct(out Sequential model, out IReadOnlyDictionary<string, string> metadata)
        {
            model = Model;
            metadata = Metadata;
        }
    }

    internal sealed class Architecture
    {
        [JsonPropertyName("format")]
        public int Format { get; set; }

        [JsonPropertyName("input_shape")]
        public int[]? InputShape { get; set; }

        [JsonPropertyName("layers")]
        public List<LayerEntry>? Layers { get; set; }
    }

    internal sealed class LayerEntry
    {
        [JsonPropertyName("type")]
        public string? Type { get; set; }

        [JsonPropertyName("config")]
        public Dictionary<string, string>? Config { get; set; }
    }
}

[JsonSerializable(typeof(GatedModelFile.Architecture))]
internal sealed partial class ArchitectureJson : JsonSerializerContext;
