using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gated.Kernels;

internal static partial class GateMath
{
    /// <summary>
    /// LSTM forward (gate blocks i, f, g, o): i, f, o = σ(gx + gh), g = tanh(gx + gh), c' = f ⊙ c + i ⊙ g,
    /// h' = o ⊙ tanh(c'); the gates and tanh(c') are kept for backward.
    /// </summary>
    public static void LstmForward(scoped in LstmGateSpans step, bool vectorized)
    {
        int h = step.Units, start = step.Start, count = step.Count, h4 = 4 * h;
        for (int b = 0; b < step.Rows; b++)
        {
            int unit = (b * h) + start;
            ref float x = ref At(step.InputGates, (b * h4) + start, h4 - start);
            ref float u = ref At(step.RecurrentGates, b * step.RecurrentRowStride, (3 * step.RecurrentGateStride) + count);
            ref float cp = ref At(step.PreviousCell, unit, count);
            ref float ir = ref At(step.InputGate, unit, count), fr = ref At(step.ForgetGate, unit, count);
            ref float gr = ref At(step.CellCandidate, unit, count), or = ref At(step.OutputGate, unit, count);
            ref float tr = ref At(step.CellTanh, unit, count), cn = ref At(step.NextCell, unit, count), hn = ref At(step.NextState, unit, count);
            nuint j = 0, width = (nuint)count, stride = (nuint)h, uStride = (nuint)step.RecurrentGateStride;
            if (vectorized)
            {
                // 16 units at a time where AVX-512 runs them and the row has 16, else 8 (the same bits either way).
                j = Vector512.IsHardwareAccelerated && width >= 16
                    ? LstmRow<Lanes16>(ref x, ref u, ref cp, ref ir, ref fr, ref gr, ref or, ref tr, ref cn, ref hn, width, stride, uStride)
                    : LstmRow<Lanes8>(ref x, ref u, ref cp, ref ir, ref fr, ref gr, ref or, ref tr, ref cn, ref hn, width, stride, uStride);
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
    public static void LstmBackward(scoped in LstmGateSpans step, bool vectorized)
    {
        int h = step.Units, start = step.Start, count = step.Count, h4 = 4 * h;
        for (int b = 0; b < step.Rows; b++)
        {
            int unit = (b * h) + start;
            ref float dhr = ref At(step.StateGradient, unit, count), dcr = ref At(step.CellGradient, unit, count), cp = ref At(step.PreviousCell, unit, count);
            ref float ir = ref At(step.InputGate, unit, count), fr = ref At(step.ForgetGate, unit, count);
            ref float gr = ref At(step.CellCandidate, unit, count), or = ref At(step.OutputGate, unit, count);
            ref float tr = ref At(step.CellTanh, unit, count);
            ref float dx = ref At(step.InputGateGradients, (b * h4) + start, h4 - start);
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

    // The vector part of one row of LstmForward, TWidth.Lanes units at a time; returns where the float tail starts.
    // A ragged row ends with a vector overlapping the last full one, as in the GRU pass (outputs are not inputs).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint LstmRow<TWidth>(
        ref float x, ref float u, ref float cPrev, ref float i, ref float f, ref float g, ref float o, ref float cellTanh,
        ref float cNext, ref float hNext, nuint width, nuint stride, nuint uStride)
        where TWidth : struct, IGateWidth
    {
        nuint lanes = TWidth.Lanes, j = 0;
        for (; j + lanes <= width; j += lanes)
        {
            TWidth.LstmUnits(ref x, ref u, ref cPrev, ref i, ref f, ref g, ref o, ref cellTanh, ref cNext, ref hNext, stride, uStride, j);
        }

        if (j < width && width >= lanes)
        {
            TWidth.LstmUnits(ref x, ref u, ref cPrev, ref i, ref f, ref g, ref o, ref cellTanh, ref cNext, ref hNext, stride, uStride, width - lanes);
            j = width;
        }

        return j;
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

    // LstmUnits on 16 units.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LstmUnits512(
        ref float x, ref float u, ref float cPrev, ref float i, ref float f, ref float g, ref float o, ref float cellTanh,
        ref float cNext, ref float hNext, nuint stride, nuint uStride, nuint k)
    {
        var iv = SigmoidOperator.Invoke(Load512(ref x, k) + Load512(ref u, k));
        var fv = SigmoidOperator.Invoke(Load512(ref x, stride + k) + Load512(ref u, uStride + k));
        var gv = TanhOperator.Invoke(Load512(ref x, (2 * stride) + k) + Load512(ref u, (2 * uStride) + k));
        var ov = SigmoidOperator.Invoke(Load512(ref x, (3 * stride) + k) + Load512(ref u, (3 * uStride) + k));
        var cv = (fv * Load512(ref cPrev, k)) + (iv * gv);
        var tv = TanhOperator.Invoke(cv);
        iv.StoreUnsafe(ref i, k);
        fv.StoreUnsafe(ref f, k);
        gv.StoreUnsafe(ref g, k);
        ov.StoreUnsafe(ref o, k);
        cv.StoreUnsafe(ref cNext, k);
        tv.StoreUnsafe(ref cellTanh, k);
        (ov * tv).StoreUnsafe(ref hNext, k);
    }
}
