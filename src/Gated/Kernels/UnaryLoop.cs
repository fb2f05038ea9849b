using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Gated.Kernels;

/// <summary>The one loop that applies an <see cref="IUnaryOperator"/> over a span: y[i] = op(x[i]).</summary>
internal static class UnaryLoop
{
    // x (n) → y (n). y may be x itself (in place) but must not partially overlap it; callers validate.
    // The widest accelerated vector runs the body; each narrower width then runs at most once, so the
    // tail is < 4 scalar elements. No overlapping last vector: it would re-read outputs when in place.
    public static void Run<TOperator>(ReadOnlySpan<float> x, Span<float> y)
        where TOperator : struct, IUnaryOperator
    {
        Debug.Assert(y.Length >= x.Length, "y is shorter than x");
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length;
        nuint i = 0;

        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                TOperator.Invoke(Vector512.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                TOperator.Invoke(Vector256.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
            {
                TOperator.Invoke(Vector128.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) = TOperator.Invoke(Unsafe.Add(ref xr, i));
        }
    }
}
