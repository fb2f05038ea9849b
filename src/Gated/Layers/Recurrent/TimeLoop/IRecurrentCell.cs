namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>
/// One step of a recurrence, "a function (input, hidden, params) → hidden", for the time loop
/// (<see cref="RecurrentTimeLoop"/>) that runs it over a sequence. The loop owns the input projection for all
/// steps, the products with U it can take on the cell's behalf, the splits among threads, masks, dropout and the
/// weight gradients; a cell owns its gate math and what it caches for its backward step. A cell implements
/// <see cref="IUnitwiseCell"/> when its units are independent, otherwise <see cref="ICoupledCell"/>.
/// </summary>
internal interface IRecurrentCell
{
    /// <summary>G: gate blocks in the kernels (GRU 3, LSTM 4, SimpleRNN 1).</summary>
    int GateCount { get; }

    /// <summary>State tensors carried from step to step: 1 (h) or 2 (h, c); h is state 0.</summary>
    int StateCount { get; }

    /// <summary>Per-step (T, B, H) values the cell keeps for its backward step (the cache layout is the cell's).</summary>
    int CacheCount { get; }

    /// <summary>The cell's parameters.</summary>
    RecurrentWeights Weights { get; }

    /// <summary>The products with column blocks of U that the cell's steps take, forward and backward.</summary>
    RecurrentOperand[] Operands { get; }

    /// <summary>True when the recurrent pre-activation gradients differ from the input ones (GRU reset after: r scales U_n·h).</summary>
    bool SeparateRecurrentGateGradients { get; }

    /// <summary>True when the recurrent bias simply adds to the input projection's (LSTM, SimpleRNN); GRU reset after scales it by r.</summary>
    bool RecurrentBiasAddsToInput { get; }
}
