using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gated.Kernels;

/// <summary>
/// Range reduction shared by the activation operators: exp(x) = 2^n · (1 + q), with
/// n = round(x / ln2), r = x − n·ln2 ∈ [−ln2/2, ln2/2] and q = expm1(r) from the Cephes expf polynomial
/// (relative error ≈ 1 ulp). Callers clamp x to [−87, 89] first, so 2^n is a normal float or, only for
/// n = 128 (x ≳ 88.4, slightly before true overflow), +inf. NaN in gives NaN in q.
/// </summary>
/// <remarks>
/// Every width performs the same IEEE operations in the same order (no fused multiply-add), so scalar and
/// vector results are bit-identical.
/// </remarks>
internal static class ExpReduction
{
    public const float Log2E = 1.44269504088896341f;

    // 1.5·2^23 + 127: adding it rounds x·log2e to an integer n held in the low mantissa bits,
    // already biased by 127, so that bits << 23 is the float 2^n.
    private const float RoundMagic = 12583039f;

    // ln2 split so that n·Ln2High is exact for |n| ≤ 2^15 (Cody–Waite).
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;

    private const float P0 = 1.9875691500e-4f;
    private const float P1 = 1.3981999507e-3f;
    private const float P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f;
    private const float P4 = 1.6666665459e-1f;
    private const float P5 = 5.0000001201e-1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Split(float x, out float pow2n, out float q)
    {
        float t = (x * Log2E) + RoundMagic;
        float n = t - RoundMagic;
        float r = (x - (n * Ln2High)) - (n * Ln2Low);
        float r2 = r * r;
        float p = (((((((((P0 * r) + P1) * r) + P2) * r) + P3) * r) + P4) * r) + P5;
        q = (p * r2) + r;
        pow2n = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(t) << 23);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Split(Vector128<float> x, out Vector128<float> pow2n, out Vector128<float> q)
    {
        Vector128<float> magic = Vector128.Create(RoundMagic);
        Vector128<float> t = (x * Vector128.Create(Log2E)) + magic;
        Vector128<float> n = t - magic;
        Vector128<float> r = (x - (n * Vector128.Create(Ln2High))) - (n * Vector128.Create(Ln2Low));
        Vector128<float> r2 = r * r;
        Vector128<float> p = (Vector128.Create(P0) * r) + Vector128.Create(P1);
        p = (p * r) + Vector128.Create(P2);
        p = (p * r) + Vector128.Create(P3);
        p = (p * r) + Vector128.Create(P4);
        p = (p * r) + Vector128.Create(P5);
        q = (p * r2) + r;
        pow2n = Vector128.ShiftLeft(t.AsInt32(), 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Split(Vector256<float> x, out Vector256<float> pow2n, out Vector256<float> q)
    {
        Vector256<float> magic = Vector256.Create(RoundMagic);
        Vector256<float> t = (x * Vector256.Create(Log2E)) + magic;
        Vector256<float> n = t - magic;
        Vector256<float> r = (x - (n * Vector256.Create(Ln2High))) - (n * Vector256.Create(Ln2Low));
        Vector256<float> r2 = r * r;
        Vector256<float> p = (Vector256.Create(P0) * r) + Vector256.Create(P1);
        p = (p * r) + Vector256.Create(P2);
        p = (p * r) + Vector256.Create(P3);
        p = (p * r) + Vector256.Create(P4);
        p = (p * r) + Vector256.Create(P5);
        q = (p * r2) + r;
        pow2n = Vector256.ShiftLeft(t.AsInt32(), 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Split(Vector512<float> x, out Vector512<float> pow2n, out Vector512<float> q)
    {
        Vector512<float> magic = Vector512.Create(RoundMagic);
        Vector512<float> t = (x * Vector512.Create(Log2E)) + magic;
        Vector512<float> n = t - magic;
        Vector512<float> r = (x - (n * Vector512.Create(Ln2High))) - (n * Vector512.Create(Ln2Low));
        Vector512<float> r2 = r * r;
        Vector512<float> p = (Vector512.Create(P0) * r) + Vector512.Create(P1);
        p = (p * r) + Vector512.Create(P2);
        p = (p * r) + Vector512.Create(P3);
        p = (p * r) + Vector512.Create(P4);
        p = (p * r) + Vector512.Create(P5);
        q = (p * r2) + r;
        pow2n = Vector512.ShiftLeft(t.AsInt32(), 23).AsSingle();
    }
}
