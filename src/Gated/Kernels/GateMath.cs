using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Gated.Kernels;

/// <summary>
/// The element-wise part of a GRU or LSTM step, fused: one pass over a row reads the two projections and the
/// previous state and writes the gates, the caches backward needs and the new state, where separate loops
/// would stream the same (B, H) blocks through the cache five or six times. Each formula is written twice, on
/// Vector256 and on floats; the float version is the reference (tests run both on every width 0..260), and
/// since the activations are bit-identical across widths and no multiply-add is contracted, so are the results.
/// Rows: gx and gh are (G·H) per row with gate blocks side by side (Keras order); the rest are (H) per row.
/// </summary>
internal static class GateMath
{
    /// <summary>Whether the vector bodies run; tests turn them off to run the float reference on its own.</summary>
    internal static readonly bool Vectorized = Vector256.IsHardwareAccelerated;

    /// <summary>
    /// GRU, reset after, forward, with gh = h·U (no bias yet) and the recurrent bias b_h (3H) added here:
    /// z = σ(gx_z + (gh_z + b_hz)), r = σ(gx_r + (gh_r + b_hr)), n = tanh(gx_n + r ⊙ (gh_n + b_hn)),
    /// h' = n + z ⊙ (h − n); gh_n + b_hn is kept for backward.
    /// </summary>
    public static void GruResetAfterForward(
        int rows, int h, ReadOnlySpan<float> gx, ReadOnlySpan<float> gh, ReadOnlySpan<float> recurrentBias, ReadOnlySpan<float> hPrev,
        Span<float> z, Span<float> r, Span<float> n, Span<float> ghn, Span<float> hNext, bool vectorized)
        => GruResetAfterForward(rows, h, 0, h, gx, gh, 3 * h, h, recurrentBias, hPrev, z, r, n, ghn, hNext, vectorized);

