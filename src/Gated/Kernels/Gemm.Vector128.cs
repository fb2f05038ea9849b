using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gated.Kernels;

internal static partial class Gemm
{
    /// <summary>6×8 tile: 12 Vector128 accumulators, 2 B vectors and a broadcast fit SSE's 16 registers (and NEON's 32).</summary>
    private readonly struct Vector128Kernel : IGemmMicroKernel
    {
        public static int Rows => 6;

        public static int Columns => 8;

        // Ã (6 per step, kc steps) · B̃ (8 per step) → C (6,8) with row stride ldc.
        public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
        {
            Vector128<float> c00 = default, c01 = default;
            Vector128<float> c10 = default, c11 = default;
            Vector128<float> c20 = default, c21 = default;
            Vector128<float> c30 = default, c31 = default;
            Vector128<float> c40 = default, c41 = default;
            Vector128<float> c50 = default, c51 = default;

            for (int p = 0; p < kc; p++, a += 6, b += 8)
            {
                Vector128<float> b0 = Vector128.Load(b);
                Vector128<float> b1 = Vector128.Load(b + 4);
                Vector128<float> ai = Vector128.Create(a[0]);
                c00 = Vector128.MultiplyAddEstimate(ai, b0, c00);
                c01 = Vector128.MultiplyAddEstimate(ai, b1, c01);
                ai = Vector128.Create(a[1]);
                c10 = Vector128.MultiplyAddEstimate(ai, b0, c10);
                c11 = Vector128.MultiplyAddEstimate(ai, b1, c11);
                ai = Vector128.Create(a[2]);
                c20 = Vector128.MultiplyAddEstimate(ai, b0, c20);
                c21 = Vector128.MultiplyAddEstimate(ai, b1, c21);
                ai = Vector128.Create(a[3]);
                c30 = Vector128.MultiplyAddEstimate(ai, b0, c30);
                c31 = Vector128.MultiplyAddEstimate(ai, b1, c31);
                ai = Vector128.Create(a[4]);
                c40 = Vector128.MultiplyAddEstimate(ai, b0, c40);
                c41 = Vector128.MultiplyAddEstimate(ai, b1, c41);
                ai = Vector128.Create(a[5]);
                c50 = Vector128.MultiplyAddEstimate(ai, b0, c50);
                c51 = Vector128.MultiplyAddEstimate(ai, b1, c51);
            }

            Vector128<float> va = Vector128.Create(alpha);
            StoreRow(c, c00, c01, va, beta);
            StoreRow(c + ldc, c10, c11, va, beta);
            StoreRow(c + (2 * ldc), c20, c21, va, beta);
            StoreRow(c + (3 * ldc), c30, c31, va, beta);
            StoreRow(c + (4 * ldc), c40, c41, va, beta);
            StoreRow(c + (5 * ldc), c50, c51, va, beta);
        }

        // C row = alpha · accumulators + beta · C row; beta == 0 must not read C (it may hold NaN).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void StoreRow(float* c, Vector128<float> s0, Vector128<float> s1, Vector128<float> alpha, float beta)
        {
            if (beta == 0)
            {
                Vector128.Store(s0 * alpha, c);
                Vector128.Store(s1 * alpha, c + 4);
            }
            else
            {
                Vector128<float> vb = Vector128.Create(beta);
                Vector128.Store((s0 * alpha) + (Vector128.Load(c) * vb), c);
                Vector128.Store((s1 * alpha) + (Vector128.Load(c + 4) * vb), c + 4);
            }
        }
    }
}
