using System.Numerics;
using System.Runtime.CompilerServices;

namespace Gated.Kernels;

internal static partial class Gemm
{
    // One row of C, the batch-1 case: c (1,N) = alpha · a (1,K) · op(B) (K,N) + beta · c, a strided by aStride.
    // Packing B would cost two passes over it for one use, so B is read once, in place. This is bound by
    // memory, not arithmetic, so Vector<float> (the natural width: 256 bits on AVX2 and AVX-512, 128 on
    // SSE and NEON) serves every vector path.
    private static unsafe void RowTimesMatrix(
        bool transposeB, int n, int k, float alpha, float* a, nint aStride, float* b, nint ldb, float beta, float* c)
    {
        // A row of Aᵀ (A stored (K,M)) is strided; gather it once so the dot-product form can load it as vectors.
        if (aStride != 1)
        {
            float* packed = PackBuffer(ref t_packedA, k);
            for (int p = 0; p < k; p++)
            {
                packed[p] = a[p * aStride];
            }

            a = packed;
        }

        if (transposeB)
        {
            RowDotRows(n, k, alpha, a, b, ldb, beta, c);
        }
        else
        {
            RowAxpyRows(n, k, alpha, a, b, ldb, beta, c);
        }
    }

    // B stored (K,N): c = alpha · (a · B) + beta · c. Columns go in strips of eight vectors whose sums stay in
    // registers while all K rows of the strip stream past, so c is read and written once and two FMA pipes stay
    // busy with eight independent chains (adding a row at a time into c in memory would load and store c again
    // for every few rows). Strips of four, two and one vector, then single floats, finish the row. Every column,
    // whichever strip it falls in, is one chain of fused multiply-adds over k in order, so a product split by
    // columns among threads computes each value exactly as the whole product does.
    private static unsafe void RowAxpyRows(int n, int k, float alpha, float* a, float* b, nint ldb, float beta, float* c)
    {
        int w = Vector<float>.Count;
        int j = 0;
        for (; j + (8 * w) <= n; j += 8 * w)
        {
            Vector<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            float* row = b + j;
            for (int p = 0; p < k; p++, row += ldb)
            {
                var ap = new Vector<float>(a[p]);
                s0 = Vector.FusedMultiplyAdd(ap, Vector.Load(row), s0);
                s1 = Vector.FusedMultiplyAdd(ap, Vector.Load(row + w), s1);
                s2 = Vector.FusedMultiplyAdd(ap, Vector.Load(row + (2 * w)), s2);
                s3 = Vector.FusedMultiplyAdd(ap, Vector.Load(row + (3 * w)), s3);
                s4 = Vector.FusedMultiplyAdd(ap, Vector.Load(row + (4 * w)), s4);
                s5 = Vector.FusedMultiplyAdd(ap, Vector.Load(row + (5 * w)), s5);
                s6 = Vector.FusedMultiplyAdd(ap, Vector.Load(row + (6 * w)), s6);
                s7 = Vector.FusedMultiplyAdd(ap, Vector.Load(row + (7 * w)), s7);
            }

            StoreScaled(c + j, s0, alpha, beta);
            StoreScaled(c + j + w, s1, alpha, beta);
            StoreScaled(c + j + (2 * w), s2, alpha, beta);
            StoreScaled(c + j + (3 * w), s3, alpha, beta);
            StoreScaled(c + j + (4 * w), s4, alpha, beta);
            StoreScaled(c + j + (5 * w), s5, alpha, beta);
            StoreScaled(c + j + (6 * w), s6, alpha, beta);
            StoreScaled(c + j + (7 * w), s7, alpha, beta);
        }

        for (int width = 4; width >= 1; width /= 2)
        {
            if (j + (width * w) <= n)
            {
                RowAxpyStrip(width, k, alpha, a, b + j, ldb, beta, c + j);
                j += width * w;
            }
        }

        for (; j < n; j++)
        {
            float sum = 0;
            for (int p = 0; p < k; p++)
            {
                sum = MathF.FusedMultiplyAdd(a[p], b[(p * ldb) + j], sum);
            }

            StoreScaled(c + j, sum, alpha, beta);
        }
    }

