using System.Numerics;

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

    // B stored (K,N): c = beta · c, then c += (alpha · a[p]) · B[p, :] for four rows p at a time, so B streams
    // once, row by row, while c (N floats) stays in L1 and is loaded and stored once per four rows.
    private static unsafe void RowAxpyRows(int n, int k, float alpha, float* a, float* b, nint ldb, float beta, float* c)
    {
        // beta == 0 must not read C (it may hold NaN).
        for (int j = 0; j < n; j++)
        {
            c[j] = beta == 0 ? 0 : c[j] * beta;
        }

        int w = Vector<float>.Count;
        int p = 0;
        for (; p + 4 <= k; p += 4)
        {
            float* r0 = b + (p * ldb), r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            float a0 = alpha * a[p], a1 = alpha * a[p + 1], a2 = alpha * a[p + 2], a3 = alpha * a[p + 3];
            var v0 = new Vector<float>(a0);
            var v1 = new Vector<float>(a1);
            var v2 = new Vector<float>(a2);
            var v3 = new Vector<float>(a3);
            int j = 0;
            for (; j + w <= n; j += w)
            {
                Vector<float> s = Vector.Load(c + j);
                s = Vector.MultiplyAddEstimate(v0, Vector.Load(r0 + j), s);
                s = Vector.MultiplyAddEstimate(v1, Vector.Load(r1 + j), s);
                s = Vector.MultiplyAddEstimate(v2, Vector.Load(r2 + j), s);
                s = Vector.MultiplyAddEstimate(v3, Vector.Load(r3 + j), s);
                Vector.Store(s, c + j);
            }

            for (; j < n; j++)
            {
                c[j] += (a0 * r0[j]) + (a1 * r1[j]) + (a2 * r2[j]) + (a3 * r3[j]);
            }
        }

        for (; p < k; p++)
        {
            float* r0 = b + (p * ldb);
            float a0 = alpha * a[p];
            var v0 = new Vector<float>(a0);
            int j = 0;
            for (; j + w <= n; j += w)
            {
                Vector.Store(Vector.MultiplyAddEstimate(v0, Vector.Load(r0 + j), Vector.Load(c + j)), c + j);
            }

            for (; j < n; j++)
            {
                c[j] += a0 * r0[j];
            }
        }
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
