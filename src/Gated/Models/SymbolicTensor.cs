using Gated.Tensors;

namespace Gated.Models;

/// <summary>
/// A tensor of a functional model before any data flows (Keras's KerasTensor): a model <see cref="Input"/>, or an
/// output of a layer called on other symbolic tensors with <see cref="LayerCalls.Call"/>. It records where it comes
/// from; a <see cref="Model"/> built over it gives it its per-sample shape.
/// </summary>
public class SymbolicTensor
{
    private int[]? _shape;

    private protected SymbolicTensor(int[]? shape, string? name)
    {
        _shape = shape;
        GivenName = name;
        Sequence = Interlocked.Increment(ref s_created);
    }

    internal SymbolicTensor(LayerCall producer, int outputIndex)
        : this(null, null)
    {
        Producer = producer;
        OutputIndex = outputIndex;
    }

    private static long s_created;

    /// <summary>Per-sample shape (no batch axis): an input's as declared, a layer output's once a model is built over it.</summary>
    /// <exception cref="InvalidOperationException">No model over this tensor is built yet.</exception>
    public int[] Shape => _shape ?? throw new InvalidOperationException(
        $"The shape of {Describe()} is known once a Model over it is built (layers build when the model does).");

    /// <summary>Whether the shape is known (an input, or a layer output of a built model).</summary>
    public bool HasShape => _shape is not null;

    /// <summary>The layer call that gives this tensor; null for an <see cref="Input"/>.</summary>
    internal LayerCall? Producer { get; }

    /// <summary>Which of the producer's outputs this is (a recurrent layer with return_state gives several).</summary>
    internal int OutputIndex { get; }

    /// <summary>The name given at creation (inputs); null otherwise.</summary>
    internal string? GivenName { get; }

    /// <summary>Creation order; calls are recorded in an order their inputs already exist in, so it is a topological order.</summary>
    internal long Sequence { get; }

    internal void SetShape(int[] shape)
    {
        if (_shape is not null && !_shape.AsSpan().SequenceEqual(shape))
        {
            throw new InvalidOperationException($"{Describe()} was built as {Tensor.FormatShape(_shape)}, now {Tensor.FormatShape(shape)}.");
        }

        _shape = shape;
    }

    internal string Describe() => Producer is null
        ? $"input '{GivenName ?? "unnamed"}'"
        : $"output {OutputIndex} of the {Producer.Layer.TypeName} call";
}

/// <summary>
/// A functional model's input (Keras's keras.Input): a per-sample shape without the batch axis, and an optional name
/// that Summary shows and that names it in errors.
/// </summary>
public sealed class Input : SymbolicTensor
{
    /// <summary>An input of the given per-sample shape, e.g. (time, features).</summary>
    /// <param name="shape">Per-sample shape, every dimension positive.</param>
    /// <param name="name">A name for Summary and messages; "input_k" when null.</param>
    /// <param name="variableLength">
    /// Batches may bring any length on the shape's first axis, a time axis (Keras's <c>shape=(None, …)</c>); the shape
    /// gives the length layers are built for. Every layer the length reaches must accept any length (recurrent layers,
    /// Embedding, Dense, TimeDistributed, attention, merges along features…), or the model refuses to build.
    /// </param>
    /// <exception cref="ArgumentException">The shape is empty or has a dimension below 1.</exception>
    public Input(int[] shape, string? name = null, bool variableLength = false)
        : base(CheckShape(shape), name)
    {
        VariableLength = variableLength;
    }

    /// <summary>The name given, or null.</summary>
    public string? Name => GivenName;

    /// <summary>Whether batches may bring any length on the first per-sample axis.</summary>
    public bool VariableLength { get; }

    private static int[] CheckShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0 || shape.Any(d => d < 1))
        {
            throw new ArgumentException($"Input shape must have positive dimensions, got {Tensor.FormatShape(shape)}.", nameof(shape));
        }

        return (int[])shape.Clone();
    }
}
