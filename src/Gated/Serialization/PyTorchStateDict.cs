using System.Globalization;
using System.Text.RegularExpressions;
using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Serialization.Layouts;
using Gated.Tensors;

namespace Gated.Serialization;

/// <summary>
/// Reads and writes a PyTorch state_dict saved as safetensors for a model made of one nn.GRU, nn.LSTM or nn.RNN
/// (any num_layers, bidirectional or not, with or without bias, batch_first or not) and at most one nn.Linear
/// after it. PyTorch keeps weight_ih_l{k}[_reverse] (G·H, I) and weight_hh_l{k} (G·H, H) with gate row blocks
/// (GRU r, z, n; LSTM i, f, g, o) and two biases; Gated keeps kernel (I, G·H) and recurrent_kernel (H, G·H) with
/// gate column blocks (GRU z, r, n; LSTM i, f, g, o), as <see cref="WeightLayout"/>'s table says. GRUs load as reset-after Gru, LSTMs and RNNs with
/// separateRecurrentBias so that b_ih and b_hh map one to one; nn.Linear's weight (U, F) is Dense's kernel transposed.
/// </summary>
public static class PyTorchStateDict
{
    /// <summary>The module prefixes <see cref="Save"/> writes: rnn.weight_ih_l0 …, fc.weight, fc.bias.</summary>
    public const string RecurrentPrefix = "rnn.", LinearPrefix = "fc.";

    private static readonly Regex RecurrentLeaf = new(@"^(weight|bias)_(ih|hh)_l(\d{1,4})(_reverse)?$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Builds a Sequential from a state_dict file: one recurrent layer per PyTorch layer (Bidirectional Concat when
    /// bidirectional), returning sequences on all but the last (all of them with <see cref="PyTorchHead.All"/>), then
    /// a Dense for the nn.Linear if there is one. The model accepts inputs (B, T, I) of any T. The module names
    /// (rnn., fc., encoder.gru. …) are inferred; the nonlinearity of an nn.RNN is not in the file, so it is a parameter.
    /// </summary>
    public static Sequential Load(string safetensorsPath, PyTorchHead head = PyTorchHead.Last, SimpleRnnActivation rnnNonlinearity = SimpleRnnActivation.Tanh)
    {
        ArgumentException.ThrowIfNullOrEmpty(safetensorsPath);
        return Load(File.ReadAllBytes(safetensorsPath), safetensorsPath, head, rnnNonlinearity);
    }

    /// <summary>As <see cref="Load(string, PyTorchHead, SimpleRnnActivation)"/> from the file's bytes; sourceName names it in errors.</summary>
    public static Sequential Load(byte[] bytes, string sourceName, PyTorchHead head = PyTorchHead.Last, SimpleRnnActivation rnnNonlinearity = SimpleRnnActivation.Tanh)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        sourceName ??= "<state_dict>";
        if (!Enum.IsDefined(head))
        {
            throw new ArgumentOutOfRangeException(nameof(head), head, "Unknown head placement.");
        }

        if (!Enum.IsDefined(rnnNonlinearity))
        {
            throw new ArgumentOutOfRangeException(nameof(rnnNonlinearity), rnnNonlinearity, "Unknown nonlinearity.");
        }

        var tensors = SafeTensorsFile.ReadFloat(bytes, sourceName);
        var spec = Analyse(tensors, sourceName);
        var layers = new List<Layer>();
        for (int k = 0; k < spec.Layers; k++)
        {
            var options = new RecurrentOptions { ReturnSequences = k < spec.Layers - 1 || head == PyTorchHead.All, Init = WeightInit.PyTorch };
            RecurrentLayer cell = spec.Gates switch
            {
                3 => new Gru(spec.Units, options, GruVariant.ResetAfter),
                4 => new Lstm(spec.Units, options, separateRecurrentBias: true),
                _ => new SimpleRnn(spec.Units, options, rnnNonlinearity, separateRecurrentBias: true),
            };
            layers.Add(spec.Directions == 2 ? new Bidirectional(cell, BidirectionalMerge.Concat) : cell);
        }

        if (spec.LinearWeight is not null)
        {
            layers.Add(new Dense(spec.LinearWeight.Shape[0], WeightInit.PyTorch));
        }

        var model = new Sequential(layers);
        model.Build([1, spec.InputSize]);
        for (int k = 0; k < spec.Layers; k++)
        {
            for (int direction = 0; direction < spec.Directions; direction++)
            {
                var cell = Cell(model.Layers[k], direction);
                string suffix = Suffix(k, direction);
                float[] Leaf(string name) => spec.Recurrent[name + suffix].Data;
                float[] biasIh = spec.HasBias ? Leaf("bias_ih") : [], biasHh = spec.HasBias ? Leaf("bias_hh") : [];
                WeightLayout.For(Framework.PyTorch, cell).CopyToLayer(cell, Leaf("weight_ih"), Leaf("weight_hh"), biasIh, biasHh);
            }
        }

        if (spec.LinearWeight is { } linearWeight)
        {
            var dense = (Dense)model.Layers[^1];
            WeightLayout.Transpose(linearWeight.Data, linearWeight.Shape[0], dense.Kernel.Values);
            if (spec.LinearBias is { } linearBias)
            {
                linearBias.Data.CopyTo(dense.Bias.Values);
            }
            else
            {
                dense.Bias.Values.Clear();
            }
        }

        return model;
    }

