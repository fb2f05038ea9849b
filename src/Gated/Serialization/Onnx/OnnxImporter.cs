using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Serialization.Layouts;

namespace Gated.Serialization.Onnx;

/// <summary>
/// Reads an ONNX model into a <see cref="Sequential"/>: the graphs torch.onnx.export writes for nn.GRU, nn.LSTM
/// and nn.RNN (batch_first, stacked, bidirectional) with an optional nn.Linear head and activation, and the
/// files <see cref="OnnxExporter"/> writes. The graph is walked once, tracking what each value is (the input
/// sequence, a cell's Y or Y_h, a batch of vectors, a shape computation); anything that does not map onto a
/// chain of Gated layers fails with one line naming the node, the operator and the attribute or input at fault.
/// </summary>
public static partial class OnnxImporter
{
    /// <summary>
    /// Reads the file as a chain of layers, which reads (batch, time, features) whatever the graph's own input layout;
    /// ModelFormatException for malformed files, for graphs Gated cannot represent exactly, and for single-node graphs
    /// (read those with <see cref="LoadGraph"/>).
    /// </summary>
    public static Sequential Load(string path) => AsSequential(LoadGraph(path));

    /// <summary>Reads a model from bytes as a chain of layers (see <see cref="Load"/>); <paramref name="source"/> names it in error messages.</summary>
    public static Sequential FromBytes(byte[] data, string source = "ONNX model") => AsSequential(GraphFromBytes(data, source));

    /// <summary>
    /// Reads the file with every graph input and output by name: any graph <see cref="Load"/> reads, and a standard
    /// single-node GRU, LSTM or RNN graph (either layout, outputs Y, Y_h, Y_c, initial states and sequence_lens), on
    /// Gated's layers or, for what they lack (clip, other activations, peepholes, input_forget), on a reference
    /// implementation of ONNX's equations (<see cref="ImportedModel.UsesReferencePath"/>).
    /// </summary>
    public static ImportedModel LoadGraph(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new ModelFormatException($"{path}: cannot read: {e.Message}", e);
        }

