namespace Gated.Kernels;

/// <summary>
/// Single-precision GEMM on row-major matrices: C (M,N) = alpha · op(A) (M,K) · op(B) (K,N) + beta · C.
/// op(A) is A (M,K) with row stride lda, or Aᵀ where A is stored (K,M); likewise B.
/// </summary>
internal static class Gemm
{
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        // Placeholder scalar loop until the packed kernel lands (owned by the kernels work).
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[(p * lda) + i] : a[(i * lda) + p];
                    float bv = transposeB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += av * bv;
                }

                float prior = beta == 0 ? 0 : beta * c[(i * ldc) + j];
                c[(i * ldc) + j] = (alpha * sum) + prior;
            }
        }
    }
}
