using Gated.Tensors;

namespace Gated.Layers.Recurrent;

/// <summary>
/// Optional inputs of a recurrent layer beside the sequence: initial states (h, or h and c for LSTM, each
/// (B, H)), and which steps are real — a (B, T) mask of 1/0 or per-sequence lengths (real steps first).
/// At padded steps the state is carried through unchanged and the output is zero, so the final state is the
/// last real step's (PyTorch packed-sequence semantics).
/// </summary>
public sealed record RecurrentInputs
{
    /// <summary>Initial states, each (B, H): h, or h then c for LSTM; null starts from zero (or a stateful layer's carried states).</summary>
    public IReadOnlyList<Tensor>? InitialStates { get; init; }

    /// <summary>(B, T) of 1 (real step) and 0 (padding), in the input's time order; not with <see cref="Lengths"/>.</summary>
    public Tensor? Mask { get; init; }

    /// <summary>Real steps per sequence, each in [1, T], padding after them; one per sample; not with <see cref="Mask"/>.</summary>
    public IReadOnlyList<int>? Lengths { get; init; }
}
