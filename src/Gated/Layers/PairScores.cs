namespace Gated.Layers;

/// <summary>
/// The loops over query (B, Tq, dim) and key (B, Tv, dim) that attention scores (B, Tq, Tv) run on, written once
/// for every <see cref="IPairScore"/>; the operator is a struct, so each score is compiled into its own loop.
/// </summary>
internal static class PairScores
{
    public static void Forward<T>(ref T score, ReadOnlySpan<float> query, ReadOnlySpan<float> key, int batch, int tq, int tv, int dim, Span<float> scores)
        where T : struct, IPairScore
    {
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < tq; i++)
            {
                var qi = query.Slice(((b * tq) + i) * dim, dim);
                for (int j = 0; j < tv; j++)
                {
                    scores[(((b * tq) + i) * tv) + j] = score.Score(qi, key.Slice(((b * tv) + j) * dim, dim));
                }
            }
        }
    }

    /// <summary>Overwrites dquery and dkey from dscores; pairs whose dscore is 0 (masked) are skipped.</summary>
    public static void Backward<T>(
        ref T score, ReadOnlySpan<float> query, ReadOnlySpan<float> key, int batch, int tq, int tv, int dim,
        ReadOnlySpan<float> scoreGradient, Span<float> queryGradient, Span<float> keyGradient)
        where T : struct, IPairScore
    {
        queryGradient.Clear();
        keyGradient.Clear();
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < tq; i++)
            {
                int row = (b * tq) + i;
                var qi = query.Slice(row * dim, dim);
                var dqi = queryGradient.Slice(row * dim, dim);
                for (int j = 0; j < tv; j++)
                {
                    float ds = scoreGradient[(row * tv) + j];
                    if (ds != 0)
                    {
                        int offset = ((b * tv) + j) * dim;
                        score.Backward(ds, qi, key.Slice(offset, dim), dqi, keyGradient.Slice(offset, dim));
                    }
                }
            }
        }
    }
}
