using Gated.Layers;
using Gated.Models;

namespace Gated.Serialization.Onnx;

// Functional models: one ONNX graph input per model input, one output per model output, the calls in order.
public static partial class OnnxExporter
{
    /// <summary>Writes a functional model to <paramref name="path"/> (atomically); see <see cref="ToBytes(Model, IReadOnlyDictionary{string, string}?)"/>.</summary>
    public static void Save(Model model, string path) => Save(model, path, null);

    /// <summary>Writes a functional model to <paramref name="path"/> (atomically) with <paramref name="metadata"/> as the file's metadata_props.</summary>
    public static void Save(Model model, string path, IReadOnlyDictionary<string, string>? metadata) => WriteFile(path, () => ToBytes(model, metadata));

    /// <summary>The ONNX file's bytes of a functional model; see <see cref="ToBytes(Model, IReadOnlyDictionary{string, string}?)"/>.</summary>
    public static byte[] ToBytes(Model model) => ToBytes(model, null);

    /// <summary>
    /// The ONNX file's bytes of a functional model (opset 14), with <paramref name="metadata"/> as metadata_props. Graph
    /// inputs are named after <see cref="Model.InputNames"/> and outputs after <see cref="Model.OutputNames"/>, all
    /// float32 with a dynamic batch axis ("batch"); a (time, features) input, or a (time) input of token ids read by an
    /// Embedding, also has a dynamic time axis ("name_time"); other axes are fixed. Each call is written as in
    /// <see cref="ToBytes(Sequential, IReadOnlyDictionary{string, string}?)"/>, and a layer called several times keeps
    /// one set of weights. A recurrent call's initial states (batch, units) become initial_h (and initial_c) and its
    /// return_state outputs Y_h (and Y_c).
    /// </summary>
    /// <exception cref="NotSupportedException">A layer or call has no ONNX form here (a mask, stateful, a layer type not covered); the message names the layer.</exception>
    public static byte[] ToBytes(Model model, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        var g = new Builder();
        var values = new Dictionary<SymbolicTensor, string>(ReferenceEqualityComparer.Instance);
        var tokenInputs = new HashSet<SymbolicTensor>(model.Calls.Where(c => c.Layer is Embedding).Select(c => c.Inputs[0]), ReferenceEqualityComparer.Instance);
        for (int i = 0; i < model.Inputs.Count; i++)
        {
            var input = model.Inputs[i];
            string name = model.InputNames[i];
            g.Graph.Inputs.Add(new OnnxValueInfo { Name = name, ElementType = OnnxTensor.Float, Dims = InputDims(input.Shape, name, tokenInputs.Contains(input)) });
            values[input] = name;
        }

        foreach (var call in model.Calls)
        {
            string name = model.NameOf(call.Layer);
            string label = $"layer '{name}'";
            if (call.Layer is Embedding { MaskZero: true })
            {
                throw new NotSupportedException(
                    $"ONNX export of a functional model does not cover Embedding ({label}) with mask_zero: masks become sequence_lens in Sequential models only.");
            }

            string[] inputs = [.. call.Inputs.Select(t => values[t])];
            string[] outputs = Call(g, call.Layer, inputs, name, label, tokens: call.Inputs[0].Producer is null);
            for (int k = 0; k < outputs.Length; k++)
            {
                values[call.Outputs[k]] = outputs[k];
            }
        }

        for (int k = 0; k < model.Outputs.Count; k++)
        {
            string name = model.OutputNames[k];
            g.Add("Identity", [values[model.Outputs[k]]], [name]);
            g.Graph.Outputs.Add(new OnnxValueInfo { Name = name, ElementType = OnnxTensor.Float, Dims = OutputDims(model.Outputs[k].Shape) });
        }

        CheckDistinctNames(g.Graph);
        return FileBytes(g, metadata);
    }

    private static List<(long?, string?)> InputDims(int[] shape, string name, bool tokens)
    {
        var dims = new List<(long?, string?)> { (null, "batch") };
        for (int a = 0; a < shape.Length; a++)
        {
            bool time = a == 0 && (tokens || shape.Length == 2);
            dims.Add(time ? (null, $"{name}_time") : (shape[a], null));
        }

        return dims;
    }

    // Batch, then axes left unnamed (a time axis follows its input's), then the fixed last axis.
    private static List<(long?, string?)> OutputDims(int[] shape)
    {
        var dims = new List<(long?, string?)> { (null, "batch") };
        dims.AddRange(shape[..^1].Select(_ => ((long?)null, (string?)null)));
        dims.Add((shape[^1], null));
        return dims;
    }

    // Model input names, layer names (initializers "name.kernel", outputs) and the exporter's own value names ("t3")
    // share one namespace in ONNX.
    private static void CheckDistinctNames(OnnxGraph graph)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var names = graph.Inputs.Select(i => i.Name).Concat(graph.Initializers.Select(t => t.Name)).Concat(graph.Nodes.SelectMany(n => n.Outputs));
        foreach (string name in names)
        {
            if (!defined.Add(name))
            {
                throw new NotSupportedException($"ONNX export needs each value name once, and '{name}' names two: rename the model input or layer of that name.");
            }
        }
    }
}
