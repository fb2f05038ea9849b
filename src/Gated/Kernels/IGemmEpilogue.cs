namespace Gated.Kernels;

/// <summary>
/// Work a GEMM hands a block of its finished output to (see <see cref="Gemm.Multiply{TEpilogue}"/>): a recurrent step's
/// gate math, run on each group of gate columns while they are still in cache instead of in a pass over all of C afterwards.
/// </summary>
internal interface IGemmEpilogue
{
    /// <summary>Rows [row, row + rows) and columns [column, column + columns) of C are final.</summary>
    void Apply(int row, int rows, int column, int columns);
}

/// <summary>The plain product: nothing runs on the output.</summary>
internal readonly struct NoEpilogue : IGemmEpilogue
{
    public void Apply(int row, int rows, int column, int columns)
    {
    }
}
