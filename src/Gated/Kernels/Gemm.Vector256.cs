using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gated.Kernels;

internal static partial class Gemm
{
    /// <summary>
    /// 4×24 tile: 12 Vector256 accumulators, 3 B vectors and a broadcast fill AVX2's 16 registers without spills.
    /// </summary>
    /// <remarks>
    /// Same 12 accumulators (enough independent FMA chains to cover two pipes × 4 cycles of latency) as a 6×16
    /// tile, but 4 rows divide the batch sizes the recurrent products have (32, 64), where 6×16 pads 32 rows to 36
    /// and runs the last tile a third full. It also loads less per FMA (3 vectors + 4 broadcasts for 12 FMAs, against 2 + 6).
    /// </remarks>
    private readonly struct Vector256Kernel : IGemmMicroKernel
    {
        public static int Rows => 4;

        public static int Columns => 24;

        // Ã (4 per step, kc steps) · B̃ (24 per step) → C (4,24) with row stride ldc.
        public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
        {
            // C rows are kc·4 FMA cycles away from being stored: fetch them now (BLIS does), so the store at the
            // end does not wait on L2/L3 for rows that a wide C (ldc a multiple of 4 KiB) keeps evicting from L1.
            // Three touches cover the two or three lines a 96-byte row spans.
            if (Sse.IsSupported)
            {
                for (int i = 0; i < 4; i++)
                {
                    float* row = c + (i * ldc);
                    Sse.Prefetch0(row);
                    Sse.Prefetch0(row + 12);
                    Sse.Prefetch0(row + 23);
                }
            }

            Vector256<float> c00 = default, c01 = default, c02 = default;
            Vector256<float> c10 = default, c11 = default, c12 = default;
            Vector256<float> c20 = default, c21 = default, c22 = default;
            Vector256<float> c30 = default, c31 = default, c32 = default;

            for (int p = 0; p < kc; p++, a += 4, b += 24)
            {
                Vector256<float> b0 = Vector256.Load(b);
                Vector256<float> b1 = Vector256.Load(b + 8);
                Vector256<float> b2 = Vector256.Load(b + 16);
                Vector256<float> ai = Vector256.Create(a[0]);
                c00 = Vector256.MultiplyAddEstimate(ai, b0, c00);
                c01 = Vector256.MultiplyAddEstimate(ai, b1, c01);
                c02 = Vector256.MultiplyAddEstimate(ai, b2, c02);
                ai = Vector256.Create(a[1]);
                c10 = Vector256.MultiplyAddEstimate(ai, b0, c10);
                c11 = Vector256.MultiplyAddEstimate(ai, b1, c11);
                c12 = Vector256.MultiplyAddEstimate(ai, b2, c12);
                ai = Vector256.Create(a[2]);
                c20 = Vector256.MultiplyAddEstimate(ai, b0, c20);
                c21 = Vector256.MultiplyAddEstimate(ai, b1, c21);
                c22 = Vector256.MultiplyAddEstimate(ai, b2, c22);
                ai = Vector256.Create(a[3]);
                c30 = Vector256.MultiplyAddEstimate(ai, b0, c30);
                c31 = Vector256.MultiplyAddEstimate(ai, b1, c31);
                c32 = Vector256.MultiplyAddEstimate(ai, b2, c32);
            }

            Vector256<float> va = Vector256.Create(alpha);
            StoreRow(c, c00, c01, c02, va, beta);
            StoreRow(c + ldc, c10, c11, c12, va, beta);
            StoreRow(c + (2 * ldc), c20, c21, c22, va, beta);
            StoreRow(c + (3 * ldc), c30, c31, c32, va, beta);
        }

        // C row = alpha · accumulators + beta · C row; beta == 0 must not read C (it may hold NaN).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void StoreRow(
            float* c, Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> alpha, float beta)
        {
            if (beta == 0)
            {
                Vector256.Store(s0 * alpha, c);
                Vector256.Store(s1 * alpha, c + 8);
                Vector256.Store(s2 * alpha, c + 16);
            }
            else
            {
                Vector256<float> vb = Vector256.Create(beta);
                Vector256.Store((s0 * alpha) + (Vector256.Load(c) * vb), c);
                Vector256.Store((s1 * alpha) + (Vector256.Load(c + 8) * vb), c + 8);
                Vector256.Store((s2 * alpha) + (Vector256.Load(c + 16) * vb), c + 16);
            }
        }
    }
}
