namespace Gated.Tests.Kernels;

/// <summary>The slow twin of Gated.Kernels.Gemm: the textbook triple loop in double precision.</summary>
internal static class GemmReference
{
    // op(A) (M,K) · op(B) (K,N) → expected C (M,N), plus the error scale |alpha|·Σ|a||b| + |beta·c| per entry.
    // op(A)[i,p] sits at i·rowA + p·colA, so a transpose is a stride swap.
    public static (double[] Expected, double[] Scale) Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        int rowA = transposeA ? 1 : lda, colA = transposeA ? lda : 1;
        int rowB = transposeB ? 1 : ldb, colB = transposeB ? ldb : 1;
        var expected = new double[m * n];
        var scale = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double product = (double)a[(i * rowA) + (p * colA)] * b[(p * rowB) + (j * colB)];
                    sum += product;
                    magnitude += Math.Abs(product);
                }

                double prior = beta == 0 ? 0 : (double)beta * c[(i * ldc) + j];
                expected[(i * n) + j] = (alpha * sum) + prior;
                scale[(i * n) + j] = (Math.Abs(alpha) * magnitude) + Math.Abs(prior);
            }
        }

        return (expected, scale);
    }
}
