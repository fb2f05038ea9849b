using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Gated.Kernels;

namespace Gated.Layers;

/// <summary>
/// The tanh score of AdditiveAttention and of Attention's "concat" mode: Σ_d w_d · tanh(a · (q_d + k_d)), with w (dim)
/// and the scalar a. Backward recomputes the tanh instead of keeping a (B, Tq, Tv, dim) cache. Both run 8 features at
/// a time with the engine's vector tanh (<see cref="TanhOperator"/>): a score costs dim tanh, the whole layer
/// Tq · Tv · dim of them, the most of an attention decoder's arithmetic after its GEMMs.
/// </summary>
internal struct TanhScore(float a, float[] w, float[] wGradient) : IPairScore
{
    /// <summary>Σ ds · Σ_d w_d (1 − t_d²)(q_d + k_d), a's gradient; w's accumulates into wGradient.</summary>
    public double AGradient;

    public readonly float Score(ReadOnlySpan<float> query, ReadOnlySpan<float> key)
    {
        int n = query.Length, d = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            ref float q = ref MemoryMarshal.GetReference(query), k = ref MemoryMarshal.GetReference(key), weights = ref MemoryMarshal.GetArrayDataReference(w);
            var scale = Vector256.Create(a);
            var total = Vector256<float>.Zero;
            for (; d + 8 <= n; d += 8)
            {
                var t = TanhOperator.Invoke(scale * (Vector256.LoadUnsafe(ref q, (nuint)d) + Vector256.LoadUnsafe(ref k, (nuint)d)));
                total += Vector256.LoadUnsafe(ref weights, (nuint)d) * t;
            }

            sum = Vector256.Sum(total);
        }

        for (; d < n; d++)
        {
            sum += w[d] * TanhOperator.Invoke(a * (query[d] + key[d]));
        }

        return sum;
    }

    public void Backward(float ds, ReadOnlySpan<float> query, ReadOnlySpan<float> key, Span<float> queryGradient, Span<float> keyGradient)
    {
        int n = query.Length, d = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            ref float q = ref MemoryMarshal.GetReference(query), k = ref MemoryMarshal.GetReference(key);
            ref float dq = ref MemoryMarshal.GetReference(queryGradient), dk = ref MemoryMarshal.GetReference(keyGradient);
            ref float weights = ref MemoryMarshal.GetArrayDataReference(w), dw = ref MemoryMarshal.GetArrayDataReference(wGradient);
            var scale = Vector256.Create(a);
            var gradient = Vector256.Create(ds);
            var aGradient = Vector256<float>.Zero;
            for (; d + 8 <= n; d += 8)
            {
                var sum = Vector256.LoadUnsafe(ref q, (nuint)d) + Vector256.LoadUnsafe(ref k, (nuint)d);
                var t = TanhOperator.Invoke(scale * sum);

                // d score / d (q_d + k_d) = w_d · a · (1 − t²)
                var inner = gradient * Vector256.LoadUnsafe(ref weights, (nuint)d) * (Vector256<float>.One - (t * t));
                (Vector256.LoadUnsafe(ref dq, (nuint)d) + (inner * scale)).StoreUnsafe(ref dq, (nuint)d);
                (Vector256.LoadUnsafe(ref dk, (nuint)d) + (inner * scale)).StoreUnsafe(ref dk, (nuint)d);
                aGradient += inner * sum;
                (Vector256.LoadUnsafe(ref dw, (nuint)d) + (gradient * t)).StoreUnsafe(ref dw, (nuint)d);
            }

            AGradient += Vector256.Sum(aGradient);
        }

        for (; d < n; d++)
        {
            float sum = query[d] + key[d], t = TanhOperator.Invoke(a * sum);

            // d score / d (q_d + k_d) = w_d · a · (1 − t²)
            float dInner = ds * w[d] * (1 - (t * t));
            queryGradient[d] += dInner * a;
            keyGradient[d] += dInner * a;
            AGradient += dInner * sum;
            wGradient[d] += ds * t;
        }
    }
}
