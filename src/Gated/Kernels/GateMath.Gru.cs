using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gated.Kernels;

internal static partial class GateMath
{
    /// <summary>
    /// GRU, reset after, forward, with gh = h·U (no bias yet) and the recurrent bias b_h added here:
    /// z = σ(gx_z + (gh_z + b_hz)), r = σ(gx_r + (gh_r + b_hr)), n = tanh(gx_n + r ⊙ (gh_n + b_hn)),
    /// h' = n + z ⊙ (h − n); gh_n + b_hn is kept for backward.
    /// </summary>
    public static void GruResetAfterForward(scoped in GruGateSpans step, bool vectorized)
    {
        int h = step.Units, start = step.Start, count = step.Count, h3 = 3 * h;
        ref float bias = ref At(step.RecurrentBias, start, h3 - start);
        for (int b = 0; b < step.Rows; b++)
        {
            // Each row's gate blocks lie H apart in gx and the bias (stride), RecurrentGateStride apart in gh (uStride).
            ref float x = ref At(step.InputGates, (b * h3) + start, h3 - start);
            ref float u = ref At(step.RecurrentGates, b * step.RecurrentRowStride, (2 * step.RecurrentGateStride) + count);
            int unit = (b * h) + start;
            ref float hp = ref At(step.PreviousState, unit, count);
            ref float zr = ref At(step.Update, unit, count), rr = ref At(step.Reset, unit, count), nr = ref At(step.Candidate, unit, count);
            ref float er = ref At(step.RecurrentCandidate, unit, count), hn = ref At(step.NextState, unit, count);
            nuint j = 0, width = (nuint)count, stride = (nuint)h, uStride = (nuint)step.RecurrentGateStride;
            if (vectorized)
            {
                // 16 units at a time where AVX-512 runs them and the row has 16, else 8 (the same bits either way).
                j = Vector512.IsHardwareAccelerated && width >= 16
                    ? ResetAfterRow<Lanes16>(ref x, ref u, ref bias, ref hp, ref zr, ref rr, ref er, ref nr, ref hn, width, stride, uStride)
                    : ResetAfterRow<Lanes8>(ref x, ref u, ref bias, ref hp, ref zr, ref rr, ref er, ref nr, ref hn, width, stride, uStride);
            }

            for (; j < width; j++)
            {
                float zs = SigmoidOperator.Invoke(Unsafe.Add(ref x, j) + (Unsafe.Add(ref u, j) + Unsafe.Add(ref bias, j)));
                float rs = SigmoidOperator.Invoke(Unsafe.Add(ref x, stride + j) + (Unsafe.Add(ref u, uStride + j) + Unsafe.Add(ref bias, stride + j)));
                float es = Unsafe.Add(ref u, (2 * uStride) + j) + Unsafe.Add(ref bias, (2 * stride) + j);
                float ns = TanhOperator.Invoke(Unsafe.Add(ref x, (2 * stride) + j) + (rs * es));
                Unsafe.Add(ref zr, j) = zs;
                Unsafe.Add(ref rr, j) = rs;
                Unsafe.Add(ref er, j) = es;
                Unsafe.Add(ref nr, j) = ns;
                Unsafe.Add(ref hn, j) = ns + (zs * (Unsafe.Add(ref hp, j) - ns));
            }
        }
    }

    /// <summary>
    /// GRU, reset after, backward from dh = dLoss/dh': the pre-activation gradients of the input projection
    /// (dgx) and of the recurrent one (dgh, whose n block is scaled by r), and dh ← dh ⊙ z, the part of the
    /// gradient that reaches h directly.
    /// </summary>
    public static void GruResetAfterBackward(scoped in GruGateSpans step, bool vectorized)
    {
        int h = step.Units, start = step.Start, count = step.Count, h3 = 3 * h;
        for (int b = 0; b < step.Rows; b++)
        {
            int unit = (b * h) + start;
            ref float g = ref At(step.StateGradient, unit, count);
            ref float hp = ref At(step.PreviousState, unit, count);
            ref float zr = ref At(step.Update, unit, count), rr = ref At(step.Reset, unit, count), nr = ref At(step.Candidate, unit, count);
            ref float er = ref At(step.RecurrentCandidate, unit, count);
            ref float dx = ref At(step.InputGateGradients, (b * h3) + start, h3 - start), du = ref At(step.RecurrentGateGradients, (b * h3) + start, h3 - start);
            nuint j = 0, width = (nuint)count, stride = (nuint)h;
            if (vectorized)
            {
                var one = Vector256<float>.One;
                for (; j + 8 <= width; j += 8)
                {
                    var gv = Load(ref g, j);
                    var zv = Load(ref zr, j);
                    var rv = Load(ref rr, j);
                    var nv = Load(ref nr, j);
                    var dn = gv * (one - zv) * (one - (nv * nv));
                    var dz = gv * (Load(ref hp, j) - nv) * zv * (one - zv);
                    var dr = dn * Load(ref er, j) * rv * (one - rv);
                    dz.StoreUnsafe(ref dx, j);
                    dz.StoreUnsafe(ref du, j);
                    dr.StoreUnsafe(ref dx, stride + j);
                    dr.StoreUnsafe(ref du, stride + j);
                    dn.StoreUnsafe(ref dx, (2 * stride) + j);
                    (dn * rv).StoreUnsafe(ref du, (2 * stride) + j);
                    (gv * zv).StoreUnsafe(ref g, j);
                }
            }

            for (; j < width; j++)
            {
                float gs = Unsafe.Add(ref g, j), zs = Unsafe.Add(ref zr, j), rs = Unsafe.Add(ref rr, j), ns = Unsafe.Add(ref nr, j);
                float dn = gs * (1f - zs) * (1f - (ns * ns));
                float dz = gs * (Unsafe.Add(ref hp, j) - ns) * zs * (1f - zs);
                float dr = dn * Unsafe.Add(ref er, j) * rs * (1f - rs);
                Unsafe.Add(ref dx, j) = Unsafe.Add(ref du, j) = dz;
                Unsafe.Add(ref dx, stride + j) = Unsafe.Add(ref du, stride + j) = dr;
                Unsafe.Add(ref dx, (2 * stride) + j) = dn;
                Unsafe.Add(ref du, (2 * stride) + j) = dn * rs;
                Unsafe.Add(ref g, j) = gs * zs;
            }
        }
    }

