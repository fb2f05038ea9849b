using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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

    // B stored (K,N): c = alpha · (a · B) + beta · c. With AVX-512, 384-column wide strips first (RowAxpyWideStrip);
    // then columns go in strips of eight vectors whose sums stay in registers while all K rows of the strip stream
    // past, so c is read and written once and two FMA pipes stay busy with eight independent chains (adding a row at
    // a time into c in memory would load and store c again for every few rows). Strips of four, two and one vector,
    // then single floats, finish the row. Every column, whichever strip it falls in, is one chain of fused
    // multiply-adds over k in order, so a product split by columns among threads computes each value exactly as the
    // whole product does.
    private static unsafe void RowAxpyRows(int n, int k, float alpha, float* a, float* b, nint ldb, float beta, float* c)
    {
        int w = Vector<float>.Count;
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + WideStrip <= n; j += WideStrip)
            {
                RowAxpyWideStrip(k, alpha, a, b + j, ldb, beta, c + j);
            }
        }

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

    // Columns per wide strip: 24 Vector512 sums, the most the 32 registers of AVX-512 hold beside the broadcast and a load.
    private const int WideStrip = 24 * 16;

    // Columns [0, 384) of the row with AVX-512: the strip's part of each B row is 1.5 KiB read as one run, so when the
    // strip is the whole row (a GRU of 128 units: N = 384) B streams past once from start to end, which the prefetchers
    // follow; 64-column strips jump a row's length every 256 bytes and ran the batch-1 step's products 1.3–1.4× slower
    // (2.9 against 2.2 µs for I = 64, H = 128 on Zen 5). Each column is still one chain of fused multiply-adds over k
    // in order, so the bits are those of the narrower strips.
    private static unsafe void RowAxpyWideStrip(int k, float alpha, float* a, float* b, nint ldb, float beta, float* c)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default, s8 = default, s9 = default, s10 = default, s11 = default, s12 = default, s13 = default, s14 = default, s15 = default, s16 = default, s17 = default, s18 = default, s19 = default, s20 = default, s21 = default, s22 = default, s23 = default;
        for (int p = 0; p < k; p++, b += ldb)
        {
            var ap = Vector512.Create(a[p]);
            s0 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b), s0);
            s1 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 16), s1);
            s2 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 32), s2);
            s3 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 48), s3);
            s4 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 64), s4);
            s5 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 80), s5);
            s6 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 96), s6);
            s7 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 112), s7);
            s8 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 128), s8);
            s9 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 144), s9);
            s10 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 160), s10);
            s11 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 176), s11);
            s12 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 192), s12);
            s13 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 208), s13);
            s14 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 224), s14);
            s15 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 240), s15);
            s16 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 256), s16);
            s17 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 272), s17);
            s18 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 288), s18);
            s19 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 304), s19);
            s20 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 320), s20);
            s21 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 336), s21);
            s22 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 352), s22);
            s23 = Vector512.FusedMultiplyAdd(ap, Vector512.Load(b + 368), s23);
        }

        StoreScaled(c, s0, alpha, beta);
        StoreScaled(c + 16, s1, alpha, beta);
        StoreScaled(c + 32, s2, alpha, beta);
        StoreScaled(c + 48, s3, alpha, beta);
        StoreScaled(c + 64, s4, alpha, beta);
        StoreScaled(c + 80, s5, alpha, beta);
        StoreScaled(c + 96, s6, alpha, beta);
        StoreScaled(c + 112, s7, alpha, beta);
        StoreScaled(c + 128, s8, alpha, beta);
        StoreScaled(c + 144, s9, alpha, beta);
        StoreScaled(c + 160, s10, alpha, beta);
        StoreScaled(c + 176, s11, alpha, beta);
        StoreScaled(c + 192, s12, alpha, beta);
        StoreScaled(c + 208, s13, alpha, beta);
        StoreScaled(c + 224, s14, alpha, beta);
        StoreScaled(c + 240, s15, alpha, beta);
        StoreScaled(c + 256, s16, alpha, beta);
        StoreScaled(c + 272, s17, alpha, beta);
        StoreScaled(c + 288, s18, alpha, beta);
        StoreScaled(c + 304, s19, alpha, beta);
        StoreScaled(c + 320, s20, alpha, beta);
        StoreScaled(c + 336, s21, alpha, beta);
        StoreScaled(c + 352, s22, alpha, beta);
        StoreScaled(c + 368, s23, alpha, beta);
    }

    // c = alpha · s + beta · c for one 512-bit vector; beta == 0 must not read C (it may hold NaN).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreScaled(float* c, Vector512<float> s, float alpha, float beta)
    {
        var scaled = s * alpha;
        Vector512.Store(beta == 0 ? scaled : scaled + (Vector512.Load(c) * beta), c);
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
