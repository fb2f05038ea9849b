using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Gated.Kernels;

/// <summary>
/// The element-wise part of a GRU or LSTM step, fused: one pass over a row reads the two projections and the
/// previous state and writes the gates, the caches backward needs and the new state, where separate loops
/// would stream the same (B, H) blocks through the cache five or six times. Each formula is written twice, on
/// Vector256 and on floats (the GRU reset-after and LSTM steps also on Vector512, for AVX-512's 16 lanes); the
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
}
