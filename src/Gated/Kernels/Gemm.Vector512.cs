using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gated.Kernels;

internal static partial class Gemm
{
    /// <summary>8×32 tile: 16 Vector512 accumulators, 2 B vectors and a broadcast use 19 of AVX-512's 32 registers.</summary>
    private readonly struct Vector512Kernel : IGemmMicroKernel
    {
        public static int Rows => 8;

        public static int Columns => 32;

        // Ã (8 per step, kc steps) · B̃ (32 per step) → C (8,32) with row stride ldc.
        public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
        {
            Vector512<float> c00 = default, c01 = default;
            Vector512<float> c10 = default, c11 = default;
            Vector512<float> c20 = default, c21 = default;
            Vector512<float> c30 = default, c31 = default;
            Vector512<float> c40 = default, c41 = default;
            Vector512<float> c50 = default, c51 = default;
            Vector512<float> c60 = default, c61 = default;
            Vector512<float> c70 = default, c71 = default;

            for (int p = 0; p < kc; p++, a += 8, b += 32)
            {
                Vector512<float> b0 = Vector512.Load(b);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> ai = Vector512.Create(a[0]);
                c00 = Vector512.MultiplyAddEstimate(ai, b0, c00);
                c01 = Vector512.MultiplyAddEstimate(ai, b1, c01);
                ai = Vector512.Create(a[1]);
                c10 = Vector512.MultiplyAddEstimate(ai, b0, c10);
                c11 = Vector512.MultiplyAddEstimate(ai, b1, c11);
                ai = Vector512.Create(a[2]);
                c20 = Vector512.MultiplyAddEstimate(ai, b0, c20);
                c21 = Vector512.MultiplyAddEstimate(ai, b1, c21);
                ai = Vector512.Create(a[3]);
                c30 = Vector512.MultiplyAddEstimate(ai, b0, c30);
                c31 = Vector512.MultiplyAddEstimate(ai, b1, c31);
                ai = Vector512.Create(a[4]);
                c40 = Vector512.MultiplyAddEstimate(ai, b0, c40);
                c41 = Vector512.MultiplyAddEstimate(ai, b1, c41);
                ai = Vector512.Create(a[5]);
                c50 = Vector512.MultiplyAddEstimate(ai, b0, c50);
                c51 = Vector512.MultiplyAddEstimate(ai, b1, c51);
                ai = Vector512.Create(a[6]);
                c60 = Vector512.MultiplyAddEstimate(ai, b0, c60);
                c61 = Vector512.MultiplyAddEstimate(ai, b1, c61);
                ai = Vector512.Create(a[7]);
                c70 = Vector512.MultiplyAddEstimate(ai, b0, c70);
                c71 = Vector512.MultiplyAddEstimate(ai, b1, c71);
            }

            Vector512<float> va = Vector512.Create(alpha);
            StoreRow(c, c00, c01, va, beta);
            StoreRow(c + ldc, c10, c11, va, beta);
            StoreRow(c + (2 * ldc), c20, c21, va, beta);
            StoreRow(c + (3 * ldc), c30, c31, va, beta);
            StoreRow(c + (4 * ldc), c40, c41, va, beta);
            StoreRow(c + (5 * ldc), c50, c51, va, beta);
            StoreRow(c + (6 * ldc), c60, c61, va, beta);
            StoreRow(c + (7 * ldc), c70, c71, va, beta);
        }

        // C row = alpha · accumulators + beta · C row; beta == 0 must not read C (it may hold NaN).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void StoreRow(float* c, Vector512<float> s0, Vector512<float> s1, Vector512<float> alpha, float beta)
        {
            if (beta == 0)
            {
                Vector512.Store(s0 * alpha, c);
                Vector512.Store(s1 * alpha, c + 16);
            }
            else
            {
                Vector512<float> vb = Vector512.Create(beta);
                Vector512.Store((s0 * alpha) + (Vector512.Load(c) * vb), c);
                Vector512.Store((s1 * alpha) + (Vector512.Load(c + 16) * vb), c + 16);
            }
        }
    }
}
