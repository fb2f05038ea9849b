namespace Gated.Kernels;

/// <summary>
/// The operands of one fused GRU (reset after) gate pass over units [Start, Start + Count) of Rows rows, named
/// (gate blocks z, r, n, Keras order). (Rows, 3H) rows: InputGates, InputGateGradients, RecurrentGateGradients;
/// (Rows, H) rows: the states, the caches and StateGradient. RecurrentGates holds only this pass's units: row b's
/// gate block g at b·RecurrentRowStride + g·RecurrentGateStride (a whole (B, 3H) product sliced at unit Start
/// has strides 3H and H; a product of only these units' columns, 3·Count and Count).
/// </summary>
internal ref struct GruGateSpans
{
    /// <summary>Rows of the batch this pass covers.</summary>
    public int Rows;

    /// <summary>H, the layer's units (the row length of the (Rows, H) operands).</summary>
    public int Units;

    /// <summary>First unit of the pass.</summary>
    public int Start;

    /// <summary>Units in the pass.</summary>
    public int Count;

    /// <summary>gx = x·W + b_i, (Rows, 3H).</summary>
    public ReadOnlySpan<float> InputGates;

    /// <summary>gh = h·U without bias, for this pass's units only (strides below).</summary>
    public ReadOnlySpan<float> RecurrentGates;

    /// <summary>Distance between rows of <see cref="RecurrentGates"/>.</summary>
    public int RecurrentRowStride;

    /// <summary>Distance between gate blocks within a row of <see cref="RecurrentGates"/>.</summary>
    public int RecurrentGateStride;

    /// <summary>b_h (3H), added to gh inside the pass.</summary>
    public ReadOnlySpan<float> RecurrentBias;

    /// <summary>h, the state before the step.</summary>
    public ReadOnlySpan<float> PreviousState;

    /// <summary>Cache: z, the update gate.</summary>
    public Span<float> Update;

    /// <summary>Cache: r, the reset gate.</summary>
    public Span<float> Reset;

    /// <summary>Cache: n, the candidate state.</summary>
    public Span<float> Candidate;

    /// <summary>Cache: U_n·h + b_hn, which r scales.</summary>
    public Span<float> RecurrentCandidate;

    /// <summary>h', the state after the step.</summary>
    public Span<float> NextState;

    /// <summary>Backward: dLoss/dh' on entry, the part reaching h directly (dh' ⊙ z) on exit.</summary>
    public Span<float> StateGradient;

    /// <summary>Backward: dLoss/d(input projection), (Rows, 3H).</summary>
    public Span<float> InputGateGradients;

    /// <summary>Backward: dLoss/d(recurrent projection), (Rows, 3H); its n block is scaled by r.</summary>
    public Span<float> RecurrentGateGradients;
}
