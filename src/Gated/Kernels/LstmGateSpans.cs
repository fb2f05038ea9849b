namespace Gated.Kernels;

/// <summary>
/// The operands of one fused LSTM gate pass over units [Start, Start + Count) of Rows rows, named (gate blocks
/// i, f, g, o). InputGates and InputGateGradients are (Rows, 4H); the states, the caches and the state gradients
/// (Rows, H); RecurrentGates holds only this pass's units, laid out as in <see cref="GruGateSpans"/>.
/// </summary>
internal ref struct LstmGateSpans
{
    /// <summary>Rows of the batch this pass covers.</summary>
    public int Rows;

    /// <summary>H, the layer's units.</summary>
    public int Units;

    /// <summary>First unit of the pass.</summary>
    public int Start;

    /// <summary>Units in the pass.</summary>
    public int Count;

    /// <summary>gx = x·W + b, (Rows, 4H).</summary>
    public ReadOnlySpan<float> InputGates;

    /// <summary>gh = h·U for this pass's units only.</summary>
    public ReadOnlySpan<float> RecurrentGates;

    /// <summary>Distance between rows of <see cref="RecurrentGates"/>.</summary>
    public int RecurrentRowStride;

    /// <summary>Distance between gate blocks within a row of <see cref="RecurrentGates"/>.</summary>
    public int RecurrentGateStride;

    /// <summary>c, the cell state before the step.</summary>
    public ReadOnlySpan<float> PreviousCell;

    /// <summary>Cache: i, the input gate.</summary>
    public Span<float> InputGate;

    /// <summary>Cache: f, the forget gate.</summary>
    public Span<float> ForgetGate;

    /// <summary>Cache: g, the cell candidate.</summary>
    public Span<float> CellCandidate;

    /// <summary>Cache: o, the output gate.</summary>
    public Span<float> OutputGate;

    /// <summary>Cache: tanh(c').</summary>
    public Span<float> CellTanh;

    /// <summary>c', the cell state after the step.</summary>
    public Span<float> NextCell;

    /// <summary>h', the hidden state after the step.</summary>
    public Span<float> NextState;

    /// <summary>Backward: dLoss/dh' on entry, 0 on exit (h reaches the loss only through U).</summary>
    public Span<float> StateGradient;

    /// <summary>Backward: dLoss/dc' on entry, dLoss/dc on exit.</summary>
    public Span<float> CellGradient;

    /// <summary>Backward: dLoss/d(pre-activations), (Rows, 4H).</summary>
    public Span<float> InputGateGradients;
}
