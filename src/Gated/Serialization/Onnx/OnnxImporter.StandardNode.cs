using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Serialization.Onnx;

/// <summary>
/// The standard single-node graph, as ONNX's operator tests (onnx/backend/test/case/node/gru.py, lstm.py, rnn.py) write it:
/// one GRU, LSTM or RNN node whose X is a graph input, W, R, B initializers, and any of Y, Y_h, Y_c as graph outputs.
/// Each direction runs as one Gated recurrent layer; ONNX's layouts are assembled around them. A node that needs what the
/// layers lack (clip, other activations, their alpha and beta, peepholes, input_forget) runs through
/// <see cref="OnnxRecurrenceReference"/> instead, and cannot become a <see cref="Models.Sequential"/>.
/// </summary>
public static partial class OnnxImporter
{
    private sealed partial class GraphWalk
    {
        private ImportedModel StandardNode(OnnxNode n, List<OnnxValueInfo> graphInputs, string source)
        {
            _node = n;
            var graphInputNames = graphInputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            if (n.Domain is not ("" or "ai.onnx"))
            {
                Fail($"domain '{n.Domain}' is not the ONNX default domain");
            }

            long layout = n.Attribute("layout")?.I ?? 0;
            if (layout is not (0 or 1))
            {
                Fail($"attribute 'layout' is {layout}; ONNX defines 0 and 1");
            }

            string xName = n.Inputs.Count > 0 ? n.Inputs[0] : "";
            var input = graphInputs.Find(i => i.Name == xName) ?? Fail<OnnxValueInfo>("input 'X' is not a graph input");
            if (input.ElementType != OnnxTensor.Float || input.Dims is not { Count: 3 } || input.Dims[2].Value is not long f || f < 1 || f > int.MaxValue)
            {
                Fail($"input 'X' ('{xName}') must be float32 ({(layout == 0 ? "time, batch" : "batch, time")}, features) with a fixed feature count");
            }

            int features = (int)input.Dims![2].Value!.Value;
            var beyondLayers = new List<string>();
            var stage = ParseCell(features, beyondLayers);
            stage.ReturnSequences = true;
            int d = stage.Directions, h = stage.Hidden, states = n.OpType == "LSTM" ? 2 : 1;

            // Optional inputs: graph inputs are read at run time; initializers are fixed.
            string[] names = ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"];
            string?[] runtime = new string?[8];
            OnnxTensor?[] fixedValue = new OnnxTensor?[8];
            for (int i = 4; i < n.Inputs.Count; i++)
            {
                string name = n.Inputs[i];
                if (name.Length == 0)
                {
                    continue;
                }

                if (i > 7 || (i == 6 && states == 1))
                {
                    Fail($"has {n.Inputs.Count} inputs; {n.OpType} takes at most {(states == 2 ? 8 : 6)}");
                }

                if (graphInputNames.Contains(name))
                {
                    if (i == 7)
                    {
                        Fail("input 'P' is a graph input; Gated reads peepholes from initializers");
                    }

                    runtime[i] = name;
                    continue;
                }

                var v = _values.GetValueOrDefault(name) ?? Fail<Value>($"input '{names[i]}' ('{name}') is neither a graph input nor an initializer");
                fixedValue[i] = v.Constant ?? Fail<OnnxTensor>($"input '{names[i]}' is not a constant tensor");
            }

            float[]? peepholeWeights = null;
            if (fixedValue[7] is { } peepholes)
            {
                if (peepholes.DataType != OnnxTensor.Float || !peepholes.Dims.SequenceEqual(new long[] { d, 3 * h }))
                {
                    Fail($"input 'P' has dims [{string.Join(", ", peepholes.Dims)}], expected float [{d}, {3 * h}]");
                }

                if (peepholes.FloatData.ContainsAnyExcept(0f))
                {
                    beyondLayers.Add("input 'P' holds non-zero peephole weights; Gated's LSTM has no peepholes");
                    peepholeWeights = peepholes.FloatData;
                }
            }

            int? fixedBatch = null;
            for (int i = 5; i <= 6; i++)
            {
                if (fixedValue[i] is { } state)
                {
                    long[] dims = state.Dims;
                    bool fits = state.DataType == OnnxTensor.Float && dims.Length == 3 && dims[layout == 0 ? 0 : 1] == d && dims[2] == h && dims[layout == 0 ? 1 : 0] >= 1;
                    if (!fits)
                    {
                        Fail($"input '{names[i]}' has dims [{string.Join(", ", dims)}], expected [{(layout == 0 ? $"{d}, batch" : $"batch, {d}")}, {h}]");
                    }

                    fixedBatch = (int)dims[layout == 0 ? 1 : 0];
                }
            }

            if (fixedValue[4] is { } lens)
            {
                if (lens.DataType == OnnxTensor.Float || lens.Dims.Length != 1)
                {
                    Fail("input 'sequence_lens' is not an integer vector");
                }

                fixedBatch ??= lens.Int64Data.Length;
            }

            // Graph outputs are node outputs Y, Y_h, Y_c, by name.
            var outputIndex = new List<int>();
            foreach (var output in model.Graph!.Outputs)
            {
                int k = n.Outputs.IndexOf(output.Name);
                if (k < 0 || output.Name.Length == 0)
                {
                    throw new ModelFormatException($"graph output '{output.Name}' is not an output (Y, Y_h{(states == 2 ? ", Y_c" : "")}) of {n.Label}");
                }

                outputIndex.Add(k);
            }

            if (outputIndex.Count == 0)
            {
                throw new ModelFormatException("the graph has no outputs");
            }

            var extraGraphInputs = graphInputs.Where(i => i.Name != xName && Array.IndexOf(runtime, i.Name) < 0).ToList();
            if (extraGraphInputs.Count > 0)
            {
                throw new ModelFormatException($"graph input '{extraGraphInputs[0].Name}' is not read by {n.Label} (W, R, B and P must be initializers)");
            }

            int steps = input.Dims[layout == 0 ? 0 : 1].Value is long t0 && t0 is > 0 and <= int.MaxValue ? (int)t0 : 1;
            StandardRun.Direction direction;
            string? referenceReason = null;
            if (beyondLayers.Count == 0)
            {
                var layers = new RecurrentLayer[d];
                for (int k = 0; k < d; k++)
                {
                    layers[k] = NewCell(stage, goBackwards: stage.Direction == "reverse" || k == 1);
                    layers[k].Build([steps, features], new SeededRandom(0));
                    SetCell(layers[k], stage, k);
                }

                direction = (k, x, start, lengths) =>
                {
                    var output = layers[k].Forward(x, new RecurrentInputs { InitialStates = start, Lengths = lengths });
                    return (output, [.. layers[k].FinalStates], layers[k].Options.GoBackwards);
                };
            }
            else
            {
                referenceReason = $"{n.Label}: {beyondLayers[0]}";
                var reference = new OnnxRecurrenceReference(
                    n.OpType, h, features, stage.W, stage.R, stage.B, peepholeWeights, stage.Clip, stage.InputForget, stage.ResetAfter && n.OpType == "GRU", stage.Activations);
                direction = (k, x, start, lengths) =>
                {
                    int batch = x.Shape[0], t = x.Shape[1];
                    var (y, hT, cT) = reference.Run(k, stage.Direction == "reverse" || k == 1, x.Data, batch, t, lengths, start[0].Data, states == 2 ? start[1].Data : null);
                    Tensor[] finals = cT is null ? [new Tensor(hT, batch, h)] : [new Tensor(hT, batch, h), new Tensor(cT, batch, h)];
                    return (new Tensor(y, batch, t, h), finals, false);
                };
            }

            var run = new StandardRun(n.Label, d, h, direction, layout == 1, states, fixedBatch, fixedValue, runtime, [.. outputIndex]);
            string[] optional = [.. runtime.Where(r => r is not null)!];
            return new ImportedModel(source, n.OpType, xName, layout == 0, features, optional, [.. model.Graph.Outputs.Select(o => o.Name)], null, run.Run, referenceReason);
        }
    }

