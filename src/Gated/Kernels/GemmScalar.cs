namespace Gated.Kernels;

/// <summary>
/// The obvious SGEMM: one dot product per output. It is the fallback where no SIMD is accelerated and the
/// readable statement of what <see cref="Gemm"/> computes. Same contract as <see cref="Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, ReadOnlySpan{float})"/>;
/// arguments are validated there.
/// </summary>
internal static class GemmScalar
{
    // op(A) (M,K) · op(B) (K,N) → C (M,N). op(A)[i,p] sits at i·rowA + p·colA, so a transpose is a stride swap.
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        int rowA = transposeA ? 1 : lda, colA = transposeA ? lda : 1;
        int rowB = transposeB ? 1 : ldb, colB = transposeB ? ldb : 1;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += a[(i * rowA) + (p * colA)] * b[(p * rowB) + (j * colB)];
                }

                // beta == 0 overwrites: C may hold NaN that 0 · NaN would keep.
                ref float cij = ref c[(i * ldc) + j];
                cij = beta == 0 ? alpha * sum : (alpha * sum) + (beta * cij);
            }
        }
    }
}
