namespace Gated.Tests.Reference;

/// <summary>Per-call inputs of a reference run, as RecurrentInputs plus the dropout masks Gated drew.</summary>
public sealed record ReferenceRun
{
    /// <summary>Per state kind (h; h and c), (B, H); null for zeros.</summary>
    public double[][]? InitialStates { get; init; }

    /// <summary>(B, T) of 0/1 in time order.</summary>
    public double[]? Mask { get; init; }

    public int[]? Lengths { get; init; }

    /// <summary>Keras's zero_output_for_mask: a padded step outputs 0 (true) or the output of the last real step before it (false; 0 if none).</summary>
    public bool ZeroOutputForMask { get; init; } = true;

    /// <summary>(B, I) factors multiplying every step's input (0 or 1/(1 − rate)).</summary>
    public double[]? InputDropoutMask { get; init; }

    /// <summary>(B, H) factors multiplying h before the recurrent kernel.</summary>
    public double[]? RecurrentDropoutMask { get; init; }
}
