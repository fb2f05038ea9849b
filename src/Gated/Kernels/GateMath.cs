using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Gated.Kernels;

/// <summary>
/// The element-wise part of a GRU or LSTM step, fused: one pass over a row reads the two projections and the
/// previous state and writes the gates, the caches backward needs and the new state, where separate loops
/// would stream the same (B, H) blocks through the cache five or six times. Each formula is written twice, on
/// Vector256 and on floats (the GRU reset-after and LSTM forward passes also on Vector512, for AVX-512's 16 lanes); the
/// float version is the reference (tests run both on every width 0..260), and since the activations are
/// bit-identical across widths and no multiply-add is contracted, so are the results.
/// One partial file per cell (GateMath.Gru.cs, GateMath.Lstm.cs); their operands travel in
/// <see cref="GruGateSpans"/> and <see cref="LstmGateSpans"/>.
/// </summary>
internal static partial class GateMath
{
    /// <summary>Whether the vector bodies run; tests turn them off to run the float reference on its own.</summary>
    internal static readonly bool Vectorized = Vector256.IsHardwareAccelerated;

    // A row of `length` values at `start`, bounds-checked once here so the loops can index without checks.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float At(ReadOnlySpan<float> span, int start, int length) =>
        ref MemoryMarshal.GetReference(span.Slice(start, length));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load512(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    // The width a forward gate pass runs at: its formulas on 8 lanes (Vector256) or 16 (Vector512). Both perform the
    // same IEEE operations lane by lane, so they give the same bits; the row loops are written once, over TWidth.
    private interface IGateWidth
    {
        static abstract nuint Lanes { get; }

        static abstract void ResetAfterGates(ref float x, ref float u, ref float bias, ref float z, ref float r, nuint stride, nuint uStride, nuint k);

        static abstract void ResetAfterCandidate(
            ref float x, ref float u, ref float bias, ref float hPrev, ref float z, ref float r, ref float e, ref float n, ref float hNext, nuint stride, nuint uStride, nuint k);

        static abstract void LstmUnits(
            ref float x, ref float u, ref float cPrev, ref float i, ref float f, ref float g, ref float o, ref float cellTanh,
            ref float cNext, ref float hNext, nuint stride, nuint uStride, nuint k);
    }

    private readonly struct Lanes8 : IGateWidth
    {
        public static nuint Lanes => 8;

        public static void ResetAfterGates(ref float x, ref float u, ref float bias, ref float z, ref float r, nuint stride, nuint uStride, nuint k) =>
            GateMath.ResetAfterGates(ref x, ref u, ref bias, ref z, ref r, stride, uStride, k);

        public static void ResetAfterCandidate(
            ref float x, ref float u, ref float bias, ref float hPrev, ref float z, ref float r, ref float e, ref float n, ref float hNext, nuint stride, nuint uStride, nuint k) =>
            GateMath.ResetAfterCandidate(ref x, ref u, ref bias, ref hPrev, ref z, ref r, ref e, ref n, ref hNext, stride, uStride, k);

        public static void LstmUnits(
            ref float x, ref float u, ref float cPrev, ref float i, ref float f, ref float g, ref float o, ref float cellTanh,
            ref float cNext, ref float hNext, nuint stride, nuint uStride, nuint k) =>
            GateMath.LstmUnits(ref x, ref u, ref cPrev, ref i, ref f, ref g, ref o, ref cellTanh, ref cNext, ref hNext, stride, uStride, k);
    }

    private readonly struct Lanes16 : IGateWidth
    {
        public static nuint Lanes => 16;

        public static void ResetAfterGates(ref float x, ref float u, ref float bias, ref float z, ref float r, nuint stride, nuint uStride, nuint k) =>
            ResetAfterGates512(ref x, ref u, ref bias, ref z, ref r, stride, uStride, k);

        public static void ResetAfterCandidate(
            ref float x, ref float u, ref float bias, ref float hPrev, ref float z, ref float r, ref float e, ref float n, ref float hNext, nuint stride, nuint uStride, nuint k) =>
            ResetAfterCandidate512(ref x, ref u, ref bias, ref hPrev, ref z, ref r, ref e, ref n, ref hNext, stride, uStride, k);

        public static void LstmUnits(
            ref float x, ref float u, ref float cPrev, ref float i, ref float f, ref float g, ref float o, ref float cellTanh,
            ref float cNext, ref float hNext, nuint stride, nuint uStride, nuint k) =>
            LstmUnits512(ref x, ref u, ref cPrev, ref i, ref f, ref g, ref o, ref cellTanh, ref cNext, ref hNext, stride, uStride, k);
    }
}