    // Columns [0, width·W) of the row (width 4, 2 or 1 vectors): the narrower strips that finish a row after the
    // eight-vector ones, with the same one chain per column.
    private static unsafe void RowAxpyStrip(int width, int k, float alpha, float* a, float* b, nint ldb, float beta, float* c)
    {
        int w = Vector<float>.Count;
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (int p = 0; p < k; p++, b += ldb)
        {
            var ap = new Vector<float>(a[p]);
            s0 = Vector.FusedMultiplyAdd(ap, Vector.Load(b), s0);
            if (width >= 2)
            {
                s1 = Vector.FusedMultiplyAdd(ap, Vector.Load(b + w), s1);
            }

            if (width == 4)
            {
                s2 = Vector.FusedMultiplyAdd(ap, Vector.Load(b + (2 * w)), s2);
                s3 = Vector.FusedMultiplyAdd(ap, Vector.Load(b + (3 * w)), s3);
            }
        }

        StoreScaled(c, s0, alpha, beta);
        if (width >= 2)
        {
            StoreScaled(c + w, s1, alpha, beta);
        }

        if (width == 4)
        {
            StoreScaled(c + (2 * w), s2, alpha, beta);
            StoreScaled(c + (3 * w), s3, alpha, beta);
        }
    }

    // c = alpha · s + beta · c for one vector; beta == 0 must not read C (it may hold NaN).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreScaled(float* c, Vector<float> s, float alpha, float beta)
    {
        var scaled = s * alpha;
        Vector.Store(beta == 0 ? scaled : scaled + (Vector.Load(c) * beta), c);
    }

    // One column of C, the n = 1 case (a Dense(1) head, the input gradient of a univariate series): each C row
    // is a dot product of a contiguous A row with op(B)'s one column, which is gathered once. A tile path would
    // compute 15 padding columns for every real one. Row i depends on nothing but row i, so any row split of
    // the product computes it the same way.
    private static unsafe void MatrixTimesColumn(
        bool transposeB, int m, int k, float alpha, float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        float* column = b;
        if (!transposeB && ldb != 1)
        {
            column = PackBuffer(ref t_packedB, k);
            for (int p = 0; p < k; p++)
            {
                column[p] = b[p * ldb];
            }
        }

        RowDotRows(m, k, alpha, column, a, lda, beta, c, ldc);
    }

    // B stored (N,K): c[j·cStride] = a · B[j, :], four rows of B per pass so each load of a serves four dot products.
    private static unsafe void RowDotRows(int n, int k, float alpha, float* a, float* b, nint ldb, float beta, float* c, nint cStride = 1)
    {
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            float* r0 = b + (j * ldb), r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int p = 0;
            for (; p + Vector<float>.Count <= k; p += Vector<float>.Count)
            {
                Vector<float> ap = Vector.Load(a + p);
                s0 = Vector.MultiplyAddEstimate(ap, Vector.Load(r0 + p), s0);
                s1 = Vector.MultiplyAddEstimate(ap, Vector.Load(r1 + p), s1);
                s2 = Vector.MultiplyAddEstimate(ap, Vector.Load(r2 + p), s2);
                s3 = Vector.MultiplyAddEstimate(ap, Vector.Load(r3 + p), s3);
            }

            float t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
            for (; p < k; p++)
            {
                t0 += a[p] * r0[p];
                t1 += a[p] * r1[p];
                t2 += a[p] * r2[p];
                t3 += a[p] * r3[p];
            }

            StoreScaled(c + (j * cStride), t0, alpha, beta);
            StoreScaled(c + ((j + 1) * cStride), t1, alpha, beta);
            StoreScaled(c + ((j + 2) * cStride), t2, alpha, beta);
            StoreScaled(c + ((j + 3) * cStride), t3, alpha, beta);
        }

        for (; j < n; j++)
        {
            float* r0 = b + (j * ldb);
            Vector<float> s0 = default;
            int p = 0;
            for (; p + Vector<float>.Count <= k; p += Vector<float>.Count)
            {
                s0 = Vector.MultiplyAddEstimate(Vector.Load(a + p), Vector.Load(r0 + p), s0);
            }

            float t0 = Vector.Sum(s0);
            for (; p < k; p++)
            {
                t0 += a[p] * r0[p];
            }

            StoreScaled(c + (j * cStride), t0, alpha, beta);
        }
    }

    // beta == 0 must not read C (it may hold NaN).
    private static unsafe void StoreScaled(float* c, float s, float alpha, float beta)
        => *c = beta == 0 ? s * alpha : (s * alpha) + (*c * beta);
}