    /// <summary>
    /// Writes a built model of the shape <see cref="Load(string, PyTorchHead, SimpleRnnActivation)"/> produces as a
    /// state_dict (rnn.weight_ih_l0 …, fc.weight, fc.bias), atomically. Keras-style single-bias LSTMs and RNNs write
    /// their bias as bias_ih and zeros as bias_hh. Throws NotSupportedException for a model nn.GRU/LSTM/RNN cannot express.
    /// </summary>
    public static void Save(Sequential model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensors = ToStateDict(model);
        AtomicFile.Write(path, stream => SafeTensorsFile.Write(stream, tensors, new Dictionary<string, string> { ["format"] = "pt" }));
    }

    /// <summary>The tensors <see cref="Save"/> writes, in PyTorch's state_dict order.</summary>
    public static List<KeyValuePair<string, SafeTensorsFile.Entry>> ToStateDict(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.IsBuilt)
        {
            throw new ArgumentException("Build the model before saving it as a state_dict.", nameof(model));
        }

        var result = new List<KeyValuePair<string, SafeTensorsFile.Entry>>();
        var stack = new List<Layer>();
        int index = 0;
        while (index < model.Layers.Count && model.Layers[index] is RecurrentLayer or Bidirectional)
        {
            stack.Add(model.Layers[index++]);
        }

        if (stack.Count == 0)
        {
            throw new NotSupportedException("A PyTorch state_dict model starts with an nn.GRU, nn.LSTM or nn.RNN; this model's first layer is "
                + (model.Layers.Count == 0 ? "missing" : model.Layers[0].TypeName) + ".");
        }

        Dense? head = null;
        if (index < model.Layers.Count)
        {
            head = model.Layers[index] switch
            {
                Dense d => d,
                TimeDistributed { Inner: Dense d } => d,
                var other => throw new NotSupportedException($"Layer {index} ({other.TypeName}) has no nn.GRU/LSTM/RNN + nn.Linear equivalent; only one Dense may follow the recurrent layers."),
            };
            index++;
        }

        if (index < model.Layers.Count)
        {
            throw new NotSupportedException($"Layer {index} ({model.Layers[index].TypeName}) follows the Dense head; a state_dict model has at most one nn.Linear, last.");
        }

        var first = Cells(stack[0], 0)[0];
        for (int k = 0; k < stack.Count; k++)
        {
            var cells = Cells(stack[k], k);
            foreach (var cell in cells)
            {
                CheckExpressible(cell, first, k);
            }

            if (k < stack.Count - 1 && !cells[0].ReturnSequences)
            {
                throw new NotSupportedException($"Recurrent layer {k} returns only its last step; in a stacked PyTorch module every layer but the last feeds its whole sequence on.");
            }

            if (cells.Length != Cells(stack[0], 0).Length)
            {
                throw new NotSupportedException($"Recurrent layer {k} differs from layer 0 in being bidirectional; PyTorch's module is bidirectional in every layer or none.");
            }

            for (int direction = 0; direction < cells.Length; direction++)
            {
                var cell = cells[direction];
                var layout = WeightLayout.For(Framework.PyTorch, cell);
                string suffix = Suffix(k, direction);
                int gh = layout.Gates * cell.Units, inputSize = cell.Kernel.Shape[0];
                float[] weightIh = new float[gh * inputSize], weightHh = new float[gh * cell.Units], biasIh = new float[gh], biasHh = new float[gh];
                layout.CopyFromLayer(cell, weightIh, weightHh, biasIh, biasHh);
                Add(RecurrentPrefix + "weight_ih" + suffix, [gh, inputSize], weightIh);
                Add(RecurrentPrefix + "weight_hh" + suffix, [gh, cell.Units], weightHh);
                Add(RecurrentPrefix + "bias_ih" + suffix, [gh], biasIh);
                Add(RecurrentPrefix + "bias_hh" + suffix, [gh], biasHh);
            }
        }

        if (head is not null)
        {
            var kernel = head.Kernel;
            var weight = new float[kernel.Length];
            WeightLayout.Transpose(kernel.Values, kernel.Shape[0], weight);
            Add(LinearPrefix + "weight", [head.Units, kernel.Shape[0]], weight);
            Add(LinearPrefix + "bias", [head.Units], head.Bias.Values.ToArray());
        }

