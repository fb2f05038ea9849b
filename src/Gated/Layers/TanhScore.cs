namespace Gated.Layers;

/// <summary>
/// The tanh score of AdditiveAttention and of Attention's "concat" mode: Σ_d w_d · tanh(a · (q_d + k_d)), with w (dim)
/// and the scalar a. Backward recomputes the tanh instead of keeping a (B, Tq, Tv, dim) cache.
/// </summary>
internal struct TanhScore(float a, float[] w, float[] wGradient) : IPairScore
{
    /// <summary>Σ ds · Σ_d w_d (1 − t_d²)(q_d + k_d), a's gradient; w's accumulates into wGradient.</summary>
    public double AGradient;

    public readonly float Score(ReadOnlySpan<float> query, ReadOnlySpan<float> key)
    {
        float sum = 0;
        for (int d = 0; d < query.Length; d++)
        {
            sum += w[d] * MathF.Tanh(a * (query[d] + key[d]));
        }

        return sum;
    }

    public void Backward(float ds, ReadOnlySpan<float> query, ReadOnlySpan<float> key, Span<float> queryGradient, Span<float> keyGradient)
    {
        for (int d = 0; d < query.Length; d++)
        {
            float sum = query[d] + key[d], t = MathF.Tanh(a * sum);

            // d score / d (q_d + k_d) = w_d · a · (1 − t²)
            float dInner = ds * w[d] * (1 - (t * t));
            queryGradient[d] += dInner * a;
            keyGradient[d] += dInner * a;
            AGradient += dInner * sum;
            wGradient[d] += ds * t;
        }
    }
}