    /// <summary>Runs one standard node: each direction on (B,T,I), then Y, Y_h, Y_c in the node's layout.</summary>
    private sealed class StandardRun(
        string label, int d, int h, StandardRun.Direction direction, bool batchMajor, int stateCount, int? fixedBatch, OnnxTensor?[] fixedValue, string?[] runtime,
        int[] outputIndex)
    {
        /// <summary>
        /// Direction k on x (B,T,I) from the starting states (B,H): its output (B,T,H), in processing order when
        /// <c>Flipped</c> (a backwards Gated layer: input step t is output step T−1−t), and its final states (B,H).
        /// </summary>
        public delegate (Tensor Output, Tensor[] Finals, bool Flipped) Direction(int k, Tensor x, Tensor[] start, int[]? lengths);

        public Tensor[] Run(Tensor input, IReadOnlyDictionary<string, Tensor> extra)
        {
            // x (B,T,I) for Gated; ONNX's X is (T,B,I) in layout 0.
            var x = batchMajor ? input : ImportedModel.SwapFirstAxes(input);
            int batch = x.Shape[0], steps = x.Shape[1];
            if (fixedBatch is int fb && fb != batch)
            {
                throw new ArgumentException($"{label} has initial states or sequence_lens for batch {fb}; the input has batch {batch}.", nameof(input));
            }

            int[]? lengths = Lengths(extra, batch, steps);
            var initial = new float[stateCount][];
            for (int s = 0; s < stateCount; s++)
            {
                initial[s] = State(extra, 5 + s, batch, d, h);
            }

            // Y (T,D,B,H) or, batch major, (B,T,D,H); Y_h and Y_c (D,B,H) or (B,D,H).
            var y = batchMajor ? new Tensor(batch, steps, d, h) : new Tensor(steps, d, batch, h);
            var finals = Enumerable.Range(0, stateCount).Select(_ => batchMajor ? new Tensor(batch, d, h) : new Tensor(d, batch, h)).ToArray();
            for (int k = 0; k < d; k++)
            {
                var start = new Tensor[stateCount];
                for (int s = 0; s < stateCount; s++)
                {
                    start[s] = new Tensor(batch, h);
                    for (int b = 0; b < batch; b++)
                    {
                        initial[s].AsSpan(StateOffset(b, k, batch, d, h), h).CopyTo(start[s].Data.AsSpan(b * h, h));
                    }
                }

                var (output, finalStates, backwards) = direction(k, x, start, lengths);
                for (int b = 0; b < batch; b++)
                {
                    int valid = lengths?[b] ?? steps;
                    for (int t = 0; t < valid; t++)
                    {
                        // Gated returns a backwards layer's steps in processing order: step t of the input is its output steps−1−t.
                        int from = backwards ? steps - 1 - t : t;
                        int to = batchMajor ? (((((b * steps) + t) * d) + k) * h) : (((((t * d) + k) * batch) + b) * h);
                        output.Data.AsSpan(((b * steps) + from) * h, h).CopyTo(y.Data.AsSpan(to, h));
                    }

                    for (int s = 0; s < stateCount; s++)
                    {
                        finalStates[s].Data.AsSpan(b * h, h).CopyTo(finals[s].Data.AsSpan(StateOffset(b, k, batch, d, h), h));
                    }
                }
            }

            return [.. outputIndex.Select(i => i == 0 ? y : finals[i - 1])];

            int StateOffset(int b, int k, int batchSize, int directions, int units) =>
                (batchMajor ? ((b * directions) + k) : ((k * batchSize) + b)) * units;
        }

        private int[]? Lengths(IReadOnlyDictionary<string, Tensor> extra, int batch, int steps)
        {
            long[]? values = fixedValue[4]?.Int64Data;
            if (runtime[4] is string name && extra.TryGetValue(name, out var given))
            {
                values = [.. given.Data.Select(v => (long)v)];
            }

            if (values is null)
            {
                return null;
            }

            if (values.Length != batch)
            {
                throw new ArgumentException($"sequence_lens holds {values.Length} lengths for batch {batch}.", nameof(extra));
            }

            foreach (long v in values)
            {
                if (v < 1 || v > steps)
                {
                    throw new ArgumentException($"sequence_lens holds {v}; Gated reads lengths from 1 to the {steps} steps of the input.", nameof(extra));
                }
            }

            return values.Length == 0 || values.All(v => v == steps) ? null : [.. values.Select(v => (int)v)];
        }

        private float[] State(IReadOnlyDictionary<string, Tensor> extra, int input, int batch, int d, int h)
        {
            string which = input == 5 ? "initial_h" : "initial_c";
            if (runtime[input] is string name && extra.TryGetValue(name, out var given))
            {
                int[] want = batchMajor ? [batch, d, h] : [d, batch, h];
                if (!given.Shape.SequenceEqual(want))
                {
                    throw new ArgumentException($"{which} '{name}' must be {Tensor.FormatShape(want)}, got {Tensor.FormatShape(given.Shape)}.", nameof(extra));
                }

                return given.Data;
            }

            return fixedValue[input]?.FloatData ?? new float[batch * d * h];
        }
    }
}
