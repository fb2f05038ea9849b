namespace Gated.Kernels;

/// <summary>
/// A register-blocked GEMM tile: C (Rows, Columns) = alpha · Ã · B̃ + beta · C over kc steps, where Ã holds
/// Rows values per step and B̃ holds Columns values per step, both packed contiguously by <see cref="Gemm"/>.
/// beta == 0 must not read C.
/// </summary>
internal interface IGemmMicroKernel
{
    /// <summary>Tile height MR.</summary>
    static abstract int Rows { get; }

    /// <summary>Tile width NR; a multiple of 4.</summary>
    static abstract int Columns { get; }

    static abstract unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta);
}
