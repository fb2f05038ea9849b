using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Gated.IO;
using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Serialization.Layouts;
using Gated.Tensors;

namespace Gated.Serialization;

/// <summary>
/// Reads Keras model files as Sequential models: Keras 3's .keras (a zip of config.json, model.weights.h5 and
/// metadata.json; keras/src/saving/saving_lib.py) and Keras 2's .h5 (HDF5 with a model_config attribute and a
/// model_weights group; keras/saving/legacy/hdf5_format.py). Read: Sequential models of InputLayer, GRU (both reset_after),
/// LSTM, SimpleRNN, Bidirectional (concat, sum, mul, ave), Dense (linear, relu, sigmoid, tanh, softmax: a Dense and
/// an Activation), Activation, Embedding (mask_zero), Masking, Dropout and TimeDistributed(Dense). Anything else fails
/// with one line naming the layer, its class and the option. Recurrent layers keep Keras's masked-step outputs
/// (zero_output_for_mask: false, or true inside a Bidirectional that returns sequences, as Keras forces it).
/// </summary>
public static class KerasModelFile
{
    private const string ConfigEntry = "config.json", WeightsEntry = "model.weights.h5", MetadataEntry = "metadata.json";

    /// <summary>Loads a .keras or Keras 2 .h5 model file.</summary>
    /// <exception cref="ModelFormatException">The file is damaged, or holds a layer or option Gated does not read.</exception>
    public static Sequential Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        if (FileSniffer.IsZip(bytes))
        {
            var (config, weights, _) = ReadArchive(bytes, path);
            using var h5 = KerasHdf5.Open(weights, $"{path}: {WeightsEntry}");
            return Build(config, path, new Keras3Weights(h5));
        }

        if (FileSniffer.IsHdf5(bytes))
        {
            using var h5 = KerasHdf5.Open(bytes, path);
            string config = h5.StringAttribute("/", "model_config")
                ?? throw new ModelFormatException($"{path}: an HDF5 file without a model_config attribute: Keras weights alone (save_weights), not a model.");
            if (!h5.HasGroup("model_weights"))
            {
                throw new ModelFormatException($"{path}: a Keras 2 model file without its model_weights group.");
            }

            return Build(config, path, new Keras2Weights(h5));
        }

