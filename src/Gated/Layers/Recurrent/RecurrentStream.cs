using Gated.Layers.Recurrent.TimeLoop;
using Gated.Tensors;

namespace Gated.Layers.Recurrent;

/// <summary>
/// Advances a batch of recurrent states one step at a time (real-time inference) with no allocation per step.
/// Created by <see cref="RecurrentLayer.CreateStream"/>; states start at zero. A stream owns its workspace, so several
/// streams of one layer may step on different threads at once (each stream by one thread at a time).
/// </summary>
public sealed class RecurrentStream
{
    private readonly RecurrentLayer _layer;
    private readonly RecurrentTimeLoop _loop;
    private readonly RecurrentWorkspace _work;

    internal RecurrentStream(RecurrentLayer layer, RecurrentTimeLoop loop, RecurrentWorkspace work)
    {
        _layer = layer;
        _loop = loop;
        _work = work;
    }

    /// <summary>B, the number of sequences advanced together.</summary>
    public int Batch => _work.Batch;

    /// <summary>The current state of kind k (0 = h, 1 = c for LSTM), (B, H), writable to set a state.</summary>
    public Span<float> State(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, _layer.StateCount);
        return _work.State(k, 0);
    }

    /// <summary>Feeds one step: input (B, I); writes the new h (B, H) to output.</summary>
    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        int expectedInput = _work.Batch * _work.InputSize;
        int expectedOutput = _work.Batch * _work.Units;
        if (input.Length != expectedInput)
        {
            throw new ArgumentException($"Input must hold batch × features = {expectedInput} values, got {input.Length}.", nameof(input));
        }

        if (output.Length != expectedOutput)
        {
            throw new ArgumentException($"Output must hold batch × units = {expectedOutput} values, got {output.Length}.", nameof(output));
        }

        _loop.StreamStep(_work, input, output);
    }

    /// <summary>Sets every state back to zero.</summary>
    public void Reset()
    {
        for (int k = 0; k < _layer.StateCount; k++)
        {
            _work.State(k, 0).Clear();
        }
    }

    /// <summary>The layer type, batch and state shape, e.g. "RecurrentStream(GRU, batch 4, (4, 32))".</summary>
    public override string ToString() => $"RecurrentStream({_layer.TypeName}, batch {Batch}, {Tensor.FormatShape([_work.Batch, _work.Units])})";
}