        return GraphFromBytes(data, path);
    }

    /// <summary>Reads a model from bytes (see <see cref="LoadGraph"/>); <paramref name="source"/> names it in error messages.</summary>
    public static ImportedModel GraphFromBytes(byte[] data, string source = "ONNX model")
    {
        ArgumentNullException.ThrowIfNull(data);
        var model = OnnxModel.Parse(data, source);
        try
        {
            return new GraphWalk(model).Run(source);
        }
        catch (ModelFormatException e)
        {
            throw new ModelFormatException($"{source}: {e.Message}", e);
        }
    }

    private static Sequential AsSequential(ImportedModel graph) => graph.Sequential ?? throw new ModelFormatException(graph.ReferenceReason is string reason
        ? $"{graph.Source}: {reason}"
        : $"{graph.Source}: the graph is one {graph.NodeType} node with outputs {string.Join(", ", graph.OutputNames)}, not a chain of layers; read it with OnnxImporter.LoadGraph");

    private enum Kind
    {
        Constant,
        ShapeValue,
        ZeroState,
        Sequence, // (B,T,F) or, TimeMajor, (T,B,F)
        LastStepKept, // a sequence sliced to its last step, time axis kept at TimeAxis
        Vectors, // (B,F)
        CellY, // (T,D,B,H)
        CellYPerStep, // (T,B,D,H) or, batch major, (B,T,D,H)
        CellStates, // (D,B,H), possibly several cells' concatenated
        CellStatesBatchMajor, // (B,D,H)
        DirectionState, // (B,H): one direction's final state of a bidirectional cell, Entries[0]
    }

    private sealed record Value(Kind Kind)
    {
        public OnnxTensor? Constant { get; init; }

        public bool TimeMajor { get; init; }

        public int Features { get; init; }

        public int TimeAxis { get; init; }

        /// <summary>Index of the stage that produced it; −1 for the graph input.</summary>
        public int Owner { get; init; } = -1;

        /// <summary>For a cell's output: true when it holds every step, false for the final state only.</summary>
        public bool Steps { get; init; }

        /// <summary>CellStates: the (stage, direction) of each entry on axis 0.</summary>
        public (int Stage, int Direction)[] Entries { get; init; } = [];

        /// <summary>A reverse cell's steps flipped into processing order (as Gated's goBackwards returns them).</summary>
        public bool Flipped { get; init; }

        /// <summary>The Dense stage a following Add may fold its bias into.</summary>
        public bool AfterMatMul { get; init; }

        /// <summary>The graph input itself, untransposed: its layout is whatever its first reader takes.</summary>
        public bool Raw { get; init; }
    }

    private sealed class Stage
    {
        public string Op = "";
        public OnnxNode Node = null!;
        public int Directions, Hidden, InputSize;
        public string Direction = "forward";
        public bool ResetAfter = true, Relu;

        // What only the reference path (OnnxRecurrenceReference) runs: clip ≤ 0 for none.
        public float Clip;
        public bool InputForget;
        public OnnxActivation[] Activations = [];
        public float[] W = [], R = [], B = [];
        public bool? ReturnSequences;

        // Dense and activation stages.
        public float[] Kernel = [], Bias = [];
        public int Units;
        public ActivationKind? Activation;
    }

    private sealed partial class GraphWalk(OnnxModel model)
    {
        private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
        private readonly List<Stage> _stages = [];
        private OnnxNode _node = null!;
        private bool _inputTimeMajor;

        public ImportedModel Run(string source)
        {
            var graph = model.Graph!;
            long opset = model.OpsetImports.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
            if (opset is < 7 or > 21)
            {
                throw new ModelFormatException($"opset {opset} of the default domain is outside what Gated reads (7 to 21)");
            }

            foreach (var t in graph.Initializers)
            {
                _values[t.Name] = new Value(Kind.Constant) { Constant = t };
            }

            var inputs = graph.Inputs.Where(i => !_values.ContainsKey(i.Name)).ToList();
            var compute = graph.Nodes.Where(n => n.OpType != "Constant").ToList();
            if (compute is [{ OpType: "GRU" or "LSTM" or "RNN" } single])
            {
                return StandardNode(single, inputs, source);
            }

            if (inputs.Count != 1)
            {
                throw new ModelFormatException($"the graph has {inputs.Count} inputs besides its initializers; Gated reads models with one");
            }

            var input = inputs[0];
            if (input.ElementType != OnnxTensor.Float || input.Dims is not { Count: 3 } || input.Dims[2].Value is not long features || features < 1 || features > int.MaxValue)
            {
                throw new ModelFormatException($"graph input '{input.Name}' must be float32 (batch, time, features) with a fixed feature count");
            }

            _values[input.Name] = new Value(Kind.Sequence) { Features = (int)features, Raw = true };
            foreach (var node in graph.Nodes)
            {
                _node = node;
                if (node.Domain is not ("" or "ai.onnx"))
                {
                    Fail($"domain '{node.Domain}' is not the ONNX default domain");
                }

                Visit(node);
            }

            if (graph.Outputs.Count != 1)
            {
                throw new ModelFormatException($"the graph has {graph.Outputs.Count} outputs; Gated reads models with one");
            }

            string outputName = graph.Outputs[0].Name;
            var output = _values.GetValueOrDefault(outputName) ?? throw new ModelFormatException($"graph output '{outputName}' is not computed by any node");
            if (output.Kind is not (Kind.Vectors or Kind.Sequence))
            {
                throw new ModelFormatException($"graph output '{outputName}' is not a (batch, features) or (batch, time, features) result of the layers");
            }

            Consume(output, $"graph output '{outputName}'");
            if (_stages.Count == 0)
            {
                throw new ModelFormatException("the graph has no layers");
            }

            int steps = input.Dims[_inputTimeMajor ? 0 : 1].Value is long t0 && t0 is > 0 and <= int.MaxValue ? (int)t0 : 1;
            var sequential = Build(steps, (int)features);
            bool outputTimeMajor = output.Kind == Kind.Sequence && output.TimeMajor;
            return ImportedModel.FromSequential(source, input.Name, _inputTimeMajor, outputName, outputTimeMajor, sequential);
        }

        private void Visit(OnnxNode n)
        {
            switch (n.OpType)
            {
                case "Constant":
                    Attributes("value");
                    Set(0, new Value(Kind.Constant) { Constant = n.Attribute("value")?.T ?? Fail<OnnxTensor>("has no tensor 'value'") });
                    return;
                case "Identity" or "Dropout":
                    Attributes("seed", "ratio", "training_mode");
                    if (n.OpType == "Dropout" && n.Outputs.Count > 1 && n.Outputs[1].Length > 0)
                    {
                        Fail("output 'mask' is used; Gated reads inference graphs");
                    }

                    Set(0, In(0));
                    return;
                case "Shape":
                    Attributes();
                    In(0);
                    Set(0, new Value(Kind.ShapeValue));
                    return;
                case "ConstantOfShape":
                    {
                        Attributes("value");
                        var fill = n.Attribute("value")?.T;
                        if (fill is not null && fill.FloatData.Concat(fill.Int64Data.Select(v => (float)v)).Any(v => v != 0))
                        {
                            Fail("attribute 'value' is not zero; Gated reads zero initial states only");
                        }

                        Set(0, new Value(Kind.ZeroState));
                        return;
                    }

                case "Expand":
                    {
                        Attributes();
                        var x = In(0);
                        bool zero = x.Kind == Kind.ZeroState || (x.Kind == Kind.Constant && !x.Constant!.FloatData.ContainsAnyExcept(0f) && !x.Constant.Int64Data.ContainsAnyExcept(0L));
                        Set(0, zero ? new Value(Kind.ZeroState) : x.Kind is Kind.Constant or Kind.ShapeValue ? new Value(Kind.ShapeValue)
                            : Fail<Value>("input 'input' is neither zeros (an initial state) nor a shape computation"));
                        return;
                    }

                case "Transpose": Transpose(); return;
                case "Squeeze": Squeeze(); return;
                case "Unsqueeze" or "Concat" or "Cast" when AllShapeLike():
                    Attributes("axes", "axis", "to");
                    Set(0, new Value(Kind.ShapeValue));
                    return;
                case "Concat": ConcatStates(); return;
                case "Gather": Gather(); return;
                case "Slice": Slice(); return;
                case "Reshape": Reshape(); return;
                case "ReduceMean": ReduceMean(); return;
                case "GRU" or "LSTM" or "RNN": Cell(); return;
                case "Gemm": Gemm(); return;
                case "MatMul": MatMul(); return;
                case "Add": Add(); return;
                case "Sigmoid" or "Tanh" or "Relu": Activation(n.OpType switch { "Sigmoid" => ActivationKind.Sigmoid, "Tanh" => ActivationKind.Tanh, _ => ActivationKind.Relu }); return;
                case "Softmax":
                    {
                        Attributes("axis");
                        var x = In(0);
                        long axis = n.Attribute("axis")?.I ?? -1;
                        int rank = x.Kind == Kind.Vectors ? 2 : 3;
                        if (axis != -1 && axis != rank - 1)
                        {
                            Fail($"attribute 'axis' is {axis}; Gated's softmax runs over the last axis");
                        }

                        Activation(ActivationKind.Softmax);
                        return;
                    }

                default:
                    Fail("is an operator Gated does not read");
                    return;
            }
        }

        private void Transpose()
        {
            Attributes("perm");
            var x = In(0);
            long[] perm = [.. _node.Attribute("perm")?.Ints ?? []];
            Value? result = (x.Kind, string.Join(",", perm)) switch
            {
                (Kind.Sequence, "1,0,2") => x with { TimeMajor = !x.TimeMajor, AfterMatMul = false, Raw = false },
                (Kind.CellY, "0,2,1,3") => x with { Kind = Kind.CellYPerStep, TimeMajor = true },
                (Kind.CellY, "2,0,1,3") => x with { Kind = Kind.CellYPerStep, TimeMajor = false },
                (Kind.CellStates, "1,0,2") => x with { Kind = Kind.CellStatesBatchMajor },
                _ => null,
            };
            Set(0, result ?? Fail<Value>($"attribute 'perm' [{string.Join(", ", perm)}] does not map onto Gated's layouts"));
        }

        private void Squeeze()
        {
            Attributes("axes");
            var x = In(0);
            long[] axes = Axes();
            if (x.Kind is Kind.Constant or Kind.ShapeValue)
            {
                Set(0, new Value(Kind.ShapeValue));
                return;
            }

            int directions = x.Entries.Length;
            Value? result = (x.Kind, axes.Length == 1 ? axes[0] : long.MinValue) switch
            {
                (Kind.CellY, 1) when directions == 1 => x with { Kind = Kind.Sequence, TimeMajor = true },
                (Kind.CellStates, 0) when directions == 1 => LastState(x.Entries[0]),
                (Kind.LastStepKept, var a) when a == x.TimeAxis => x with { Kind = Kind.Vectors },
                _ => null,
            };
            Set(0, result ?? Fail<Value>($"input 'axes' [{string.Join(", ", axes)}] does not map onto Gated's layouts"));
        }

        private void Gather()
        {
            Attributes("axis");
            var data = In(0);
            var index = In(1);
            long axis = _node.Attribute("axis")?.I ?? 0;
            if (data.Kind is Kind.ShapeValue or Kind.Constant && index.Kind is Kind.ShapeValue or Kind.Constant)
            {
                Set(0, new Value(Kind.ShapeValue));
                return;
            }

            if (index.Kind != Kind.Constant || index.Constant!.Int64Data.Length != 1 || index.Constant.Dims.Length != 0)
            {
                Fail("input 'indices' is not one constant index");
            }

            long i = index.Constant!.Int64Data[0];
            if (data.Kind == Kind.CellStates && axis == 0)
            {
                long k = i < 0 ? i + data.Entries.Length : i;
                if (k < 0 || k >= data.Entries.Length)
                {
                    Fail($"index {i} is outside the {data.Entries.Length} stacked states");
                }

                Set(0, LastState(data.Entries[k]));
                return;
            }

            if (data.Kind == Kind.Sequence && i == -1 && axis == (data.TimeMajor ? 0 : 1))
            {
                Set(0, LastStep(data) with { Kind = Kind.Vectors });
                return;
            }

            Fail($"gathering index {i} on axis {axis} does not map onto Gated's layouts (the last step, index -1, of a sequence, or one cell's final state)");
        }

        private void Slice()
        {
            Attributes();
            var data = In(0);
            if (data.Kind is Kind.ZeroState or Kind.ShapeValue or Kind.Constant)
            {
                Set(0, data.Kind == Kind.ZeroState ? data : new Value(Kind.ShapeValue));
                return;
            }

            long[] starts = Ints(1), ends = Ints(2);
            long[] axes = _node.Inputs.Count > 3 && _node.Inputs[3].Length > 0 ? Ints(3) : [0];
            long[] stepsBy = _node.Inputs.Count > 4 && _node.Inputs[4].Length > 0 ? Ints(4) : [1];
            int timeAxis = data.TimeMajor ? 0 : 1;
            if (data.Kind == Kind.Sequence && starts is [-1] && ends is [var end] && end >= int.MaxValue && axes is [var a] && a == timeAxis && stepsBy is [1])
            {
                Set(0, LastStep(data) with { Kind = Kind.LastStepKept, TimeAxis = timeAxis });
                return;
            }

            if (data.Kind == Kind.Sequence && data.Steps && data.Owner >= 0 && _stages[data.Owner].Direction == "reverse" && !data.Flipped
                && starts is [-1] && ends is [var back] && back <= int.MinValue && axes is [var flipAxis] && flipAxis == timeAxis && stepsBy is [-1])
            {
                Set(0, data with { Flipped = true });
                return;
            }

            Fail("slicing other than the last step of a sequence (starts [-1], ends [max]) on its time axis does not map onto Gated's layouts");
        }

        private void Reshape()
        {
            Attributes("allowzero");
            var x = In(0);
            if (x.Kind is Kind.ShapeValue or Kind.Constant)
            {
                Set(0, new Value(Kind.ShapeValue));
                return;
            }

            string shape = string.Join(",", Ints(1));
            Value? result = (x.Kind, shape) switch
            {
                (Kind.CellYPerStep, "0,0,-1") => x with { Kind = Kind.Sequence, Features = x.Entries.Length * x.Features },
                (Kind.CellStatesBatchMajor, "0,-1") when x.Entries.Select(e => e.Stage).Distinct().Count() == 1 && x.Entries.Length == _stages[x.Entries[0].Stage].Directions
                    => new Value(Kind.Vectors) { Owner = x.Entries[0].Stage, Steps = false, Features = x.Entries.Length * x.Features },
                _ => null,
            };
            Set(0, result ?? Fail<Value>($"input 'shape' [{shape}] does not map onto Gated's layouts"));
        }

        private void ConcatStates()
        {
            Attributes("axis");
            var parts = Enumerable.Range(0, _node.Inputs.Count).Select(In).ToList();
            long axis = _node.Attribute("axis")?.I ?? 0;
            if (parts is [{ Kind: Kind.DirectionState } f, { Kind: Kind.DirectionState } b] && axis is 1 or -1
                && f.Entries[0].Stage == b.Entries[0].Stage && f.Entries[0].Direction == 0 && b.Entries[0].Direction == 1)
            {
                // torch.cat([h_n[-2], h_n[-1]], dim=1): a Bidirectional layer's concatenated final states.
                var stage = _stages[f.Entries[0].Stage];
                Set(0, new Value(Kind.Vectors) { Owner = f.Entries[0].Stage, Steps = false, Features = 2 * stage.Hidden });
                return;
            }

            if (axis != 0 || parts.Any(p => p.Kind != Kind.CellStates))
            {
                Fail("concatenating anything but cells' final states on axis 0 does not map onto Gated's layouts");
            }

            Set(0, parts[0] with { Entries = [.. parts.SelectMany(p => p.Entries)] });
        }

        private void Cell()
        {
            var n = _node;
            if (n.Attribute("layout")?.I is long layout && layout != 0)
            {
                Fail($"attribute 'layout' is {layout}; Gated reads layout 1 only when the cell is the graph's one node");
            }

            var x = In(0);
            if (x.Kind == Kind.Sequence && x.Raw)
            {
                // The graph input goes straight into a time-major cell (PyTorch's batch_first=False): it is (time, batch, features).
                _inputTimeMajor = true;
                x = x with { TimeMajor = true, Raw = false };
            }

            if (x.Kind != Kind.Sequence || !x.TimeMajor)
            {
                Fail("input 'X' is not a time-major (time, batch, features) sequence");
            }

            Consume(x, n.Label);
            var stage = ParseCell(x.Features);
            string[] names = ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"];
            for (int i = 4; i < n.Inputs.Count; i++)
            {
                if (n.Inputs[i].Length == 0)
                {
                    continue;
                }

                var v = In(i);
                bool zero = v.Kind == Kind.ZeroState || (v.Kind == Kind.Constant && !v.Constant!.FloatData.ContainsAnyExcept(0f) && !v.Constant.Int64Data.ContainsAnyExcept(0L));
                if (i == 4 || !zero)
                {
                    Fail(i == 7
                        ? "input 'P' holds non-zero peephole weights; Gated's LSTM has no peepholes"
                        : $"input '{names[i]}' is given and not all zero; in a graph of several nodes Gated reads cells without it (a single-node graph may have it: OnnxImporter.LoadGraph)");
                }
            }

            _stages.Add(stage);
            int owner = _stages.Count - 1;
            var entries = Enumerable.Range(0, stage.Directions).Select(k => (owner, k)).ToArray();
            Set(0, new Value(Kind.CellY) { Owner = owner, Steps = true, Features = stage.Hidden, Entries = entries });
            Set(1, new Value(Kind.CellStates) { Owner = owner, Steps = false, Features = stage.Hidden, Entries = entries });
            if (n.Outputs.Count > 2)
            {
                Set(2, new Value(Kind.ShapeValue));
            }
        }

        // The node's attributes and its W, R, B: everything but X, the optional inputs and the layout.
        // beyondLayers null: what Gated's layers cannot express fails; otherwise it is listed there (for the reference path).
        private Stage ParseCell(int features, List<string>? beyondLayers = null)
        {
            var n = _node;
            string op = n.OpType;
            Attributes("hidden_size", "direction", "linear_before_reset", "layout", "activations", "clip", "activation_alpha", "activation_beta", "input_forget");
            foreach (string unsupported in new[] { "clip", "activation_alpha", "activation_beta" })
            {
                if (n.Attribute(unsupported) is not null)
                {
                    Beyond($"attribute '{unsupported}' is not supported by Gated");
                }
            }

            bool inputForget = n.Attribute("input_forget")?.I is long coupled && coupled != 0;
            if (inputForget)
            {
                Beyond("attribute 'input_forget' is 1; Gated's LSTM has independent input and forget gates");
            }

            string direction = n.Attribute("direction")?.S ?? "forward";
            int d = direction switch { "forward" or "reverse" => 1, "bidirectional" => 2, _ => Fail<int>($"attribute 'direction' is '{direction}'") };
            int gates = Gates(op);
            var w = Weights(1, "W");
            var r = Weights(2, "R");
            if (w.Dims.Length != 3 || w.Dims[0] != d || w.Dims[1] % gates != 0 || w.Dims[1] == 0 || w.Dims[2] != features)
            {
                Fail($"input 'W' has dims [{string.Join(", ", w.Dims)}], expected [{d}, {gates}·hidden, {features}]");
            }

            int h = (int)(w.Dims[1] / gates);
            if (n.Attribute("hidden_size")?.I is long hs && hs != h)
            {
                Fail($"attribute 'hidden_size' is {hs} but 'W' holds {h} units");
            }

            if (!r.Dims.SequenceEqual(new long[] { d, gates * h, h }))
            {
                Fail($"input 'R' has dims [{string.Join(", ", r.Dims)}], expected [{d}, {gates * h}, {h}]");
            }

            float[] b = new float[d * 2 * gates * h];
            if (n.Inputs.Count > 3 && n.Inputs[3].Length > 0)
            {
                var bias = Weights(3, "B");
                if (!bias.Dims.SequenceEqual(new long[] { d, 2 * gates * h }))
                {
                    Fail($"input 'B' has dims [{string.Join(", ", bias.Dims)}], expected [{d}, {2 * gates * h}]");
                }

                b = bias.FloatData;
            }

            var stage = new Stage { Op = op, Node = n, Directions = d, Hidden = h, InputSize = features, Direction = direction, W = w.FloatData, R = r.FloatData, B = b };
            if (op == "GRU")
            {
                stage.ResetAfter = (n.Attribute("linear_before_reset")?.I ?? 0) != 0;
            }

            stage.Clip = n.Attribute("clip")?.F ?? 0;
            stage.InputForget = inputForget;
            string[] defaults = op switch { "GRU" => ["Sigmoid", "Tanh"], "LSTM" => ["Sigmoid", "Tanh", "Tanh"], _ => ["Tanh"] };
            if (beyondLayers is not null)
            {
                stage.Activations = OnnxActivation.Parse(
                    defaults, d, n.Attribute("activations")?.Strings, n.Attribute("activation_alpha")?.Floats ?? [], n.Attribute("activation_beta")?.Floats ?? [],
                    out string problem) ?? Fail<OnnxActivation[]>(problem);
            }

            if (n.Attribute("activations") is { } activations)
            {
                string[] expected = op switch
                {
                    "GRU" => ["Sigmoid", "Tanh"],
                    "LSTM" => ["Sigmoid", "Tanh", "Tanh"],
                    _ => activations.Strings.FirstOrDefault() is string first && first.Equals("Relu", StringComparison.OrdinalIgnoreCase) ? ["Relu"] : ["Tanh"],
                };
                var want = Enumerable.Repeat(expected, d).SelectMany(e => e);
                if (!activations.Strings.SequenceEqual(want, StringComparer.OrdinalIgnoreCase))
                {
                    string allowed = op == "RNN" ? "Tanh or Relu, the same in both directions" : $"[{string.Join(", ", expected)}] per direction";
                    Beyond($"attribute 'activations' [{string.Join(", ", activations.Strings)}] is not supported by Gated (it reads {allowed})");
                }

                stage.Relu = op == "RNN" && expected[0] == "Relu";
            }

            return stage;

            void Beyond(string message)
            {
                if (beyondLayers is null)
                {
                    Fail(message);
                }

                beyondLayers?.Add(message);
            }
        }

        private void Gemm()
        {
            Attributes("alpha", "beta", "transA", "transB");
            var n = _node;
            if ((n.Attribute("alpha")?.F ?? 1f) != 1f || (n.Attribute("beta")?.F ?? 1f) != 1f || (n.Attribute("transA")?.I ?? 0) != 0)
            {
                Fail("attributes 'alpha', 'beta' and 'transA' must keep their defaults (1, 1, 0)");
            }

            var x = In(0);
            if (x.Kind != Kind.Vectors)
            {
                Fail("input 'A' is not a (batch, features) result of the layers");
            }

            var weight = Weights(1, "B");
            bool transB = (n.Attribute("transB")?.I ?? 0) != 0;
            if (weight.Dims.Length != 2 || weight.Dims[transB ? 1 : 0] != x.Features)
            {
                Fail($"input 'B' has dims [{string.Join(", ", weight.Dims)}], which do not fit {x.Features} features");
            }

            int units = (int)weight.Dims[transB ? 0 : 1];
            float[] kernel = new float[x.Features * units];
            if (transB)
            {
                WeightLayout.Transpose(weight.FloatData, units, kernel);
            }
            else
            {
                weight.FloatData.CopyTo(kernel);
            }

            float[] bias = n.Inputs.Count > 2 && n.Inputs[2].Length > 0 ? BiasVector(Weights(2, "C"), units, "C") : new float[units];
            Consume(x, n.Label);
            _stages.Add(new Stage { Op = "Dense", Node = n, Kernel = kernel, Bias = bias, Units = units, InputSize = x.Features });
            Set(0, x with { Owner = _stages.Count - 1, Features = units, AfterMatMul = false });
        }

        private void MatMul()
        {
            Attributes();
            var x = In(0);
            if (x.Kind is not (Kind.Vectors or Kind.Sequence))
            {
                Fail("input 'A' is not a result of the layers");
            }

            var weight = Weights(1, "B");
            if (weight.Dims.Length != 2 || weight.Dims[0] != x.Features)
            {
                Fail($"input 'B' has dims [{string.Join(", ", weight.Dims)}], which do not fit {x.Features} features");
            }

            int units = (int)weight.Dims[1];
            Consume(x, _node.Label);
            _stages.Add(new Stage { Op = "Dense", Node = _node, Kernel = weight.FloatData, Bias = new float[units], Units = units, InputSize = x.Features });
            Set(0, x with { Owner = _stages.Count - 1, Features = units, AfterMatMul = true });
        }

        private void Add()
        {
            Attributes();
            var a = In(0);
            var b = In(1);
            var (x, c, name) = a.Kind == Kind.Constant ? (b, a, "A") : (a, b, "B");
            if (!x.AfterMatMul || c.Kind != Kind.Constant || x.Owner != _stages.Count - 1)
            {
                Fail("only a constant bias added right after a MatMul is supported");
            }

            var stage = _stages[^1];
            float[] bias = BiasVector(c.Constant!, stage.Units, name);
            for (int j = 0; j < bias.Length; j++)
            {
                stage.Bias[j] += bias[j];
            }

            Set(0, x with { AfterMatMul = false });
        }

        private void Activation(ActivationKind kind)
        {
            if (kind != ActivationKind.Softmax)
            {
                Attributes();
            }

            var x = In(0);
            if (x.Kind is not (Kind.Vectors or Kind.Sequence))
            {
                Fail("input is not a result of the layers");
            }

            Consume(x, _node.Label);
            _stages.Add(new Stage { Op = "Activation", Node = _node, Activation = kind });
            Set(0, x with { Owner = _stages.Count - 1, AfterMatMul = false });
        }

        // Y[-1] of a forward cell is its final state (the cell stops returning sequences); a bidirectional cell's
        // concatenated Y at step T is the forward h_T beside the backward direction's first step, which a LastStep
        // layer after the cell (returning sequences) takes. Any other sequence's last step has no Gated layer.
        private Value LastStep(Value sequence)
        {
            if (sequence.Owner >= 0 && sequence.Steps && _stages[sequence.Owner] is { Op: "GRU" or "LSTM" or "RNN", Directions: 2 })
            {
                Consume(sequence, _node.Label);
                _stages.Add(new Stage { Op = "LastStep", Node = _node });
                return sequence with { Owner = _stages.Count - 1, Steps = false, AfterMatMul = false };
            }

            if (sequence.Owner < 0 || !sequence.Steps || _stages[sequence.Owner] is not { Op: "GRU" or "LSTM" or "RNN", Directions: 1, Direction: "forward" })
            {
                Fail("taking the last step maps onto Gated only for the output of a forward (one-direction) or bidirectional GRU, LSTM or RNN");
            }

            return sequence with { Steps = false };
        }

        // out.mean(dim=time) of a sequence: a TimeMean layer after it (a cell before it returns sequences).
        private void ReduceMean()
        {
            Attributes("axes", "keepdims", "noop_with_empty_axes");
            var x = In(0);
            long[] axes = Axes();
            int timeAxis = x.TimeMajor ? 0 : 1;
            if (x.Kind != Kind.Sequence || x.Raw || x.Owner < 0)
            {
                Fail("input 'data' is not a sequence computed by the layers");
            }

            if (axes is not [var a] || (a != timeAxis && a != timeAxis - 3))
            {
                Fail($"attribute 'axes' [{string.Join(", ", axes)}] is not the time axis ({timeAxis}); Gated averages over time only");
            }

            if ((_node.Attribute("keepdims")?.I ?? 1) != 0)
            {
                Fail("attribute 'keepdims' is not 0; Gated's TimeMean drops the time axis");
            }

            Consume(x, _node.Label);
            _stages.Add(new Stage { Op = "TimeMean", Node = _node });
            Set(0, new Value(Kind.Vectors) { Owner = _stages.Count - 1, Features = x.Features });
        }

        private Value LastState((int Stage, int Direction) entry)
        {
            var stage = _stages[entry.Stage];
            if (stage.Directions != 1)
            {
                return new Value(Kind.DirectionState) { Owner = entry.Stage, Features = stage.Hidden, Entries = [entry] };
            }

            return new Value(Kind.Vectors) { Owner = entry.Stage, Steps = false, Features = stage.Hidden };
        }

        // A layer (or the graph output) takes this value: it must be the newest stage's, which fixes whether that cell returns sequences.
        private void Consume(Value x, string consumer)
        {
            if (x.Owner != _stages.Count - 1)
            {
                throw new ModelFormatException($"{consumer}: its input is not the output of the layer just before it; Gated reads a chain of layers");
            }

            if (x.Owner < 0 || _stages[x.Owner].Op is not ("GRU" or "LSTM" or "RNN"))
            {
                return;
            }

            var stage = _stages[x.Owner];
            if (stage.ReturnSequences is bool earlier && earlier != x.Steps)
            {
                throw new ModelFormatException($"{stage.Node.Label}: both its sequence and its final state are used; Gated reads one of them");
            }

            if (x.Steps && stage.Direction == "reverse" && !x.Flipped)
            {
                throw new ModelFormatException($"{stage.Node.Label}: attribute 'direction' is 'reverse' and its Y is used as a sequence; Gated's goBackwards returns steps in processing order");
            }

            stage.ReturnSequences = x.Steps;
        }

        private Sequential Build(int steps, int features)
        {
            var layers = new List<Layer>();
            foreach (var s in _stages)
            {
                layers.Add(s.Op switch
                {
                    "Dense" => new Dense(s.Units),
                    "Activation" => new Activation(s.Activation!.Value),
                    "TimeMean" => new TimeMean(),
                    "LastStep" => new LastStep(),
                    _ => s.Directions == 2 ? new Bidirectional(NewCell(s, false)) : NewCell(s, s.Direction == "reverse"),
                });
            }

            var model = new Sequential(layers);
            model.Build([steps, features]);
            for (int i = 0; i < _stages.Count; i++)
            {
                var s = _stages[i];
                switch (layers[i])
                {
                    case Dense dense:
                        s.Kernel.CopyTo(dense.Kernel.Values);
                        s.Bias.CopyTo(dense.Bias.Values);
                        break;
                    case Bidirectional bi:
                        SetCell(bi.ForwardLayer, s, 0);
                        SetCell(bi.BackwardLayer, s, 1);
                        break;
                    case RecurrentLayer cell:
                        SetCell(cell, s, 0);
                        break;
                }
            }

            return model;
        }

        private static RecurrentLayer NewCell(Stage s, bool goBackwards)
        {
            var options = new RecurrentOptions { ReturnSequences = s.ReturnSequences ?? false, GoBackwards = goBackwards };
            int gh = Gates(s.Op) * s.Hidden;
            bool separate = Enumerable.Range(0, s.Directions).Any(d => s.B.AsSpan((d * 2 * gh) + gh, gh).ContainsAnyExcept(0f));
            return s.Op switch
            {
                "GRU" => new Gru(s.Hidden, options, s.ResetAfter ? GruVariant.ResetAfter : GruVariant.ResetBefore),
                "LSTM" => new Lstm(s.Hidden, options, separate),
                _ => new SimpleRnn(s.Hidden, options, s.Relu ? SimpleRnnActivation.Relu : SimpleRnnActivation.Tanh, separate),
            };
        }

        private static int Gates(string op) =>
            WeightLayout.For(Framework.Onnx, op switch { "GRU" => RecurrentKind.Gru, "LSTM" => RecurrentKind.Lstm, _ => RecurrentKind.SimpleRnn }).Gates;

        private static void SetCell(RecurrentLayer layer, Stage s, int d)
        {
            int h = s.Hidden, gh = Gates(s.Op) * h, inputSize = s.InputSize;
            WeightLayout.For(Framework.Onnx, layer).CopyToLayer(
                layer, s.W.AsSpan(d * gh * inputSize, gh * inputSize), s.R.AsSpan(d * gh * h, gh * h), s.B.AsSpan(d * 2 * gh, gh), s.B.AsSpan((d * 2 * gh) + gh, gh));
        }

        private bool AllShapeLike() => _node.Inputs.Where(i => i.Length > 0).All(i => _values.TryGetValue(i, out var v) && v.Kind is Kind.ShapeValue or Kind.Constant);

        private long[] Axes()
        {
            if (_node.Attribute("axes") is { } attribute)
            {
                return [.. attribute.Ints];
            }

            return _node.Inputs.Count > 1 && _node.Inputs[1].Length > 0 ? Ints(1) : Fail<long[]>("has no 'axes'; Gated needs them explicit");
        }

        private long[] Ints(int input)
        {
            var v = In(input);
            if (v.Kind != Kind.Constant || v.Constant is null || v.Constant.DataType == OnnxTensor.Float)
            {
                Fail($"input {input} is not a constant integer tensor");
            }

            return v.Constant!.Int64Data;
        }

        private OnnxTensor Weights(int input, string name)
        {
            var v = In(input);
            if (v.Kind != Kind.Constant || v.Constant is not { DataType: OnnxTensor.Float } t)
            {
                return Fail<OnnxTensor>($"input '{name}' is not a constant float32 tensor (an initializer or Constant)");
            }

            return t;
        }

        private float[] BiasVector(OnnxTensor c, int units, string name)
        {
            if (c.DataType != OnnxTensor.Float || c.FloatData.Length != units || c.Dims.Count(d => d != 1) > 1)
            {
                Fail($"input '{name}' with dims [{string.Join(", ", c.Dims)}] is not a bias of {units} values");
            }

            return c.FloatData;
        }

        private Value In(int i)
        {
            if (i >= _node.Inputs.Count || _node.Inputs[i].Length == 0)
            {
                return Fail<Value>($"input {i} is missing");
            }

            return _values.GetValueOrDefault(_node.Inputs[i]) ?? Fail<Value>($"input '{_node.Inputs[i]}' is not computed before it");
        }

        private void Set(int output, Value value)
        {
            if (output < _node.Outputs.Count && _node.Outputs[output].Length > 0)
            {
                _values[_node.Outputs[output]] = value;
            }
        }

        private void Attributes(params string[] known)
        {
            foreach (var a in _node.Attributes)
            {
                if (a.Type == OnnxAttribute.GraphType || Array.IndexOf(known, a.Name) < 0)
                {
                    Fail($"attribute '{a.Name}' is not supported by Gated");
                }
            }
        }

        private void Fail(string message) => throw new ModelFormatException($"{_node.Label}: {message}");

        private T Fail<T>(string message) => throw new ModelFormatException($"{_node.Label}: {message}");
    }
}
