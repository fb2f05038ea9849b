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
    public IReadOnlyList<Tensor>? InitialStates { get; init; }

    public Tensor? Mask { get; init; }

    public IReadOnlyList<int>? Lengths { get; init; }
}
