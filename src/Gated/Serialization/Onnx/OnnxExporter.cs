using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Serialization.Layouts;

namespace Gated.Serialization.Onnx;

/// <summary>
/// Writes a built <see cref="Sequential"/> or a functional <see cref="Model"/> as an ONNX model (opset 14) that any
/// ONNX runtime can run: a Sequential's input "input" (batch, time, features) and output "output", both with dynamic
/// batch and time axes; a Model's inputs and outputs under its own names.
/// Recurrent layers become GRU, LSTM and RNN nodes in layout 0 (time-major) between Transpose nodes, since
/// ONNX Runtime rejects layout 1; Dense becomes MatMul + Add, Activation its operator, Embedding Cast + Gather,
/// TimeMean and GlobalAveragePooling1D ReduceMean, LastStep Slice, RepeatVector Unsqueeze + Expand, Flatten and Reshape
/// Reshape, LayerNormalization ReduceMean, Sub, Mul, Add, Sqrt and Div (ONNX's own operator needs opset 17),
/// MonotoneQuantiles Softplus + CumSum over each group.
/// Gate blocks are reordered to ONNX's (GRU z,r,h as Gated; LSTM i,o,f,c from Gated's i,f,g,o) and
/// B = [bias, recurrent_bias or zeros], as <see cref="WeightLayout"/>'s table says.
/// <para>
/// A model that starts with Embedding(maskZero: true) exports its mask as sequence lengths: the graph counts
/// each row's non-zero tokens (Not(Equal(input, 0)) → Cast int32 → ReduceSum over time) and feeds that count
/// as sequence_lens to every recurrent node the mask reaches (as in Gated, every layer up to the first that
/// drops the time axis). ONNX's cells read sequence_lens as "the first n steps are real", so the file computes
/// what Gated does only for post-padded input: every row's real tokens first, then only zeros. For a row with
/// a zero between real tokens (pre-padding, or padding inside) Gated skips that step and carries the state,
/// while the ONNX file treats the row as shorter; ONNX has no way to check this at run time, so nothing is
/// rejected there. Rows with no real token at all may be refused by some runtimes.
/// </para>
/// </summary>
public static partial class OnnxExporter
{
    /// <summary>The opset of the default domain the files declare.</summary>
    public const int OpsetVersion = 14;

    /// <summary>Writes the model to <paramref name="path"/> (atomically). NotSupportedException names a layer or option ONNX export does not cover.</summary>
    public static void Save(Sequential model, string path) => Save(model, path, null);

    /// <summary>
    /// Writes the model to <paramref name="path"/> (atomically) with <paramref name="metadata"/> as the file's
    /// metadata_props (a forecaster's recipe: <see cref="ForecasterMetadata.Of"/>); read them back with <see cref="OnnxMetadata"/>.
    /// </summary>
    public static void Save(Sequential model, string path, IReadOnlyDictionary<string, string>? metadata) => WriteFile(path, () => ToBytes(model, metadata));

    /// <summary>The ONNX file's bytes.</summary>
    public static byte[] ToBytes(Sequential model) => ToBytes(model, null);

    /// <summary>The ONNX file's bytes, with <paramref name="metadata"/> as metadata_props (in ordinal key order, so the bytes are reproducible).</summary>
    public static byte[] ToBytes(Sequential model, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.IsBuilt)
        {
            throw new ArgumentException("Build the model before exporting it.", nameof(model));
        }

        var g = new Builder();
        int[] inputShape = model.InputShape;
        var inputDims = new List<(long?, string?)> { (null, "batch") };
        if (model.Layers[0] is Embedding)
        {
            inputDims.Add((null, "time"));
        }
        else
        {
            if (inputShape.Length != 2)
            {
                throw new NotSupportedException($"ONNX export takes models whose input is (time, features); this one's is {Tensors.Tensor.FormatShape(inputShape)}.");
            }

            inputDims.Add((null, "time"));
            inputDims.Add((inputShape[1], null));
        }

        g.Graph.Inputs.Add(new OnnxValueInfo { Name = "input", ElementType = OnnxTensor.Float, Dims = inputDims });
        string x = "input";
        if (model.Layers[0] is Embedding { MaskZero: true })
        {
            g.SequenceLengths = SequenceLengths(g, x);
        }

