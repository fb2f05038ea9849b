using System.Text.Json.Serialization;
using System.Text.Json;
using Gated.IO;
using Gated.Kernels;
using Gated.Layers;
using Gated.Models;

namespace Gated.Serialization;

/// <summary>
/// A Gated model file: safetensors holding every parameter as "layers.{i}.{name}", with the architecture
/// (input shape, layer types and configurations; for a functional model also the layers' names and the graph of
/// inputs, calls and outputs) as JSON under the metadata key "gated.model" and any caller-supplied strings
/// (scaler, window, ...) beside it.
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

    /// <summary>Appended to an int8 (I8) parameter's tensor name for its per-column float scales.</summary>
    public const string Int8ScaleSuffix = ".scale";

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
        Write(path, architecture, model.Layers, metadata, state);
    }

    /// <summary>
    /// Writes a functional model atomically: its parameters (as "layers.{i}.{name}", i in <see cref="Model.Layers"/>
    /// order), its graph (inputs, layers with names and configurations, calls, outputs) and the caller's metadata.
    /// </summary>
    public static void Save(string path, Model model, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layerIndex = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < model.Layers.Count; i++)
        {
            layerIndex[model.Layers[i]] = i;
        }

        var callIndex = new Dictionary<LayerCall, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < model.Calls.Count; i++)
        {
            callIndex[model.Calls[i]] = i;
        }

        TensorEntry Reference(SymbolicTensor t) => t.Producer is null
            ? new TensorEntry { Input = model.Inputs.ToList().IndexOf(t) }
            : new TensorEntry { Call = callIndex[t.Producer], Output = t.OutputIndex };
        var architecture = new Architecture
        {
            Format = FormatVersion,
            Graph = new GraphEntry
            {
                Inputs = model.Inputs.Select((t, i) => new InputEntry { Name = model.InputNames[i], Shape = t.Shape, VariableLength = ((Input)t).VariableLength ? true : null }).ToList(),
                Calls = model.Calls.Select(c => new CallEntry { Layer = layerIndex[c.Layer], Inputs = c.Inputs.Select(Reference).ToList() }).ToList(),
                Outputs = model.Outputs.Select(Reference).ToList(),
            },
            Layers = model.Layers.Select(l => new LayerEntry { Type = l.TypeName, Name = model.NameOf(l), Config = new(l.GetConfig()) }).ToList(),
        };
        Write(path, architecture, model.Layers, metadata, null);
    }

    private static void Write(
        string path, Architecture architecture, IReadOnlyList<Layer> layers, IReadOnlyDictionary<string, string>? metadata,
        IReadOnlyDictionary<string, SafeTensorsFile.Entry>? state)
    {
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            [ArchitectureKey] = JsonSerializer.Serialize(architecture, ArchitectureJson.Default.Architecture),
        };
        var tensors = new List<KeyValuePair<string, SafeTensorsFile.Entry>>();
        for (int i = 0; i < layers.Count; i++)
        {
            // A quantized layer's int8 weights go as they are (I8, a quarter of the bytes) with their per-column scales.
            var int8 = layers[i].Int8Parameters.ToDictionary(p => p.Parameter, p => p.Matrix);
            foreach (var p in layers[i].Parameters)
            {
                string name = $"layers.{i}.{p.FullName}";
                if (int8.TryGetValue(p, out var matrix))
                {
                    tensors.Add(new(name, new SafeTensorsFile.Entry(p.Shape, matrix.Values.Select(v => (float)v).ToArray(), "I8")));
                    tensors.Add(new(name + Int8ScaleSuffix, new SafeTensorsFile.Entry([matrix.Columns], (float[])matrix.Scales.Clone())));
                }
                else
                {
                    tensors.Add(new(name, new SafeTensorsFile.Entry(p.Shape, p.Values.ToArray())));
                }
            }
        }

        foreach (var (name, entry) in state ?? new Dictionary<string, SafeTensorsFile.Entry>())
        {
            tensors.Add(new(StatePrefix + name, entry));
        }

        AtomicFile.Write(path, stream => SafeTensorsFile.Write(stream, tensors, meta));
    }

    /// <summary>Whether a Gated model file holds a functional model (read with <see cref="LoadFunctional"/>) rather than a Sequential.</summary>
    public static bool HoldsFunctionalModel(string path) => ReadArchitecture(path).Architecture.Graph is not null;

    /// <summary>Loads a model, the metadata and any extra state saved with it; every failure is a ModelFormatException or FileNotFoundException.</summary>
    public static LoadedModel Load(string path)
    {
        var (architecture, tensors, metadata) = ReadArchitecture(path);
        if (architecture.Graph is not null)
        {
            throw new ModelFormatException($"{path}: holds a functional model (a graph of layers); load it with GatedModelFile.LoadFunctional.");
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
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ModelFormatException($"{path}: the layers do not fit together ({e.Message}).", e);
        }

        var state = ReadWeights(path, model.Layers, tensors);
        metadata.Remove(ArchitectureKey);
        return new LoadedModel(model, metadata, state);
    }

    /// <summary>Loads a functional model saved by <see cref="Save(string, Model, IReadOnlyDictionary{string, string}?)"/> and its metadata; every failure is a ModelFormatException or FileNotFoundException.</summary>
    public static (Model Model, IReadOnlyDictionary<string, string> Metadata) LoadFunctional(string path)
    {
        var (architecture, tensors, metadata) = ReadArchitecture(path);
        if (architecture.Graph is not { } graph)
        {
            throw new ModelFormatException($"{path}: holds a Sequential model; load it with GatedModelFile.Load.");
        }

        if (graph.Inputs is not { Count: > 0 } inputEntries || graph.Calls is not { Count: > 0 } callEntries
            || graph.Outputs is not { Count: > 0 } outputEntries || architecture.Layers is not { Count: > 0 } layerEntries)
        {
            throw new ModelFormatException($"{path}: the graph has no inputs, calls, outputs or layers.");
        }

        Model model;
        try
        {
            var inputs = inputEntries.Select(e => new Input(e.Shape ?? [], e.Name, e.VariableLength ?? false)).ToArray();
            var layers = layerEntries.Select(e =>
            {
                var layer = LayerRegistry.Create(e.Type ?? "", e.Config ?? [], path);
                layer.Name = e.Name;
                return layer;
            }).ToArray();
            var calls = new List<IReadOnlyList<SymbolicTensor>>();
            SymbolicTensor Resolve(TensorEntry? entry, int before) => entry switch
            {
                { Input: int i } when i >= 0 && i < inputs.Length => inputs[i],
                { Call: int c, Output: int k } when c >= 0 && c < before && k >= 0 && k < calls[c].Count => calls[c][k],
                _ => throw new ModelFormatException($"{path}: the graph refers to a tensor that does not exist before it."),
            };
            foreach (var call in callEntries)
            {
                if (call.Layer is not int index || index < 0 || index >= layers.Length || call.Inputs is not { Count: > 0 })
                {
                    throw new ModelFormatException($"{path}: a call names no valid layer or no inputs.");
                }

                calls.Add(layers[index].CallMultiple(call.Inputs.Select(t => Resolve(t, calls.Count)).ToArray()));
            }

            model = new Model(inputs, outputEntries.Select(t => Resolve(t, calls.Count)).ToArray());
            if (model.Layers.Count != layers.Length || model.Layers.Where((l, i) => l != layers[i]).Any())
            {
                throw new ModelFormatException($"{path}: the graph's layers are not all used, in the order they are listed.");
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ModelFormatException($"{path}: the graph does not fit together ({e.Message}).", e);
        }

        var state = ReadWeights(path, model.Layers, tensors);
        model.ShareInt8WithCalls();
        if (state.Count > 0)
        {
            throw new ModelFormatException($"{path}: a functional model file holds no training state, but '{StatePrefix}{state.Keys.First()}' is there.");
        }

        metadata.Remove(ArchitectureKey);
        return (model, metadata);
    }

    private static (Architecture Architecture, Dictionary<string, SafeTensorsFile.Entry> Tensors, Dictionary<string, string> Metadata) ReadArchitecture(string path)
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

        return (architecture, tensors, metadata);
    }

    // Copies each layer's tensors ("layers.{i}.{name}") into its parameters, checking names, shapes and values; returns
    // the extra state tensors (names without the prefix). Any other tensor is refused.
    private static Dictionary<string, SafeTensorsFile.Entry> ReadWeights(string path, IReadOnlyList<Layer> layers, Dictionary<string, SafeTensorsFile.Entry> tensors)
    {
        int expected = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            var int8 = new Dictionary<Parameter, QuantizedMatrix>();
            foreach (var p in layers[i].Parameters)
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

                if (entry.IsInt8)
                {
                    // The float parameter holds q · s, so anything reading floats (export, training after reloading
                    // as float) sees the quantized weights.
                    var matrix = ReadInt8(path, name, entry, tensors);
                    matrix.Dequantize().CopyTo(p.Values);
                    int8[p] = matrix;
                    expected += 2;
                    continue;
                }

                entry.Data.CopyTo(p.Values);
                expected++;
            }

            if (int8.Count > 0)
            {
                try
                {
                    layers[i].LoadInt8(int8);
                }
                catch (ArgumentException e)
                {
                    throw new ModelFormatException($"{path}: layer {i} ({layers[i].TypeName}) has int8 tensors it cannot use: {e.Message}", e);
                }
            }
        }

        var state = tensors.Where(p => p.Key.StartsWith(StatePrefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key[StatePrefix.Length..], p => p.Value, StringComparer.Ordinal);
        if (tensors.Count != expected + state.Count)
        {
            string extra = tensors.Keys.First(k => !k.StartsWith(StatePrefix, StringComparison.Ordinal) && !IsUsed(layers, k));
            throw new ModelFormatException($"{path}: tensor '{extra}' does not belong to the architecture.");
        }

        return state;
    }

    // An int8 parameter's values and its scales: the scales F32, one per column, finite and not negative.
    private static QuantizedMatrix ReadInt8(string path, string name, SafeTensorsFile.Entry entry, Dictionary<string, SafeTensorsFile.Entry> tensors)
    {
        if (entry.Shape.Length != 2)
        {
            throw new ModelFormatException($"{path}: tensor '{name}' is int8 but not a matrix; only kernels are quantized.");
        }

        if (!tensors.TryGetValue(name + Int8ScaleSuffix, out var scales) || scales.IsInt8 || !scales.Shape.AsSpan().SequenceEqual([entry.Shape[1]]))
        {
            throw new ModelFormatException($"{path}: int8 tensor '{name}' needs '{name}{Int8ScaleSuffix}', {entry.Shape[1]} float scales.");
        }

        try
        {
            return QuantizedMatrix.FromValues(entry.Data.Select(v => (sbyte)v).ToArray(), scales.Data, entry.Shape[0], entry.Shape[1]);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{path}: int8 tensor '{name}': {e.Message}", e);
        }
    }

    private static bool IsUsed(IReadOnlyList<Layer> layers, string name)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Parameters.Any(p => name == $"layers.{i}.{p.FullName}" || name == $"layers.{i}.{p.FullName}{Int8ScaleSuffix}"))
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
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int[]? InputShape { get; set; }

        [JsonPropertyName("layers")]
        public List<LayerEntry>? Layers { get; set; }

        [JsonPropertyName("graph")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public GraphEntry? Graph { get; set; }
    }

    // A functional model: its inputs, every layer call (the layer's index, the tensors it takes) and its outputs.
    internal sealed class GraphEntry
    {
        [JsonPropertyName("inputs")]
        public List<InputEntry>? Inputs { get; set; }

        [JsonPropertyName("calls")]
        public List<CallEntry>? Calls { get; set; }

        [JsonPropertyName("outputs")]
        public List<TensorEntry>? Outputs { get; set; }
    }

    internal sealed class InputEntry
    {
        [JsonPropertyName("name")]
        public string? Name { get; set; }

        [JsonPropertyName("shape")]
        public int[]? Shape { get; set; }

        // Written only when true, so files of fixed-length models read as before.
        [JsonPropertyName("variable_length")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public bool? VariableLength { get; set; }
    }

    internal sealed class CallEntry
    {
        [JsonPropertyName("layer")]
        public int? Layer { get; set; }

        [JsonPropertyName("inputs")]
        public List<TensorEntry>? Inputs { get; set; }
    }

    // Either a model input ("input": i) or output k of an earlier call ("call": c, "output": k).
    internal sealed class TensorEntry
    {
        [JsonPropertyName("input")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? Input { get; set; }

        [JsonPropertyName("call")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? Call { get; set; }

        [JsonPropertyName("output")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? Output { get; set; }
    }

    internal sealed class LayerEntry
    {
        [JsonPropertyName("type")]
        public string? Type { get; set; }

        [JsonPropertyName("name")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Name { get; set; }

        [JsonPropertyName("config")]
        public Dictionary<string, string>? Config { get; set; }
    }
}

[JsonSerializable(typeof(GatedModelFile.Architecture))]
internal sealed partial class ArchitectureJson : JsonSerializerContext;
