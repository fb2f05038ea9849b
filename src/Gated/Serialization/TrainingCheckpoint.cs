using System.Globalization;
using Gated.IO;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Training;

namespace Gated.Serialization;

/// <summary>
/// A model file (<see cref="GatedModelFile"/>) that also holds everything Fit needs to continue a run bit for bit:
/// the optimizer's kind, hyper-parameters, iterations, learning rate and per-parameter buffers; the run's
/// shuffling generator, sample order and completed epochs (<see cref="Sequential.TrainingRun"/>); and the random
/// stream of every layer that has one (dropout). After <see cref="Restore"/> into a freshly built and compiled
/// model of the same architecture, Fit(…, initialEpoch: k) continues exactly as the original run would have.
/// The file still loads with GatedModelFile.Load for inference.
///
/// Layout. Metadata (strings): "gated.checkpoint" = format version; ".optimizer" = name; ".optimizer.config" =
/// "key=value; …" sorted by key; ".optimizer.iterations"; ".loss"; ".run.completed_epochs" and ".run.random"
/// when the model has run Fit; ".layers.{i}.random" per layer stream. Generator states are comma-separated
/// decimal UInt64s, so they survive exactly. State tensors (GatedModelFile's "state." prefix): "optimizer.learning_rate"
/// (1) unless a schedule drives it, "optimizer.{buffer}" (parameters) per Optimizer.StateNames once it has stepped,
/// "run.order" (training samples) as float integers, exact below 2^24 samples.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The metadata key whose presence marks a model file as a checkpoint; its value is <see cref="FormatVersion"/>.</summary>
    public const string FormatKey = "gated.checkpoint";

    /// <summary>The checkpoint layout this build writes and the only one <see cref="Restore"/> accepts.</summary>
    public const int FormatVersion = 1;

    /// <summary>Largest training set whose sample order is stored exactly as float32 integers.</summary>
    public const int MaxOrderLength = 1 << 24;

    private const string OptimizerKey = FormatKey + ".optimizer";
    private const string OptimizerConfigKey = FormatKey + ".optimizer.config";
    private const string IterationsKey = FormatKey + ".optimizer.iterations";
    private const string LossKey = FormatKey + ".loss";
    private const string CompletedEpochsKey = FormatKey + ".run.completed_epochs";
    private const string RunRandomKey = FormatKey + ".run.random";
    private const string LearningRateTensor = "optimizer.learning_rate";
    private const string BufferPrefix = "optimizer.";
    private const string OrderTensor = "run.order";

    /// <summary>Writes the model (built and compiled) with its training state; atomically, like GatedModelFile.Save.</summary>
    public static void Save(string path, Sequential model)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        var optimizer = model.Optimizer
            ?? throw new ArgumentException("A training checkpoint needs a compiled model (an optimizer to save).", nameof(model));
        if (!model.IsBuilt)
        {
            throw new ArgumentException("Only a built model can be saved.", nameof(model));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FormatKey] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            [OptimizerKey] = optimizer.Name,
            [OptimizerConfigKey] = FormatConfig(optimizer.GetConfig()),
            [IterationsKey] = optimizer.Iterations.ToString(CultureInfo.InvariantCulture),
            [LossKey] = model.Loss!.ToString() ?? "",
        };
        var state = new Dictionary<string, SafeTensorsFile.Entry>(StringComparer.Ordinal);
        if (optimizer.Schedule is null)
        {
            state[LearningRateTensor] = new SafeTensorsFile.Entry([1], [optimizer.LearningRate]);
        }

        foreach (var (name, buffer) in optimizer.GetState())
        {
            state[BufferPrefix + name] = new SafeTensorsFile.Entry([buffer.Length], buffer);
        }

        if (model.TrainingRun is { } run)
        {
            if (run.Order.Length > MaxOrderLength)
            {
                throw new NotSupportedException(
                    $"The run trains on {run.Order.Length} samples; checkpoints store the sample order exactly for at most {MaxOrderLength}.");
            }

            metadata[CompletedEpochsKey] = run.CompletedEpochs.ToString(CultureInfo.InvariantCulture);
            metadata[RunRandomKey] = FormatRandom(run.Random);
            state[OrderTensor] = new SafeTensorsFile.Entry([run.Order.Length], Array.ConvertAll(run.Order, i => (float)i));
        }

        for (int i = 0; i < model.Layers.Count; i++)
        {
            if (model.Layers[i].RandomStream is { } stream)
            {
                metadata[LayerRandomKey(i)] = FormatRandom(stream);
            }
        }

        GatedModelFile.Save(path, model, metadata, state);
    }

    /// <summary>
    /// Puts a checkpoint's weights and training state into a model built with the same architecture and compiled
    /// with the same kind of optimizer (same hyper-parameters) and loss. Everything is checked before anything
    /// changes: a file that is corrupt, not a checkpoint, or written for another architecture, optimizer or loss
    /// throws ModelFormatException and leaves the model as it was.
    /// </summary>
    public static void Restore(string path, Sequential model)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        if (!model.IsBuilt)
        {
            throw new ArgumentException("Build the model (same architecture as the checkpoint) before restoring into it.", nameof(model));
        }

        var optimizer = model.Optimizer
            ?? throw new ArgumentException("Compile the model (with the checkpoint's optimizer and loss) before restoring into it.", nameof(model));

        var loaded = GatedModelFile.Load(path);
        var metadata = loaded.Metadata;
        if (!metadata.TryGetValue(FormatKey, out string? format))
        {
            throw new ModelFormatException($"{path}: a Gated model file but not a training checkpoint (no '{FormatKey}' metadata).");
        }

        if (format != FormatVersion.ToString(CultureInfo.InvariantCulture))
        {
            throw new ModelFormatException($"{path}: checkpoint format '{format}' is not supported (this build reads {FormatVersion}).");
        }

        CheckArchitecture(path, loaded.Model, model);
        Expect(path, metadata, OptimizerKey, optimizer.Name, "optimizer");
        Expect(path, metadata, OptimizerConfigKey, FormatConfig(optimizer.GetConfig()), $"{optimizer.Name} configuration");
        Expect(path, metadata, LossKey, model.Loss!.ToString() ?? "", "loss");
        long iterations = ParseCount(path, metadata, IterationsKey);

        var state = new Dictionary<string, SafeTensorsFile.Entry>(loaded.State, StringComparer.Ordinal);
        float? learningRate = TakeLearningRate(path, state, optimizer);
        var run = TakeRun(path, metadata, state);
        var layerStates = ReadLayerStreams(path, metadata, model);

        var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, entry) in state)
        {
            if (!name.StartsWith(BufferPrefix, StringComparison.Ordinal))
            {
                throw new ModelFormatException($"{path}: state tensor '{name}' is not part of a training checkpoint.");
            }

            if (entry.Shape.Length != 1 || entry.Shape[0] != model.ParameterCount)
            {
                throw new ModelFormatException(
                    $"{path}: optimizer buffer '{name}' has shape {Tensor.FormatShape(entry.Shape)} but the model has {model.ParameterCount} parameters.");
            }

            buffers[name[BufferPrefix.Length..]] = entry.Data;
        }

        try
        {
            optimizer.SetState(buffers, iterations);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{path}: the optimizer state does not fit: {e.Message}", e);
        }

        // Nothing below can fail: every value was checked above.
        loaded.Model.ParameterValues.CopyTo(model.ParameterValues);
        if (learningRate is float rate)
        {
            optimizer.LearningRate = rate;
        }

        model.TrainingRun = run;
        foreach (var (layer, generator) in layerStates)
        {
            layer.RandomStream!.SetState(generator);
        }
    }

    private static string LayerRandomKey(int layer) => $"{FormatKey}.layers.{layer.ToString(CultureInfo.InvariantCulture)}.random";

    private static string FormatConfig(IReadOnlyDictionary<string, string> config) =>
        string.Join("; ", config.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private static string FormatRandom(SeededRandom random) =>
        string.Join(",", random.GetState().Select(u => u.ToString(CultureInfo.InvariantCulture)));

    private static ulong[] ParseRandom(string path, string key, string text)
    {
        string[] parts = text.Split(',');
        var state = new ulong[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!ulong.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out state[i]))
            {
                throw new ModelFormatException($"{path}: '{key}' is not a list of unsigned 64-bit integers ('{parts[i]}').");
            }
        }

        try
        {
            // Validate on a scratch generator so a bad state never reaches the model's.
            new SeededRandom(0).SetState(state);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{path}: '{key}' is not a generator state ({e.Message}).", e);
        }

        return state;
    }

    private static void Expect(string path, IReadOnlyDictionary<string, string> metadata, string key, string actual, string what)
    {
        if (!metadata.TryGetValue(key, out string? saved))
        {
            throw new ModelFormatException($"{path}: the checkpoint has no '{key}' metadata.");
        }

        if (saved != actual)
        {
            throw new ModelFormatException($"{path}: the checkpoint was written with {what} '{saved}', but this model has '{actual}'.");
        }
    }

    private static long ParseCount(string path, IReadOnlyDictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out string? text))
        {
            throw new ModelFormatException($"{path}: the checkpoint has no '{key}' metadata.");
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new ModelFormatException($"{path}: '{key}' is '{text}', not a count.");
    }

    private static void CheckArchitecture(string path, Sequential saved, Sequential model)
    {
        if (!saved.InputShape.AsSpan().SequenceEqual(model.InputShape))
        {
            throw new ModelFormatException(
                $"{path}: the checkpoint's model takes input {Tensor.FormatShape(saved.InputShape)}, this model {Tensor.FormatShape(model.InputShape)}.");
        }

        if (saved.Layers.Count != model.Layers.Count)
        {
            throw new ModelFormatException($"{path}: the checkpoint's model has {saved.Layers.Count} layers, this model {model.Layers.Count}.");
        }

        for (int i = 0; i < saved.Layers.Count; i++)
        {
            string expected = Describe(saved.Layers[i]), actual = Describe(model.Layers[i]);
            if (expected != actual)
            {
                throw new ModelFormatException($"{path}: layer {i} of the checkpoint's model is {expected}, which does not match this model's {actual}.");
            }
        }
    }

    private static string Describe(Layer layer) =>
        $"{layer.TypeName}({string.Join(", ", layer.GetConfig().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))})";

    private static float? TakeLearningRate(string path, Dictionary<string, SafeTensorsFile.Entry> state, Optimizer optimizer)
    {
        bool present = state.Remove(LearningRateTensor, out var entry);
        if (optimizer.Schedule is not null)
        {
            // The configuration check has already matched the schedules, so a stored rate means a corrupt file.
            return present
                ? throw new ModelFormatException($"{path}: '{LearningRateTensor}' is stored although the optimizer follows a schedule.")
                : null;
        }

        if (!present)
        {
            throw new ModelFormatException($"{path}: the checkpoint has no '{LearningRateTensor}'.");
        }

        if (entry!.Data.Length != 1 || !float.IsFinite(entry.Data[0]) || entry.Data[0] <= 0)
        {
            throw new ModelFormatException($"{path}: '{LearningRateTensor}' must be one positive finite number.");
        }

        return entry.Data[0];
    }

    private static TrainingRunState? TakeRun(string path, IReadOnlyDictionary<string, string> metadata, Dictionary<string, SafeTensorsFile.Entry> state)
    {
        bool hasOrder = state.Remove(OrderTensor, out var order);
        if (!metadata.ContainsKey(CompletedEpochsKey))
        {
            return hasOrder
                ? throw new ModelFormatException($"{path}: '{OrderTensor}' is stored without '{CompletedEpochsKey}'.")
                : null;
        }

        long epochs = ParseCount(path, metadata, CompletedEpochsKey);
        if (epochs > int.MaxValue)
        {
            throw new ModelFormatException($"{path}: '{CompletedEpochsKey}' is {epochs}, too many epochs.");
        }

        if (!metadata.TryGetValue(RunRandomKey, out string? randomText))
        {
            throw new ModelFormatException($"{path}: the checkpoint has no '{RunRandomKey}'.");
        }

        ulong[] random = ParseRandom(path, RunRandomKey, randomText);
        if (!hasOrder || order!.Shape.Length != 1 || order.Data.Length == 0)
        {
            throw new ModelFormatException($"{path}: '{OrderTensor}' is missing or not a non-empty list of sample indices.");
        }

        int n = order.Data.Length;
        var seen = new bool[n];
        var indices = new int[n];
        for (int i = 0; i < n; i++)
        {
            float v = order.Data[i];
            if (!(float.IsInteger(v) && v >= 0 && v < n) || seen[(int)v])
            {
                throw new ModelFormatException($"{path}: '{OrderTensor}' is not a permutation of 0..{n - 1} (entry {i} is {v.ToString(CultureInfo.InvariantCulture)}).");
            }

            seen[(int)v] = true;
            indices[i] = (int)v;
        }

        var run = new TrainingRunState(0, n) { CompletedEpochs = (int)epochs };
        run.Random.SetState(random);
        indices.CopyTo(run.Order, 0);
        return run;
    }

    private static List<(Layer Layer, ulong[] State)> ReadLayerStreams(string path, IReadOnlyDictionary<string, string> metadata, Sequential model)
    {
        var streams = new List<(Layer, ulong[])>();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            string key = LayerRandomKey(i);
            bool stored = metadata.TryGetValue(key, out string? text);
            if (layer.RandomStream is null)
            {
                if (stored)
                {
                    throw new ModelFormatException($"{path}: '{key}' is stored but layer {i} ({layer.TypeName}) has no random stream.");
                }

                continue;
            }

            if (!stored)
            {
                throw new ModelFormatException($"{path}: layer {i} ({layer.TypeName}) has a random stream but the checkpoint has no '{key}'.");
            }

            streams.Add((layer, ParseRandom(path, key, text!)));
        }

        var extra = metadata.Keys.FirstOrDefault(k => k.StartsWith(FormatKey + ".layers.", StringComparison.Ordinal)
            && !Enumerable.Range(0, model.Layers.Count).Any(i => k == LayerRandomKey(i)));
        return extra is null ? streams : throw new ModelFormatException($"{path}: metadata '{extra}' names no layer of this model.");
    }
}
