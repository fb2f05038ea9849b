namespace Gated.Layers;

/// <summary>
/// How an attention layer scores one query step against one key step (both dim features), and that score's
/// gradient: an operator struct that <see cref="PairScores"/> runs over every (sample, query step, key step).
/// Parameter gradients accumulate in the operator's own fields.
/// </summary>
internal interface IPairScore
{
    float Score(ReadOnlySpan<float> query, ReadOnlySpan<float> key);

    /// <summary>Adds ds · ∂score/∂query into queryGradient, ds · ∂score/∂key into keyGradient, and the parameters' shares.</summary>
    void Backward(float ds, ReadOnlySpan<float> query, ReadOnlySpan<float> key, Span<float> queryGradient, Span<float> keyGradient);
}
