namespace Gated.Layers;

/// <summary>Attention's "dot" score: scale · Σ_d q_d k_d; the scale is 1 without use_scale.</summary>
internal struct DotScore(float scale) : IPairScore
{
    /// <summary>Σ ds · (q · k), the scale's gradient.</summary>
    public double ScaleGradient;

    public readonly float Score(ReadOnlySpan<float> query, ReadOnlySpan<float> key)
    {
        float dot = 0;
        for (int d = 0; d < query.Length; d++)
        {
            dot += query[d] * key[d];
        }

        return dot * scale;
    }

    public void Backward(float ds, ReadOnlySpan<float> query, ReadOnlySpan<float> key, Span<float> queryGradient, Span<float> keyGradient)
    {
        float dot = 0, g = ds * scale;
        for (int d = 0; d < query.Length; d++)
        {
            dot += query[d] * key[d];
            queryGradient[d] += g * key[d];
            keyGradient[d] += g * query[d];
        }

        ScaleGradient += ds * dot;
    }
}
