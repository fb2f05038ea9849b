using Gated.Models;
using Gated.Tensors;

namespace Gated.Serialization.Onnx;

/// <summary>
/// An ONNX graph as Gated runs it, with its inputs and outputs by name and in the graph's own layouts: either a
/// chain of layers (<see cref="Sequential"/>, one output) or a standard single-node GRU, LSTM or RNN graph, whose
/// outputs are any of Y, Y_h and Y_c and whose optional inputs (sequence_lens, initial_h, initial_c) may be graph inputs.
/// </summary>
public sealed class ImportedModel
{
    private readonly Func<Tensor, IReadOnlyDictionary<string, Tensor>, Tensor[]> _run;
    private readonly Lock _gate = new();

    internal ImportedModel(
        string source, string nodeType, string inputName, bool timeMajor, int features, IReadOnlyList<string> optionalInputs,
        IReadOnlyList<string> outputNames, Sequential? sequential, Func<Tensor, IReadOnlyDictionary<string, Tensor>, Tensor[]> run,
        string? referenceReason = null)
    {
        ReferenceReason = referenceReason;
        Source = source;
        NodeType = nodeType;
        InputName = inputName;
        TimeMajor = timeMajor;
        Features = features;
        OptionalInputs = optionalInputs;
        OutputNames = outputNames;
        Sequential = sequential;
        _run = run;
    }

    /// <summary>The file or name the model was read from.</summary>
    public string Source { get; }

    /// <summary>"GRU", "LSTM" or "RNN" for a single-node graph; "chain" for a chain of layers.</summary>
    public string NodeType { get; }

    /// <summary>The graph input holding the sequence.</summary>
    public string InputName { get; }

    /// <summary>True when the graph reads its sequence as (time, batch, features), false for (batch, time, features).</summary>
    public bool TimeMajor { get; }

    /// <summary>Features per step of the sequence input.</summary>
    public int Features { get; }

    /// <summary>The other graph inputs (sequence_lens, initial_h, initial_c): when not given, all steps count and states start at zero.</summary>
    public IReadOnlyList<string> OptionalInputs { get; }

    /// <summary>The graph's outputs, in the graph's order; the first is <see cref="Predict"/>'s.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The chain of layers, reading (batch, time, features); null for a single-node graph.</summary>
    public Sequential? Sequential { get; }

    /// <summary>
    /// True when the single node needs what Gated's layers lack (clip, other activations or their alpha and beta, LSTM
    /// peepholes or input_forget) and runs through a plain reference implementation of ONNX's equations instead of
    /// Gated's recurrent layers; such a graph cannot become a Gated model.
    /// </summary>
    public bool UsesReferencePath => ReferenceReason is not null;

    /// <summary>Why the node runs through the reference path (the one-line refusal <c>OnnxImporter.Load</c> gives); null otherwise.</summary>
    internal string? ReferenceReason { get; }

    /// <summary>
    /// Runs the graph: <paramref name="input"/> in the graph's layout (<see cref="TimeMajor"/>); optional inputs by name,
    /// in ONNX's layouts (sequence_lens as float values). Returns every output by name, in ONNX's layouts.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Run(Tensor input, IReadOnlyDictionary<string, Tensor>? optionalInputs = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 3 || input.Shape[2] != Features)
        {
            string layout = TimeMajor ? "time, batch" : "batch, time";
            throw new ArgumentException($"Input must be ({layout}, {Features} features), got {Tensor.FormatShape(input.Shape)}.", nameof(input));
        }

        var extra = optionalInputs ?? new Dictionary<string, Tensor>();
        foreach (string name in extra.Keys)
        {
            if (!OptionalInputs.Contains(name))
            {
                string known = OptionalInputs.Count == 0 ? "none" : string.Join(", ", OptionalInputs);
                throw new ArgumentException($"The graph has no optional input '{name}' (it has: {known}).", nameof(optionalInputs));
            }
        }

        Tensor[] outputs;
        lock (_gate)
        {
            outputs = _run(input, extra);
        }

        return OutputNames.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => outputs[p.k], StringComparer.Ordinal);
    }

    /// <summary>The first output for an input in the graph's layout.</summary>
    public Tensor Predict(Tensor input) => Run(input)[OutputNames[0]];

    internal static ImportedModel FromSequential(string source, string inputName, bool inputTimeMajor, string outputName, bool outputTimeMajor, Sequential model) =>
        new(source, "chain", inputName, inputTimeMajor, model.InputShape[^1], [], [outputName], model, (x, _) =>
        {
            var y = model.Predict(inputTimeMajor ? SwapFirstAxes(x) : x);
            return [outputTimeMajor ? SwapFirstAxes(y) : y];
        });

    /// <summary>(a, b, c) → (b, a, c): a time-major sequence batch-major, or back.</summary>
    public static Tensor SwapFirstAxes(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 3)
        {
            throw new ArgumentException($"Expected a rank-3 tensor, got {Tensor.FormatShape(x.Shape)}.", nameof(x));
        }

        int a = x.Shape[0], b = x.Shape[1], c = x.Shape[2];
        var y = new Tensor(b, a, c);
        for (int i = 0; i < a; i++)
        {
            for (int j = 0; j < b; j++)
            {
                x.Data.AsSpan(((i * b) + j) * c, c).CopyTo(y.Data.AsSpan(((j * a) + i) * c, c));
            }
        }

        return y;
    }
}
