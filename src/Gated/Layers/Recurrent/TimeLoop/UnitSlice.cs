namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>
/// A run of hidden units [Start, Start + Count) that one thread owns in a split by units: it computes those
/// units' columns of every gate's recurrent product and their gate math, at every step, for the whole batch.
/// </summary>
internal readonly record struct UnitSlice(int Start, int Count)
{
    // Parts start on a whole number of 16-unit blocks: the AVX2 GEMM tile's width, and two gate-math vectors.
    private const int Alignment = 16;

    /// <summary>Units per part (the last part may be shorter) when `units` are split into at most `parts` parts.</summary>
    public static int ChunkSize(int units, int parts) => (units + (Alignment * parts) - 1) / (Alignment * parts) * Alignment;

    /// <summary>How many parts chunks of `chunk` units make.</summary>
    public static int PartCount(int units, int chunk) => (units + chunk - 1) / chunk;

    public static UnitSlice Part(int units, int chunk, int index)
    {
        int start = index * chunk;
        return new UnitSlice(start, Math.Min(chunk, units - start));
    }

    public int End => Start + Count;
}