        for (int i = 0; i < model.Layers.Count; i++)
        {
            x = Call(g, model.Layers[i], [x], $"layer{i}", $"layer {i}", tokens: i == 0)[0];
            if (model.Layers[i].OutputShape.Length < 2)
            {
                // As Layer.ComputeMask: the mask ends where the time axis does.
                g.SequenceLengths = null;
            }
        }

        var outputDims = new List<(long?, string?)> { (null, "batch") };
        int[] outputShape = model.OutputShape;
        if (outputShape.Length == 2)
        {
            outputDims.Add((null, "time"));
        }

        outputDims.Add((outputShape[^1], null));
        g.Add("Identity", [x], ["output"]);
        g.Graph.Outputs.Add(new OnnxValueInfo { Name = "output", ElementType = OnnxTensor.Float, Dims = outputDims });
        return FileBytes(g, metadata);
    }

    private static void WriteFile(string path, Func<byte[]> bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] file = bytes();
        AtomicFile.Write(path, stream => stream.Write(file));
    }

    // The model around the graph, metadata_props in ordinal key order so the bytes are reproducible.
    private static byte[] FileBytes(Builder g, IReadOnlyDictionary<string, string>? metadata)
    {
        var onnx = new OnnxModel { IrVersion = 7, ProducerName = "Gated", ProducerVersion = "1", Graph = g.Graph };
        onnx.OpsetImports.Add(("", OpsetVersion));
        foreach (var (key, value) in (metadata ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            onnx.MetadataProps.Add(new(key, value));
        }

        return onnx.ToBytes();
    }

    // Embedding(maskZero)'s mask as ONNX sequence_lens: the number of non-zero tokens in each row, int32 (batch).
    private static string SequenceLengths(Builder g, string tokens)
    {
        string zero = g.Initializer("mask.zero", [0f]);
        string real = g.Add("Not", [g.Add("Equal", [tokens, zero])]);
        string counts = g.Add("Cast", [real], attributes: [OnnxAttribute.Int("to", OnnxTensor.Int32)]);
        return g.Add("ReduceSum", [counts, g.Ints([1])], ["sequence_lens"], [OnnxAttribute.Int("keepdims", 0)]);
    }

    /// <summary>
    /// One call of a layer: its ONNX values from its inputs', in call order. The Sequential and the graph exporter
    /// both write every layer here. Initializers are named "name.parameter", so a shared layer's calls reuse one set;
    /// label names the layer in refusals ("layer 2", "layer 'dense_1'"); tokens says whether the input is a model input
    /// of token ids (an Embedding may only read one).
    /// </summary>
    private static string[] Call(Builder g, Layer layer, string[] inputs, string name, string label, bool tokens)
    {
        string x = inputs[0];
        switch (layer)
        {
            case RecurrentLayer recurrent:
                Check(g, recurrent, label);
                return Recurrent(g, [recurrent], recurrent.Options.GoBackwards ? "reverse" : "forward", x, inputs[1..], name);
            case MultiInputLayer:
                return [Merge(g, layer, inputs, name, label)];
            case Bidirectional bi:
                Check(g, bi.ForwardLayer, label);
                if (bi.Merge != BidirectionalMerge.Concat)
                {
                    throw new NotSupportedException($"ONNX export does not cover Bidirectional ({label}) with merge {bi.Merge}; only Concat.");
                }

                if (bi.ForwardLayer.Options.GoBackwards)
                {
                    throw new NotSupportedException($"ONNX export does not cover Bidirectional ({label}) around a layer with goBackwards.");
                }

                return Recurrent(g, [bi.ForwardLayer, bi.BackwardLayer], "bidirectional", x, [], name);
            default:
                return [Single(g, layer, x, name, label, tokens)];
        }
    }

    // Layers of one input and one output.
    private static string Single(Builder g, Layer layer, string x, string name, string label, bool tokens)
    {
        switch (layer)
        {
            case Dropout:
                return x;
            case TimeDistributed td when td.Inner is Dense or Activation or Dropout or MonotoneQuantiles:
                return Single(g, td.Inner, x, name, label, tokens);
            case Dense dense:
                {
                    var kernel = dense.Kernel;
                    var bias = dense.Bias;
                    string w = g.Initializer($"{name}.kernel", kernel.Values.ToArray(), kernel.Shape[0], kernel.Shape[1]);
                    string b = g.Initializer($"{name}.bias", bias.Values.ToArray(), bias.Shape[0]);
                    return g.Add("Add", [g.Add("MatMul", [x, w]), b]);
                }

            case Activation activation:
                return activation.Kind switch
                {
                    ActivationKind.Linear => x,
                    ActivationKind.Sigmoid => g.Add("Sigmoid", [x]),
                    ActivationKind.Tanh => g.Add("Tanh", [x]),
                    ActivationKind.Relu => g.Add("Relu", [x]),
                    _ => g.Add("Softmax", [x], attributes: [OnnxAttribute.Int("axis", -1)]),
                };
            case Embedding embedding when tokens:
                {
                    var table = embedding.Embeddings;
                    string e = g.Initializer($"{name}.embeddings", table.Values.ToArray(), table.Shape[0], table.Shape[1]);
                    string indices = g.Add("Cast", [x], attributes: [OnnxAttribute.Int("to", OnnxTensor.Int64)]);
                    return g.Add("Gather", [e, indices], attributes: [OnnxAttribute.Int("axis", 0)]);
                }

            case LayerNormalization norm:
                return LayerNorm(g, norm, x, name);
            case MonotoneQuantiles quantiles:
                return Monotone(g, x, quantiles.Quantiles);
            case TimeMean:
                // GlobalAveragePooling1D too; under a mask Gated averages the real steps only, which this mean does not.
                Unmasked(g, layer, label);
                return g.Add("ReduceMean", [x], attributes: [OnnxAttribute.IntList("axes", 1), OnnxAttribute.Int("keepdims", 0)]);
            case LastStep:
                Unmasked(g, layer, label);
                return g.Add("Squeeze", [g.Add("Slice", [x, g.Ints([-1]), g.Ints([long.MaxValue]), g.Ints([1])]), g.Ints([1])]);
            case RepeatVector repeat:
                // x (B,F) → (B,1,F) → broadcast to (B,n,F)
                return g.Add("Expand", [g.Add("Unsqueeze", [x, g.Ints([1])]), g.Ints([1, repeat.N, 1])]);
            case Flatten:
                Unmasked(g, layer, label);
                return g.Add("Reshape", [x, g.Ints([0, -1])]);
            case Reshape reshape:
                Unmasked(g, layer, label);
                return g.Add("Reshape", [x, g.Ints([0, .. reshape.TargetShape.Select(d => (long)d)])]);
            case Masking:
                throw new NotSupportedException(
                    $"ONNX export does not cover Masking ({label}): a mask reaches ONNX only as the sequence lengths of a Sequential model that starts with Embedding(maskZero).");
            case Embedding:
                throw new NotSupportedException($"ONNX export does not cover Embedding ({label}) here: it must read a model input of token ids.");
            case TimeDistributed td:
                throw new NotSupportedException(
                    $"ONNX export does not cover TimeDistributed ({label}) around {td.Inner.TypeName}; only around Dense, Activation, Dropout or MonotoneQuantiles.");
            default:
                throw new NotSupportedException($"ONNX export does not cover {layer.TypeName} ({label}): no ONNX form is written for that layer type.");
        }
    }

    // y = gamma · (x − mean) / sqrt(var + ε) + beta over the last axis, written out in opset-14 operators
    // (ONNX's LayerNormalization operator needs opset 17); the variance is the biased one, as Gated's.
    private static string LayerNorm(Builder g, LayerNormalization norm, string x, string name)
    {
        OnnxAttribute[] lastAxis = [OnnxAttribute.IntList("axes", -1), OnnxAttribute.Int("keepdims", 1)];
        string centered = g.Add("Sub", [x, g.Add("ReduceMean", [x], attributes: lastAxis)]);
        string variance = g.Add("ReduceMean", [g.Add("Mul", [centered, centered])], attributes: lastAxis);
        string epsilon = g.Initializer($"{name}.epsilon", [(float)norm.Epsilon]);
        string y = g.Add("Div", [centered, g.Add("Sqrt", [g.Add("Add", [variance, epsilon])])]);
        if (ParameterOf(g, norm, name, "gamma") is string gamma)
        {
            y = g.Add("Mul", [y, gamma]);
        }

        return ParameterOf(g, norm, name, "beta") is string beta ? g.Add("Add", [y, beta]) : y;
    }

    // z (…, K·Q) → groups (N, Q) → out₀ = z₀, out_k = out_{k−1} + softplus(z_k), a CumSum over Q → z's shape.
    private static string Monotone(Builder g, string x, int q)
    {
        if (q == 1)
        {
            return x;
        }

        string groups = g.Add("Reshape", [x, g.Ints([-1, q])]);
        string first = g.Add("Slice", [groups, g.Ints([0]), g.Ints([1]), g.Ints([1])]);
        string rises = g.Add("Softplus", [g.Add("Slice", [groups, g.Ints([1]), g.Ints([long.MaxValue]), g.Ints([1])])]);
        string sums = g.Add("CumSum", [g.Add("Concat", [first, rises], attributes: [OnnxAttribute.Int("axis", 1)]), g.Int(1)]);
        return g.Add("Reshape", [sums, g.Add("Shape", [x])]);
    }

    // The initializer "name.parameter" of a layer's parameter in its own shape; null when the layer has none so named.
    private static string? ParameterOf(Builder g, Layer layer, string name, string parameter) =>
        layer.Parameters.FirstOrDefault(p => p.Name == parameter) is { } p
            ? g.Initializer($"{name}.{parameter}", p.Values.ToArray(), [.. p.Shape.Select(d => (long)d)])
            : null;

    private static void Unmasked(Builder g, Layer layer, string label)
    {
        if (g.SequenceLengths is not null)
        {
            throw new NotSupportedException($"ONNX export does not cover {layer.TypeName} ({label}) under a mask.");
        }
    }

    private static void Check(Builder g, RecurrentLayer layer, string label)
    {
        if (layer.Options.Stateful)
        {
            throw new NotSupportedException($"ONNX export does not cover {layer.TypeName} ({label}) with stateful: states carried between batches have no ONNX form.");
        }

        if (g.SequenceLengths is not null && layer.ReturnSequences && !layer.Options.ZeroOutputForMask)
        {
            throw new NotSupportedException(
                $"ONNX export does not cover {layer.TypeName} ({label}) with zero_output_for_mask false under a mask: ONNX's sequence_lens outputs zeros at padded steps (ZeroOutputForMask = true does).");
        }
    }

    // x (B,T,I) → Transpose → (T,B,I) → cell → Y (T,D,B,H) → (B,T,D·H), or Y_h (D,B,H) → (B,D·H); initial states
    // (B,H) → (1,B,H). With return_state, the final states follow the output: Y_h (and Y_c) (1,B,H) → (B,H).
    private static string[] Recurrent(Builder g, RecurrentLayer[] directions, string direction, string x, string[] initialStates, string name)
    {
        var first = directions[0];
        int d = directions.Length, h = first.Units, inputSize = first.InputShape[1];
        var layout = WeightLayout.For(Framework.Onnx, first);
        string op = first switch { Gru => "GRU", Lstm => "LSTM", _ => "RNN" };
        int gh = layout.Gates * h;
        var w = new float[d * gh * inputSize];
        var r = new float[d * gh * h];
        var b = new float[d * 2 * gh];
        for (int k = 0; k < d; k++)
        {
            layout.CopyFromLayer(directions[k], w.AsSpan(k * gh * inputSize, gh * inputSize), r.AsSpan(k * gh * h, gh * h), b.AsSpan(k * 2 * gh, gh), b.AsSpan((k * 2 * gh) + gh, gh));
        }

        var attributes = new List<OnnxAttribute> { OnnxAttribute.Int("hidden_size", h), OnnxAttribute.Str("direction", direction) };
        if (first is Gru gru)
        {
            attributes.Add(OnnxAttribute.Int("linear_before_reset", gru.Variant == GruVariant.ResetAfter ? 1 : 0));
        }
        else if (first is SimpleRnn rnn)
        {
            attributes.Add(OnnxAttribute.StringList("activations", [.. Enumerable.Repeat(rnn.Activation == SimpleRnnActivation.Relu ? "Relu" : "Tanh", d)]));
        }

        string timeMajor = g.Add("Transpose", [x], attributes: [OnnxAttribute.IntList("perm", 1, 0, 2)]);
        var inputs = new List<string> { timeMajor, g.Initializer($"{name}.W", w, d, gh, inputSize), g.Initializer($"{name}.R", r, d, gh, h), g.Initializer($"{name}.B", b, d, 2 * gh) };
        if (g.SequenceLengths is not null || initialStates.Length > 0)
        {
            inputs.Add(g.SequenceLengths ?? string.Empty); // an empty name skips an optional input
            inputs.AddRange(initialStates.Select(s => g.Add("Unsqueeze", [s, g.Ints([0])])));
        }

        string[] outputs = [.. Enumerable.Range(0, first.Options.ReturnState ? 1 + first.StateCount : 2).Select(_ => g.Fresh())];
        g.Add(op, [.. inputs], outputs, attributes);
        string y = outputs[0], yh = outputs[1];
        string[] states = first.Options.ReturnState ? [.. outputs[1..].Select(s => g.Add("Squeeze", [s, g.Ints([0])]))] : [];
        if (!first.ReturnSequences)
        {
            string last = d == 1
                ? g.Add("Squeeze", [yh, g.Ints([0])])
                : g.Add("Reshape", [g.Add("Transpose", [yh], attributes: [OnnxAttribute.IntList("perm", 1, 0, 2)]), g.Ints([0, -1])]);
            return [last, .. states];
        }

        if (d == 2)
        {
            string batchMajor = g.Add("Transpose", [y], attributes: [OnnxAttribute.IntList("perm", 2, 0, 1, 3)]);
            return [g.Add("Reshape", [batchMajor, g.Ints([0, 0, -1])])];
        }

        string steps = g.Add("Squeeze", [y, g.Ints([1])]);
        if (direction == "reverse")
        {
            // Gated's goBackwards returns steps in processing order; ONNX's Y is in input order: flip time.
            steps = g.Add("Slice", [steps, g.Ints([-1]), g.Ints([long.MinValue]), g.Ints([0]), g.Ints([-1])]);
        }

        return [g.Add("Transpose", [steps], attributes: [OnnxAttribute.IntList("perm", 1, 0, 2)]), .. states];
    }

    private sealed class Builder
    {
        private readonly HashSet<string> _initializers = new(StringComparer.Ordinal);
        private int _counter;

        public OnnxGraph Graph { get; } = new() { Name = "gated" };

        /// <summary>The int32 (batch) sequence_lens value while Embedding(maskZero)'s mask reaches the current layer.</summary>
        public string? SequenceLengths { get; set; }

        public string Fresh() => $"t{_counter++}";

        public string Add(string op, string[] inputs, string[]? outputs = null, IEnumerable<OnnxAttribute>? attributes = null)
        {
            var node = new OnnxNode { OpType = op, Name = $"{op}_{Graph.Nodes.Count}" };
            node.Inputs.AddRange(inputs);
            node.Outputs.AddRange(outputs ?? [Fresh()]);
            node.Attributes.AddRange(attributes ?? []);
            Graph.Nodes.Add(node);
            return node.Outputs[0];
        }

        /// <summary>A float initializer; a name given before (a shared layer's next call) returns the first one.</summary>
        public string Initializer(string name, float[] values, params long[] dims)
        {
            if (_initializers.Add(name))
            {
                Graph.Initializers.Add(OnnxTensor.FromFloats(name, values, dims));
            }

            return name;
        }

        /// <summary>An int64 scalar constant.</summary>
        public string Int(long value)
        {
            string name = $"c{_counter++}";
            Graph.Initializers.Add(OnnxTensor.FromInt64s(name, [value]));
            return name;
        }

        public string Ints(long[] values)
        {
            string name = $"c{_counter++}";
            Graph.Initializers.Add(OnnxTensor.FromInt64s(name, values, values.Length));
            return name;
        }
    }
}