        throw new ModelFormatException($"{path}: neither a .keras zip nor an HDF5 .h5 file.");
    }

    /// <summary>"Keras 3.6.0 .keras model" or "Keras 2.15.0 .h5 model (tensorflow backend)", from the file's own metadata.</summary>
    public static string DescribeOrigin(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        if (FileSniffer.IsZip(bytes))
        {
            var (_, _, metadata) = ReadArchive(bytes, path);
            string version = "Keras";
            if (metadata is not null)
            {
                using var doc = Parse(metadata, $"{path}: {MetadataEntry}");
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("keras_version", out var v) && v.ValueKind == JsonValueKind.String)
                {
                    version = $"Keras {v.GetString()}";
                }
            }

            return $"{version} .keras model (config.json + model.weights.h5)";
        }

        using var h5 = KerasHdf5.Open(bytes, path);
        string? keras = h5.StringAttribute("/", "keras_version");
        string? backend = h5.StringAttribute("/", "backend");
        return $"Keras {keras ?? "2"} .h5 model{(backend is null ? "" : $" ({backend} backend)")}";
    }

    private static (string Config, byte[] Weights, string? Metadata) ReadArchive(byte[] bytes, string path)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            byte[]? Entry(string name)
            {
                var entry = zip.GetEntry(name);
                if (entry is null)
                {
                    return null;
                }

                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            }

            byte[] config = Entry(ConfigEntry) ?? throw new ModelFormatException($"{path}: a zip without {ConfigEntry}: not a .keras model.");
            byte[] weights = Entry(WeightsEntry) ?? throw new ModelFormatException(
                zip.GetEntry("model.weights.npz") is null ? $"{path}: a .keras zip without {WeightsEntry}." : $"{path}: weights saved as model.weights.npz; Gated reads the default h5 weights only.");
            byte[]? metadata = Entry(MetadataEntry);
            return (Encoding.UTF8.GetString(config), weights, metadata is null ? null : Encoding.UTF8.GetString(metadata));
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException($"{path}: a damaged zip ({e.Message})", e);
        }
    }

    private static JsonDocument Parse(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{source}: not valid JSON ({e.Message})", e);
        }
    }

    // ---------------------------------------------------------------- config → layers

    private static Sequential Build(string configJson, string path, IKerasWeights weights)
    {
        using var doc = Parse(configJson, path);
        var root = doc.RootElement;
        string modelClass = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("class_name", out var c) ? c.GetString() ?? "" : "";
        if (modelClass != "Sequential")
        {
            throw new ModelFormatException($"{path}: a Keras {(modelClass.Length == 0 ? "model of unknown class" : modelClass)} model; Gated reads Sequential models only.");
        }

        var config = root.GetProperty("config");
        var layers = config.ValueKind == JsonValueKind.Array ? config : config.TryGetProperty("layers", out var l) ? l : default;
        if (layers.ValueKind != JsonValueKind.Array)
        {
            throw new ModelFormatException($"{path}: the Sequential config has no layers list.");
        }

        var reader = new Reader(path, weights);
        int[]? inputShape = BatchShape(config.ValueKind == JsonValueKind.Object ? config : default, "build_input_shape")
            ?? BatchShape(root, "build_config", "input_shape");
        var built = new List<(Layer Layer, Action<Layer> Load)>();
        foreach (var entry in layers.EnumerateArray())
        {
            var spec = new LayerSpec(entry, path);
            if (spec.Class == "InputLayer")
            {
                inputShape = BatchShape(spec.Config, "batch_shape") ?? BatchShape(spec.Config, "batch_input_shape") ?? inputShape;
                continue;
            }

            inputShape ??= BatchShape(spec.Config, "batch_input_shape") ?? BatchShape(spec.Config, "batch_shape") ?? BatchShape(entry, "build_config", "input_shape");
            built.AddRange(reader.Map(spec));
        }

        if (built.Count == 0)
        {
            throw new ModelFormatException($"{path}: the Sequential model has no layers.");
        }

        if (inputShape is null)
        {
            throw new ModelFormatException($"{path}: the model records no input shape (no InputLayer, batch_input_shape or build_config).");
        }

        var model = new Sequential(built.Select(b => b.Layer));
        // An unknown time axis (None) builds as one step; recurrent layers take any length.
        model.Build([.. inputShape.Select(d => d < 1 ? 1 : d)]);
        foreach (var (layer, load) in built)
        {
            load(layer);
        }

        return model;
    }

    // The per-sample shape from a Keras batch shape ([null, T, F] → [T, F], null → -1), or null when absent.
    private static int[]? BatchShape(JsonElement element, params string[] keys)
    {
        foreach (string key in keys)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(key, out element))
            {
                return null;
            }
        }

        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() < 2)
        {
            return null;
        }

        return [.. element.EnumerateArray().Skip(1).Select(d => d.ValueKind == JsonValueKind.Number ? d.GetInt32() : -1)];
    }

    // One layer's class, name and config, and the one-line errors that name them.
    private sealed class LayerSpec
    {
        public LayerSpec(JsonElement entry, string path)
        {
            Path = path;
            Class = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("class_name", out var c) ? c.GetString() ?? "?" : "?";
            Config = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("config", out var cfg) ? cfg : default;
            Name = Config.ValueKind == JsonValueKind.Object && Config.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : Class.ToLowerInvariant();
        }

        public string Path { get; }

        public string Class { get; }

        public string Name { get; }

        public JsonElement Config { get; }

        public ModelFormatException Unsupported(string option, string problem) =>
            new($"{Path}: layer '{Name}' ({Class}): {option} {problem}.");

        public JsonElement? Get(string key) =>
            Config.ValueKind == JsonValueKind.Object && Config.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

        public bool Bool(string key, bool fallback) => Get(key) switch
        {
            null => fallback,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            _ => throw Unsupported(key, "is not true or false"),
        };

        public double Number(string key, double fallback) => Get(key) is { } v
            ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Unsupported(key, "is not a number")
            : fallback;

        public int PositiveInt(string key) => Get(key) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out int n) && n > 0
            ? n
            : throw Unsupported(key, "is missing or not a positive integer");

        public string Text(string key, string fallback) => Get(key) switch
        {
            null => fallback,
            { ValueKind: JsonValueKind.String } v => v.GetString()!,
            // Keras 3 may serialize an activation as {"class_name": ..., "config": ...}; only names are read.
            var v => throw Unsupported(key, $"'{Compact(v.Value)}' is not a built-in name"),
        };

        public void Require(string key, string wanted, string fallback)
        {
            string value = Text(key, fallback);
            if (value != wanted)
            {
                throw Unsupported(key, $"'{value}' is not supported (only '{wanted}')");
            }
        }

        public void RequireFalse(string key)
        {
            if (Bool(key, false))
            {
                throw Unsupported(key, "true is not supported");
            }
        }

        private static string Compact(JsonElement v)
        {
            string text = v.GetRawText();
            return text.Length <= 60 ? text : text[..57] + "...";
        }
    }

    // Turns layer specs into Gated layers and the actions that copy their weights in once the model is built.
    private sealed class Reader(string path, IKerasWeights weights)
    {
        private readonly Dictionary<string, int> _usedNames = new(StringComparer.Ordinal);

        public IEnumerable<(Layer, Action<Layer>)> Map(LayerSpec spec)
        {
            string key = weights.Key(spec, _usedNames);
            switch (spec.Class)
            {
                case "Dropout":
                    double rate = spec.Number("rate", 0);
                    if (!(rate >= 0 && rate < 1))
                    {
                        throw spec.Unsupported("rate", $"{rate.ToString(CultureInfo.InvariantCulture)} is not in [0, 1)");
                    }

                    CheckNoNoiseShape(spec);
                    return [(new Dropout(rate), _ => { })];
                case "Masking":
                    return [(new Masking((float)spec.Number("mask_value", 0)), _ => { })];
                case "Activation":
                    return [(new Activation(ActivationOf(spec, "activation")), _ => { })];
                case "Embedding":
                    return [Embedding(spec, key)];
                case "Dense":
                    return Dense(spec, () => weights.Tensors(key, spec));
                case "TimeDistributed":
                    var inner = new LayerSpec(spec.Get("layer") ?? throw spec.Unsupported("layer", "is missing"), path);
                    if (inner.Class != "Dense")
                    {
                        throw spec.Unsupported("layer", $"{inner.Class} is not supported (only Dense)");
                    }

                    // TimeDistributed(Dense) is Dense on every step, which Gated's Dense does on (time, features).
                    return Dense(inner, () => weights.Tensors(key, spec));
                case "GRU" or "LSTM" or "SimpleRNN":
                    var layer = Recurrent(spec, insideBidirectional: false);
                    return [(layer, l => LoadRecurrent((RecurrentLayer)l, weights.Tensors(key, spec), spec))];
                case "Bidirectional":
                    return [Bidirectional(spec, key)];
                default:
                    throw new ModelFormatException($"{path}: layer '{spec.Name}' ({spec.Class}) is not supported; Gated reads {string.Join(", ", Supported)}.");
            }
        }

        private static readonly string[] Supported =
            ["InputLayer", "GRU", "LSTM", "SimpleRNN", "Bidirectional", "Dense", "Activation", "Embedding", "Masking", "Dropout", "TimeDistributed(Dense)"];

        private static void CheckNoNoiseShape(LayerSpec spec)
        {
            if (spec.Get("noise_shape") is not null)
            {
                throw spec.Unsupported("noise_shape", "is not supported");
            }
        }

        private static ActivationKind ActivationOf(LayerSpec spec, string key)
        {
            string name = spec.Text(key, "linear");
            try
            {
                return Activation.Parse(name);
            }
            catch (ArgumentException)
            {
                throw spec.Unsupported(key, $"'{name}' is not supported (linear, relu, sigmoid, tanh, softmax)");
            }
        }

        private (Layer, Action<Layer>) Embedding(LayerSpec spec, string key)
        {
            var layer = new Embedding(spec.PositiveInt("input_dim"), spec.PositiveInt("output_dim"), spec.Bool("mask_zero", false));
            return (layer, _ =>
            {
                var tensors = weights.Tensors(key, spec);
                Expect(spec, tensors, 1);
                Copy(spec, "embeddings", tensors[0], layer.Embeddings);
            });
        }

        private IEnumerable<(Layer, Action<Layer>)> Dense(LayerSpec spec, Func<IReadOnlyList<Tensor>> tensors)
        {
            var dense = new Dense(spec.PositiveInt("units"));
            bool useBias = spec.Bool("use_bias", true);
            var activation = ActivationOf(spec, "activation");
            yield return (dense, _ =>
            {
                var t = tensors();
                Expect(spec, t, useBias ? 2 : 1);
                Copy(spec, "kernel", t[0], dense.Kernel);
                if (useBias)
                {
                    Copy(spec, "bias", t[1], dense.Bias);
                }
                else
                {
                    dense.Bias.Values.Clear();
                }
            });
            if (activation != ActivationKind.Linear)
            {
                yield return (new Activation(activation), _ => { });
            }
        }

        private RecurrentLayer Recurrent(LayerSpec spec, bool insideBidirectional)
        {
            spec.RequireFalse("return_state");
            spec.RequireFalse("time_major");
            if (spec.Class is "GRU" or "LSTM")
            {
                spec.Require("activation", "tanh", "tanh");
                spec.Require("recurrent_activation", "sigmoid", "sigmoid");
            }

            bool returnSequences = spec.Bool("return_sequences", false);
            // Keras's default is zero_output_for_mask=False (masked steps repeat the last output); Bidirectional forces
            // it to return_sequences on both of its layers, so there masked steps output zeros (Gated's default).
            bool zeroOutputForMask = insideBidirectional ? returnSequences : spec.Bool("zero_output_for_mask", false);
            var options = new RecurrentOptions
            {
                ReturnSequences = returnSequences,
                GoBackwards = spec.Bool("go_backwards", false),
                Stateful = spec.Bool("stateful", false),
                Dropout = (float)spec.Number("dropout", 0),
                RecurrentDropout = (float)spec.Number("recurrent_dropout", 0),
                ZeroOutputForMask = zeroOutputForMask,
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw spec.Unsupported(e.ParamName == nameof(RecurrentOptions.Dropout) ? "dropout" : "recurrent_dropout", "is not in [0, 1)");
            }

            int units = spec.PositiveInt("units");
            return spec.Class switch
            {
                "GRU" => new Gru(units, options, spec.Bool("reset_after", true) ? GruVariant.ResetAfter : GruVariant.ResetBefore),
                "LSTM" => new Lstm(units, options),
                _ => new SimpleRnn(units, options, spec.Text("activation", "tanh") switch
                {
                    "tanh" => SimpleRnnActivation.Tanh,
                    "relu" => SimpleRnnActivation.Relu,
                    var other => throw spec.Unsupported("activation", $"'{other}' is not supported (tanh, relu)"),
                }),
            };
        }

        private (Layer, Action<Layer>) Bidirectional(LayerSpec spec, string key)
        {
            var inner = new LayerSpec(spec.Get("layer") ?? throw spec.Unsupported("layer", "is missing"), path);
            if (inner.Class is not ("GRU" or "LSTM" or "SimpleRNN"))
            {
                throw spec.Unsupported("layer", $"{inner.Class} is not supported (GRU, LSTM, SimpleRNN)");
            }

            var merge = spec.Get("merge_mode") is null
                ? throw spec.Unsupported("merge_mode", "None (two outputs) is not supported")
                : spec.Text("merge_mode", "concat") switch
                {
                    "concat" => BidirectionalMerge.Concat,
                    "sum" => BidirectionalMerge.Sum,
                    "mul" => BidirectionalMerge.Mul,
                    "ave" => BidirectionalMerge.Average,
                    var other => throw spec.Unsupported("merge_mode", $"'{other}' is not supported"),
                };
            var forward = Recurrent(inner, insideBidirectional: true);
            if (spec.Get("backward_layer") is { } backwardConfig)
            {
                // Gated's backward layer is the forward one's configuration run backwards; Keras lets them differ.
                var backward = new LayerSpec(backwardConfig, path);
                var mirrored = Recurrent(backward, insideBidirectional: true);
                if (backward.Class != inner.Class || mirrored.Units != forward.Units || mirrored.Options.GoBackwards == forward.Options.GoBackwards
                    || !SameConfigBut(forward, mirrored))
                {
                    throw spec.Unsupported("backward_layer", "differs from the forward layer beyond go_backwards, which Gated does not support");
                }
            }

            var layer = new Bidirectional(forward, merge);
            return (layer, _ =>
            {
                var tensors = weights.Tensors(key, spec);
                if (tensors.Count % 2 != 0)
                {
                    throw new ModelFormatException($"{path}: layer '{spec.Name}' (Bidirectional) has {tensors.Count} weights; expected the same number for each direction.");
                }

                int half = tensors.Count / 2;
                LoadRecurrent(layer.ForwardLayer, [.. tensors.Take(half)], inner);
                LoadRecurrent(layer.BackwardLayer, [.. tensors.Skip(half)], inner);
            });
        }

        private static bool SameConfigBut(RecurrentLayer a, RecurrentLayer b)
        {
            var x = a.GetConfig();
            var y = b.GetConfig();
            return x.Count == y.Count && x.All(kv => kv.Key == "go_backwards" || (y.TryGetValue(kv.Key, out string? v) && v == kv.Value));
        }

        private void LoadRecurrent(RecurrentLayer layer, IReadOnlyList<Tensor> tensors, LayerSpec spec)
        {
            bool useBias = spec.Bool("use_bias", true);
            Expect(spec, tensors, useBias ? 3 : 2);
            var layout = WeightLayout.For(Framework.Keras, layer);
            int width = layer.Kernel.Shape[1];
            CheckShape(spec, "kernel", tensors[0], layer.Kernel.Shape);
            CheckShape(spec, "recurrent_kernel", tensors[1], [layer.Units, width]);
            ReadOnlySpan<float> bias = [];
            if (useBias)
            {
                CheckShape(spec, "bias", tensors[2], layout.Bias == BiasLayout.InputAndRecurrent ? [2, width] : [width]);
                bias = tensors[2].Data;
            }

            int split = layout.Bias == BiasLayout.InputAndRecurrent ? bias.Length / 2 : bias.Length;
            layout.CopyToLayer(layer, tensors[0].Data, tensors[1].Data, bias[..split], bias[split..]);
        }

        private void Expect(LayerSpec spec, IReadOnlyList<Tensor> tensors, int count)
        {
            if (tensors.Count != count)
            {
                throw new ModelFormatException($"{path}: layer '{spec.Name}' ({spec.Class}) has {tensors.Count} weight arrays; its config needs {count}.");
            }
        }

        private void Copy(LayerSpec spec, string name, Tensor tensor, Parameter parameter)
        {
            CheckShape(spec, name, tensor, parameter.Shape);
            tensor.Data.CopyTo(parameter.Values);
        }

        private void CheckShape(LayerSpec spec, string name, Tensor tensor, int[] shape)
        {
            if (!tensor.Shape.AsSpan().SequenceEqual(shape))
            {
                throw new ModelFormatException(
                    $"{path}: layer '{spec.Name}' ({spec.Class}): {name} has shape {Tensor.FormatShape(tensor.Shape)}, its config needs {Tensor.FormatShape(shape)}.");
            }
        }
    }

    // ---------------------------------------------------------------- where each format keeps a layer's weights

    private interface IKerasWeights
    {
        // The layer's address in the weights file, given in model order (Keras 3 numbers repeated class names).
        string Key(LayerSpec spec, Dictionary<string, int> usedNames);

        // The layer's weight arrays in Keras's order (get_weights()); Bidirectional's forward ones, then backward ones.
        IReadOnlyList<Tensor> Tensors(string key, LayerSpec spec);
    }

    // Keras 3 (saving_lib._save_state): "layers/<snake_case class>[_n]", own variables in "<path>/vars/0, 1, ...",
    // children by attribute: an RNN's "cell", Bidirectional's "forward_layer"/"backward_layer", TimeDistributed's "layer".
    private sealed class Keras3Weights(KerasHdf5 h5) : IKerasWeights
    {
        private static readonly string[] Children = ["forward_layer", "backward_layer", "cell", "layer"];

        public string Key(LayerSpec spec, Dictionary<string, int> usedNames)
        {
            string name = SnakeCase(spec.Class);
            if (usedNames.TryGetValue(name, out int count))
            {
                usedNames[name] = ++count;
                name = $"{name}_{count}";
            }
            else
            {
                usedNames[name] = 0;
            }

            return "layers/" + name;
        }

        public IReadOnlyList<Tensor> Tensors(string key, LayerSpec spec)
        {
            if (!h5.HasGroup(key))
            {
                throw new ModelFormatException($"{spec.Path}: layer '{spec.Name}' ({spec.Class}) has no weights at '{key}' in {WeightsEntry}.");
            }

            var result = new List<Tensor>();
            Collect(key, result);
            return result;
        }

        private void Collect(string group, List<Tensor> result)
        {
            string vars = group + "/vars";
            if (h5.HasGroup(vars))
            {
                var names = h5.ChildNames(vars).OrderBy(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : int.MaxValue);
                result.AddRange(names.Select(n => h5.Dataset($"{vars}/{n}")));
            }

            foreach (string child in Children)
            {
                if (h5.HasGroup($"{group}/{child}"))
                {
                    Collect($"{group}/{child}", result);
                }
            }
        }

        // keras.src.utils.naming.to_snake_case: "SimpleRNN" → "simple_rnn", "TimeDistributed" → "time_distributed".
        internal static string SnakeCase(string name)
        {
            var text = new StringBuilder();
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                bool upper = char.IsUpper(c);
                bool afterLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                bool startsWord = i > 0 && upper && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (upper && (afterLower || startsWord) && text.Length > 0 && text[^1] != '_')
                {
                    text.Append('_');
                }

                text.Append(char.ToLowerInvariant(c));
            }

            return text.ToString();
        }
    }

    // Keras 2 (hdf5_format.save_weights_to_hdf5_group): "model_weights/<layer name>" lists its datasets' paths in the
    // weight_names attribute, in get_weights() order.
    private sealed class Keras2Weights(KerasHdf5 h5) : IKerasWeights
    {
        public string Key(LayerSpec spec, Dictionary<string, int> usedNames) => "model_weights/" + spec.Name;

        public IReadOnlyList<Tensor> Tensors(string key, LayerSpec spec)
        {
            if (!h5.HasGroup(key))
            {
                throw new ModelFormatException($"{spec.Path}: layer '{spec.Name}' ({spec.Class}) has no weights group '{key}'.");
            }

            return [.. h5.StringsAttribute(key, "weight_names").Select(name => h5.Dataset($"{key}/{name}"))];
        }
    }
}