    /// <summary>
    /// The same for units [start, start + count) of every row only (a thread's share in a split by units). gh holds
    /// just those units: row b's gate block g at b·ghRowStride + g·ghGateStride (a whole (B, 3H) product starting
    /// at unit `start` has strides 3H and H; a product of only these units' columns, 3·count and count).
    /// </summary>
    public static void GruResetAfterForward(
        int rows, int h, int start, int count, ReadOnlySpan<float> gx, ReadOnlySpan<float> gh, int ghRowStride, int ghGateStride,
        ReadOnlySpan<float> recurrentBias, ReadOnlySpan<float> hPrev, Span<float> z, Span<float> r, Span<float> n, Span<float> ghn,
        Span<float> hNext, bool vectorized)
    {
        int h3 = 3 * h;
        ref float bias = ref At(recurrentBias, start, h3 - start);
        for (int b = 0; b < rows; b++)
        {
            // Each row's gate blocks lie H apart in gx and the bias (stride), ghGateStride apart in gh (uStride);
            // this call covers `width` units of each block.
            ref float x = ref At(gx, (b * h3) + start, h3 - start);
            ref float u = ref At(gh, b * ghRowStride, (2 * ghGateStride) + count);
            ref float hp = ref At(hPrev, (b * h) + start, count);
            ref float zr = ref At(z, (b * h) + start, count), rr = ref At(r, (b * h) + start, count), nr = ref At(n, (b * h) + start, count);
            ref float er = ref At(ghn, (b * h) + start, count), hn = ref At(hNext, (b * h) + start, count);
            nuint j = 0, width = (nuint)count, stride = (nuint)h, uStride = (nuint)ghGateStride;
            if (vectorized)
            {
                // Two passes: n needs r, and a single pass chains a sigmoid into a tanh in every iteration, which
                // leaves the core waiting on latency; each pass alone keeps several iterations in flight.
                // A ragged row ends with one vector that overlaps the last full one (the outputs are not inputs,
                // so recomputing a few values writes the same bits) instead of a slow float tail.
                nuint full = width & ~(nuint)7;
                nuint last = width >= 8 && width != full ? width - 8 : full;
                for (nuint k = 0; k < full; k += 8)
                {
                    ResetAfterGates(ref x, ref u, ref bias, ref zr, ref rr, stride, uStride, k);
                }

                if (last != full)
                {
                    ResetAfterGates(ref x, ref u, ref bias, ref zr, ref rr, stride, uStride, last);
                }

                for (; j < full; j += 8)
                {
                    ResetAfterCandidate(ref x, ref u, ref bias, ref hp, ref zr, ref rr, ref er, ref nr, ref hn, stride, uStride, j);
                }

                if (last != full)
                {
                    ResetAfterCandidate(ref x, ref u, ref bias, ref hp, ref zr, ref rr, ref er, ref nr, ref hn, stride, uStride, last);
                    j = width;
                }
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
    public static void GruResetAfterBackward(
        int rows, int h, Span<float> dh, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> z, ReadOnlySpan<float> r,
        ReadOnlySpan<float> n, ReadOnlySpan<float> ghn, Span<float> dgx, Span<float> dgh, bool vectorized)
        => GruResetAfterBackward(rows, h, 0, h, dh, hPrev, z, r, n, ghn, dgx, dgh, vectorized);

    /// <summary>The same for units [start, start + count) of every row only (a thread's share in a split by units).</summary>
    public static void GruResetAfterBackward(
        int rows, int h, int start, int count, Span<float> dh, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> z, ReadOnlySpan<float> r,
        ReadOnlySpan<float> n, ReadOnlySpan<float> ghn, Span<float> dgx, Span<float> dgh, bool vectorized)
    {
        int h3 = 3 * h;
        for (int b = 0; b < rows; b++)
        {
            int unit = (b * h) + start;
            ref float g = ref At(dh, unit, count);
            ref float hp = ref At(hPrev, unit, count);
            ref float zr = ref At(z, unit, count), rr = ref At(r, unit, count), nr = ref At(n, unit, count), er = ref At(ghn, unit, count);
            ref float dx = ref At(dgx, (b * h3) + start, h3 - start), du = ref At(dgh, (b * h3) + start, h3 - start);
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

    /// <summary>
    /// LSTM forward (gate blocks i, f, g, o): i, f, o = σ(gx + gh), g = tanh(gx + gh), c' = f ⊙ c + i ⊙ g,
    /// h' = o ⊙ tanh(c'); the gates and tanh(c') are kept for backward.
    /// </summary>
    public static void LstmForward(
        int rows, int h, ReadOnlySpan<float> gx, ReadOnlySpan<float> gh, ReadOnlySpan<float> cPrev,
        Span<float> i, Span<float> f, Span<float> g, Span<float> o, Span<float> cellTanh, Span<float> cNext, Span<float> hNext, bool vectorized)
        => LstmForward(rows, h, 0, h, gx, gh, 4 * h, h, cPrev, i, f, g, o, cellTanh, cNext, hNext, vectorized);

    /// <summary>The same for units [start, start + count) of every row only; gh is laid out as in the GRU's unit overload.</summary>
    public static void LstmForward(
        int rows, int h, int start, int count, ReadOnlySpan<float> gx, ReadOnlySpan<float> gh, int ghRowStride, int ghGateStride,
        ReadOnlySpan<float> cPrev, Span<float> i, Span<float> f, Span<float> g, Span<float> o, Span<float> cellTanh, Span<float> cNext,
        Span<float> hNext, bool vectorized)
    {
        int h4 = 4 * h;
        for (int b = 0; b < rows; b++)
        {
            int unit = (b * h) + start;
            ref float x = ref At(gx, (b * h4) + start, h4 - start);
            ref float u = ref At(gh, b * ghRowStride, (3 * ghGateStride) + count);
            ref float cp = ref At(cPrev, unit, count);
            ref float ir = ref At(i, unit, count), fr = ref At(f, unit, count), gr = ref At(g, unit, count), or = ref At(o, unit, count);
            ref float tr = ref At(cellTanh, unit, count), cn = ref At(cNext, unit, count), hn = ref At(hNext, unit, count);
            nuint j = 0, width = (nuint)count, stride = (nuint)h, uStride = (nuint)ghGateStride;
            if (vectorized)
            {
                for (; j + 8 <= width; j += 8)
                {
                    LstmUnits(ref x, ref u, ref cp, ref ir, ref fr, ref gr, ref or, ref tr, ref cn, ref hn, stride, uStride, j);
                }

                // A ragged row ends with a vector overlapping the last full one, as in the GRU pass (outputs are not inputs).
                if (j < width && width >= 8)
                {
                    LstmUnits(ref x, ref u, ref cp, ref ir, ref fr, ref gr, ref or, ref tr, ref cn, ref hn, stride, uStride, width - 8);
                    j = width;
                }
            }

            for (; j < width; j++)
            {
                float iv = SigmoidOperator.Invoke(Unsafe.Add(ref x, j) + Unsafe.Add(ref u, j));
                float fv = SigmoidOperator.Invoke(Unsafe.Add(ref x, stride + j) + Unsafe.Add(ref u, uStride + j));
                float gv = TanhOperator.Invoke(Unsafe.Add(ref x, (2 * stride) + j) + Unsafe.Add(ref u, (2 * uStride) + j));
                float ov = SigmoidOperator.Invoke(Unsafe.Add(ref x, (3 * stride) + j) + Unsafe.Add(ref u, (3 * uStride) + j));
                float cv = (fv * Unsafe.Add(ref cp, j)) + (iv * gv);
                float tv = TanhOperator.Invoke(cv);
                Unsafe.Add(ref ir, j) = iv;
                Unsafe.Add(ref fr, j) = fv;
                Unsafe.Add(ref gr, j) = gv;
                Unsafe.Add(ref or, j) = ov;
                Unsafe.Add(ref cn, j) = cv;
                Unsafe.Add(ref tr, j) = tv;
                Unsafe.Add(ref hn, j) = ov * tv;
            }
        }
    }

    /// <summary>
    /// LSTM backward from dh and dc (the gradients of h' and c'): the pre-activation gradients (i, f, g, o),
    /// dc ← dLoss/dc through the forget gate, and dh ← 0 (h reaches the loss only through the recurrent kernel).
    /// </summary>
    public static void LstmBackward(
        int rows, int h, Span<float> dh, Span<float> dc, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> i, ReadOnlySpan<float> f,
        ReadOnlySpan<float> g, ReadOnlySpan<float> o, ReadOnlySpan<float> cellTanh, Span<float> dgx, bool vectorized)
        => LstmBackward(rows, h, 0, h, dh, dc, cPrev, i, f, g, o, cellTanh, dgx, vectorized);

    /// <summary>The same for units [start, start + count) of every row only (a thread's share in a split by units).</summary>
    public static void LstmBackward(
        int rows, int h, int start, int count, Span<float> dh, Span<float> dc, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> i,
        ReadOnlySpan<float> f, ReadOnlySpan<float> g, ReadOnlySpan<float> o, ReadOnlySpan<float> cellTanh, Span<float> dgx, bool vectorized)
    {
        int h4 = 4 * h;
        for (int b = 0; b < rows; b++)
        {
            int unit = (b * h) + start;
            ref float dhr = ref At(dh, unit, count), dcr = ref At(dc, unit, count), cp = ref At(cPrev, unit, count);
            ref float ir = ref At(i, unit, count), fr = ref At(f, unit, count), gr = ref At(g, unit, count), or = ref At(o, unit, count);
            ref float tr = ref At(cellTanh, unit, count);
            ref float dx = ref At(dgx, (b * h4) + start, h4 - start);
            nuint j = 0, width = (nuint)count, stride = (nuint)h;
            if (vectorized)
            {
                var one = Vector256<float>.One;
                for (; j + 8 <= width; j += 8)
                {
                    var dhv = Load(ref dhr, j);
                    var tv = Load(ref tr, j);
                    var iv = Load(ref ir, j);
                    var fv = Load(ref fr, j);
                    var gv = Load(ref gr, j);
                    var ov = Load(ref or, j);
                    var dCell = Load(ref dcr, j) + (dhv * ov * (one - (tv * tv)));
                    (dCell * gv * iv * (one - iv)).StoreUnsafe(ref dx, j);
                    (dCell * Load(ref cp, j) * fv * (one - fv)).StoreUnsafe(ref dx, stride + j);
                    (dCell * iv * (one - (gv * gv))).StoreUnsafe(ref dx, (2 * stride) + j);
                    (dhv * tv * ov * (one - ov)).StoreUnsafe(ref dx, (3 * stride) + j);
                    (dCell * fv).StoreUnsafe(ref dcr, j);
                    Vector256<float>.Zero.StoreUnsafe(ref dhr, j);
                }
            }

            for (; j < width; j++)
            {
                float dhv = Unsafe.Add(ref dhr, j), tv = Unsafe.Add(ref tr, j), iv = Unsafe.Add(ref ir, j);
                float fv = Unsafe.Add(ref fr, j), gv = Unsafe.Add(ref gr, j), ov = Unsafe.Add(ref or, j);
                float dCell = Unsafe.Add(ref dcr, j) + (dhv * ov * (1f - (tv * tv)));
                Unsafe.Add(ref dx, j) = dCell * gv * iv * (1f - iv);
                Unsafe.Add(ref dx, stride + j) = dCell * Unsafe.Add(ref cp, j) * fv * (1f - fv);
                Unsafe.Add(ref dx, (2 * stride) + j) = dCell * iv * (1f - (gv * gv));
                Unsafe.Add(ref dx, (3 * stride) + j) = dhv * tv * ov * (1f - ov);
                Unsafe.Add(ref dcr, j) = dCell * fv;
                Unsafe.Add(ref dhr, j) = 0f;
            }
        }
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

    // The LSTM forward for the 8 units at k of one row; gate blocks lie `stride` apart in gx, `uStride` in gh.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LstmUnits(
        ref float x, ref float u, ref float cPrev, ref float i, ref float f, ref float g, ref float o, ref float cellTanh,
        ref float cNext, ref float hNext, nuint stride, nuint uStride, nuint k)
    {
        var iv = SigmoidOperator.Invoke(Load(ref x, k) + Load(ref u, k));
        var fv = SigmoidOperator.Invoke(Load(ref x, stride + k) + Load(ref u, uStride + k));
        var gv = TanhOperator.Invoke(Load(ref x, (2 * stride) + k) + Load(ref u, (2 * uStride) + k));
        var ov = SigmoidOperator.Invoke(Load(ref x, (3 * stride) + k) + Load(ref u, (3 * uStride) + k));
        var cv = (fv * Load(ref cPrev, k)) + (iv * gv);
        var tv = TanhOperator.Invoke(cv);
        iv.StoreUnsafe(ref i, k);
        fv.StoreUnsafe(ref f, k);
        gv.StoreUnsafe(ref g, k);
        ov.StoreUnsafe(ref o, k);
        cv.StoreUnsafe(ref cNext, k);
        tv.StoreUnsafe(ref cellTanh, k);
        (ov * tv).StoreUnsafe(ref hNext, k);
    }

    // A row of `length` values at `start`, bounds-checked once here so the loops can index without checks.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float At(ReadOnlySpan<float> span, int start, int length) =>
        ref MemoryMarshal.GetReference(span.Slice(start, length));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);
}