        return result;

        void Add(string name, int[] shape, float[] data) => result.Add(new(name, new SafeTensorsFile.Entry(shape, data)));
    }

    private static void CheckExpressible(RecurrentLayer cell, RecurrentLayer first, int k)
    {
        if (cell is Gru { Variant: GruVariant.ResetBefore })
        {
            throw new NotSupportedException($"Recurrent layer {k} is a reset-before GRU; PyTorch's nn.GRU only computes reset-after (r ⊙ (U_n h + b_hn)), so its weights would give different outputs there.");
        }

        if (cell.GetType() != first.GetType())
        {
            throw new NotSupportedException($"Recurrent layer {k} is a {cell.TypeName} after a {first.TypeName}; one PyTorch module holds one kind of cell.");
        }

        if (cell.Units != first.Units)
        {
            throw new NotSupportedException($"Recurrent layer {k} has {cell.Units} units and layer 0 {first.Units}; PyTorch's module has one hidden_size for all layers.");
        }

        if (cell is SimpleRnn rnn && rnn.Activation != ((SimpleRnn)first).Activation)
        {
            throw new NotSupportedException($"Recurrent layer {k} uses another activation than layer 0; nn.RNN has one nonlinearity.");
        }

        if (cell.Options.Stateful)
        {
            throw new NotSupportedException($"Recurrent layer {k} is stateful, which a state_dict cannot record.");
        }
    }

    /// <summary>The cells of layer k: itself, or a Bidirectional's forward and backward layers.</summary>
    private static RecurrentLayer[] Cells(Layer layer, int k)
    {
        if (layer is Bidirectional bidirectional)
        {
            if (bidirectional.Merge != BidirectionalMerge.Concat)
            {
                throw new NotSupportedException($"Recurrent layer {k} merges its directions by {bidirectional.Merge}; PyTorch concatenates them.");
            }

            if (bidirectional.ForwardLayer.Options.GoBackwards)
            {
                throw new NotSupportedException($"Recurrent layer {k} is a Bidirectional whose forward layer goes backwards, which PyTorch cannot express.");
            }

            return [bidirectional.ForwardLayer, bidirectional.BackwardLayer];
        }

        var cell = (RecurrentLayer)layer;
        if (cell.Options.GoBackwards)
        {
            throw new NotSupportedException($"Recurrent layer {k} goes backwards; PyTorch's modules only run backwards inside a bidirectional one.");
        }

        return [cell];
    }

    private static RecurrentLayer Cell(Layer layer, int direction) => layer is Bidirectional b
        ? (direction == 0 ? b.ForwardLayer : b.BackwardLayer)
        : (RecurrentLayer)layer;

    private static string Suffix(int layer, int direction) =>
        "_l" + layer.ToString(CultureInfo.InvariantCulture) + (direction == 1 ? "_reverse" : "");

    /// <summary>Groups the tensors into one recurrent module and at most one linear one, and checks every shape.</summary>
    private static Spec Analyse(Dictionary<string, SafeTensorsFile.Entry> tensors, string sourceName)
    {
        var recurrent = new Dictionary<string, Dictionary<string, SafeTensorsFile.Entry>>(StringComparer.Ordinal);
        var linear = new Dictionary<string, Dictionary<string, SafeTensorsFile.Entry>>(StringComparer.Ordinal);
        foreach (var (name, entry) in tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            int dot = name.LastIndexOf('.');
            string prefix = name[..(dot + 1)], leaf = name[(dot + 1)..];
            var group = RecurrentLeaf.IsMatch(leaf) ? recurrent
                : leaf is "weight" or "bias" ? linear
                : throw new ModelFormatException($"{sourceName}: tensor '{name}' is not a weight or bias of an nn.GRU, nn.LSTM, nn.RNN or nn.Linear.");
            if (!group.TryGetValue(prefix, out var members))
            {
                group[prefix] = members = new Dictionary<string, SafeTensorsFile.Entry>(StringComparer.Ordinal);
            }

            members[leaf] = entry;
        }

        if (recurrent.Count == 0)
        {
            throw new ModelFormatException($"{sourceName}: no nn.GRU, nn.LSTM or nn.RNN tensors (such as 'rnn.weight_ih_l0') in the file.");
        }

        if (recurrent.Count > 1)
        {
            var names = recurrent.Keys.Take(2).Select(p => p + "weight_ih_l0").ToArray();
            throw new ModelFormatException($"{sourceName}: tensors '{names[0]}' and '{names[1]}' belong to two recurrent modules; only one is supported.");
        }

        if (linear.Count > 1)
        {
            var prefixes = linear.Keys.Take(2).ToArray();
            throw new ModelFormatException($"{sourceName}: tensor '{prefixes[1]}{linear[prefixes[1]].Keys.First()}' belongs to a second nn.Linear (after '{prefixes[0]}'); at most one is supported.");
        }

        var (rnnPrefix, members0) = recurrent.First();
        string Full(string leaf) => rnnPrefix + leaf;
        int layers = 0;
        bool bidirectional = false, hasBias = false;
        foreach (var leaf in members0.Keys)
        {
            var match = RecurrentLeaf.Match(leaf);
            layers = Math.Max(layers, int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) + 1);
            bidirectional |= match.Groups[4].Success;
            hasBias |= match.Groups[1].Value == "bias";
        }

        SafeTensorsFile.Entry Require(string leaf) => members0.TryGetValue(leaf, out var e) ? e
            : throw new ModelFormatException($"{sourceName}: tensor '{Full(leaf)}' is missing (the other tensors describe {layers} layer(s){(bidirectional ? ", bidirectional" : "")}{(hasBias ? ", with biases" : "")}).");

        var weightHh = Require("weight_hh_l0");
        var weightIh = Require("weight_ih_l0");
        if (weightHh.Shape.Length != 2 || weightHh.Shape[1] < 1 || weightHh.Shape[0] % weightHh.Shape[1] != 0
            || (weightHh.Shape[0] / weightHh.Shape[1]) is not (1 or 3 or 4))
        {
            throw new ModelFormatException(
                $"{sourceName}: tensor '{Full("weight_hh_l0")}' has shape {Tensor.FormatShape(weightHh.Shape)}, which is not (G·H, H) with G = 3 (GRU), 4 (LSTM) or 1 (RNN).");
        }

        int units = weightHh.Shape[1], gates = weightHh.Shape[0] / units, directions = bidirectional ? 2 : 1;
        if (weightIh.Shape.Length != 2 || weightIh.Shape[1] < 1 || weightIh.Shape[0] != gates * units)
        {
            throw new ModelFormatException(
                $"{sourceName}: tensor '{Full("weight_ih_l0")}' has shape {Tensor.FormatShape(weightIh.Shape)}, expected ({gates * units}, input_size).");
        }

        int inputSize = weightIh.Shape[1];
        for (int k = 0; k < layers; k++)
        {
            for (int direction = 0; direction < directions; direction++)
            {
                string suffix = Suffix(k, direction);
                CheckShape("weight_ih" + suffix, [gates * units, k == 0 ? inputSize : units * directions]);
                CheckShape("weight_hh" + suffix, [gates * units, units]);
                if (hasBias)
                {
                    CheckShape("bias_ih" + suffix, [gates * units]);
                    CheckShape("bias_hh" + suffix, [gates * units]);
                }
            }
        }

        SafeTensorsFile.Entry? linearWeight = null, linearBias = null;
        if (linear.Count == 1)
        {
            var (linearPrefix, members) = linear.First();
            linearWeight = members.GetValueOrDefault("weight")
                ?? throw new ModelFormatException($"{sourceName}: tensor '{linearPrefix}bias' has no '{linearPrefix}weight' beside it.");
            if (linearWeight.Shape.Length != 2 || linearWeight.Shape[0] < 1 || linearWeight.Shape[1] != units * directions)
            {
                throw new ModelFormatException(
                    $"{sourceName}: tensor '{linearPrefix}weight' has shape {Tensor.FormatShape(linearWeight.Shape)}, expected (out_features, {units * directions}) after the recurrent module.");
            }

            linearBias = members.GetValueOrDefault("bias");
            if (linearBias is not null && (linearBias.Shape.Length != 1 || linearBias.Shape[0] != linearWeight.Shape[0]))
            {
                throw new ModelFormatException(
                    $"{sourceName}: tensor '{linearPrefix}bias' has shape {Tensor.FormatShape(linearBias.Shape)}, expected ({linearWeight.Shape[0]}).");
            }
        }

        return new Spec(members0, gates, units, inputSize, layers, directions, hasBias, linearWeight, linearBias);

        void CheckShape(string leaf, int[] expected)
        {
            var entry = Require(leaf);
            if (!entry.Shape.AsSpan().SequenceEqual(expected))
            {
                throw new ModelFormatException(
                    $"{sourceName}: tensor '{Full(leaf)}' has shape {Tensor.FormatShape(entry.Shape)}, expected {Tensor.FormatShape(expected)}.");
            }
        }
    }

    private sealed record Spec(
        Dictionary<string, SafeTensorsFile.Entry> Recurrent,
        int Gates,
        int Units,
        int InputSize,
        int Layers,
        int Directions,
        bool HasBias,
        SafeTensorsFile.Entry? LinearWeight,
        SafeTensorsFile.Entry? LinearBias);
}
