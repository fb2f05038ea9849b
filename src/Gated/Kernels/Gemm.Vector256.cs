using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gated.Kernels;

internal static partial class Gemm
{
    /// <summary>6×16 tile: 12 Vector256 accumulators, 2 B vectors and a broadcast fill AVX2's 16 registers without spills.</summary>
    private readonly struct Vector256Kernel : IGemmMicroKernel
    {
        public static int Rows => 6;

        public static int Columns => 16;

        // Ã (6 per step, kc steps) · B̃ (16 per step) → C (6,16) with row stride ldc.
        public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
        {
            Vector256<float> c00 = default, c01 = default;
            Vector256<float> c10 = default, c11 = default;
            Vector256<float> c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default;
            Vector256<float> c40 = default, c41 = default;
            Vector256<float> c50 = default, c51 = default;

            for (int p = 0; p < kc; p++, a += 6, b += 16)
            {
                Vector256<float> b0 = Vector256.Load(b);
                Vector256<float> b1 = Vector256.Load(b + 8);
                Vector256<float> ai = Vector256.Create(a[0]);
                c00 = Vector256.MultiplyAddEstimate(ai, b0, c00);
                c01 = Vector256.MultiplyAddEstimate(ai, b1, c01);
                ai = Vector256.Create(a[1]);
                c10 = Vector256.MultiplyAddEstimate(ai, b0, c10);
                c11 = Vector256.MultiplyAddEstimate(ai, b1, c11);
                ai = Vector256.Create(a[2]);
                c20 = Vector256.MultiplyAddEstimate(ai, b0, c20);
                c21 = Vector256.MultiplyAddEstimate(ai, b1, c21);
                ai = Vector256.Create(a[3]);
                c30 = Vector256.MultiplyAddEstimate(ai, b0, c30);
                c31 = Vector256.MultiplyAddEstimate(ai, b1, c31);
                ai = Vector256.Create(a[4]);
                c40 = Vector256.MultiplyAddEstimate(ai, b0, c40);
                c41 = Vector256.MultiplyAddEstimate(ai, b1, c41);
                ai = Vector256.Create(a[5]);
                c50 = Vector256.MultiplyAddEstimate(ai, b0, c50);
                c51 = Vector256.MultiplyAddEstimate(ai, b1, c51);
            }

            Vector256<float> va = Vector256.Create(alpha);
            StoreRow(c, c00, c01, va, beta);
            StoreRow(c + ldc, c10, c11, va, beta);
            StoreRow(c + (2 * ldc), c20, c21, va, beta);
            StoreRow(c + (3 * ldc), c30, c31, va, beta);
            StoreRow(c + (4 * ldc), c40, c41, va, beta);
            StoreRow(c + (5 * ldc), c50, c51, va, beta);
        }

        // C row = alpha · accumulators + beta · C row; beta == 0 must not read C (it may hold NaN).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void StoreRow(float* c, Vector256<float> s0, Vector256<float> s1, Vector256<float> alpha, float beta)
        {
            if (beta == 0)
            {
                Vector256.Store(s0 * alpha, c);
                Vector256.Store(s1 * alpha, c + 8);
            }
            else
            {
                Vector256<float> vb = Vector256.Create(beta);
                Vector256.Store((s0 * alpha) + (Vector256.Load(c) * vb), c);
                Vector256.Store((s1 * alpha) + (Vector256.Load(c + 8) * vb), c + 8);
            }
        }
    }
}