    // The vector part of one row of GruResetAfterForward, TWidth.Lanes units at a time; returns where the float tail
    // starts. Two passes: n needs r, and a single pass chains a sigmoid into a tanh in every iteration, which leaves
    // the core waiting on latency; each pass alone keeps several iterations in flight. A ragged row ends with one
    // vector that overlaps the last full one (the outputs are not inputs, so recomputing a few values writes the
    // same bits) instead of a slow float tail.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint ResetAfterRow<TWidth>(
        ref float x, ref float u, ref float bias, ref float hPrev, ref float z, ref float r, ref float e, ref float n, ref float hNext,
        nuint width, nuint stride, nuint uStride)
        where TWidth : struct, IGateWidth
    {
        nuint lanes = TWidth.Lanes;
        nuint full = width & ~(lanes - 1);
        nuint last = width >= lanes && width != full ? width - lanes : full;
        for (nuint k = 0; k < full; k += lanes)
        {
            TWidth.ResetAfterGates(ref x, ref u, ref bias, ref z, ref r, stride, uStride, k);
        }

        if (last != full)
        {
            TWidth.ResetAfterGates(ref x, ref u, ref bias, ref z, ref r, stride, uStride, last);
        }

        for (nuint k = 0; k < full; k += lanes)
        {
            TWidth.ResetAfterCandidate(ref x, ref u, ref bias, ref hPrev, ref z, ref r, ref e, ref n, ref hNext, stride, uStride, k);
        }

        if (last == full)
        {
            return full;
        }

        TWidth.ResetAfterCandidate(ref x, ref u, ref bias, ref hPrev, ref z, ref r, ref e, ref n, ref hNext, stride, uStride, last);
        return width;
    }

    // z and r for the 8 units at k of one row (first pass of GruResetAfterForward).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ResetAfterGates(ref float x, ref float u, ref float bias, ref float z, ref float r, nuint stride, nuint uStride, nuint k)
    {
        SigmoidOperator.Invoke(Load(ref x, k) + (Load(ref u, k) + Load(ref bias, k))).StoreUnsafe(ref z, k);
        SigmoidOperator.Invoke(Load(ref x, stride + k) + (Load(ref u, uStride + k) + Load(ref bias, stride + k))).StoreUnsafe(ref r, k);
    }

    // gh_n + b_hn, n and h' for the 8 units at k of one row (second pass).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ResetAfterCandidate(
        ref float x, ref float u, ref float bias, ref float hPrev, ref float z, ref float r, ref float e, ref float n, ref float hNext, nuint stride, nuint uStride, nuint k)
    {
        var zv = Load(ref z, k);
        var ev = Load(ref u, (2 * uStride) + k) + Load(ref bias, (2 * stride) + k);
        var nv = TanhOperator.Invoke(Load(ref x, (2 * stride) + k) + (Load(ref r, k) * ev));
        ev.StoreUnsafe(ref e, k);
        nv.StoreUnsafe(ref n, k);
        (nv + (zv * (Load(ref hPrev, k) - nv))).StoreUnsafe(ref hNext, k);
    }

    // ResetAfterGates on 16 units.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ResetAfterGates512(ref float x, ref float u, ref float bias, ref float z, ref float r, nuint stride, nuint uStride, nuint k)
    {
        SigmoidOperator.Invoke(Load512(ref x, k) + (Load512(ref u, k) + Load512(ref bias, k))).StoreUnsafe(ref z, k);
        SigmoidOperator.Invoke(Load512(ref x, stride + k) + (Load512(ref u, uStride + k) + Load512(ref bias, stride + k))).StoreUnsafe(ref r, k);
    }

    // ResetAfterCandidate on 16 units.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ResetAfterCandidate512(
        ref float x, ref float u, ref float bias, ref float hPrev, ref float z, ref float r, ref float e, ref float n, ref float hNext, nuint stride, nuint uStride, nuint k)
    {
        var zv = Load512(ref z, k);
        var ev = Load512(ref u, (2 * uStride) + k) + Load512(ref bias, (2 * stride) + k);
        var nv = TanhOperator.Invoke(Load512(ref x, (2 * stride) + k) + (Load512(ref r, k) * ev));
        ev.StoreUnsafe(ref e, k);
        nv.StoreUnsafe(ref n, k);
        (nv + (zv * (Load512(ref hPrev, k) - nv))).StoreUnsafe(ref hNext, k);
    }
}
