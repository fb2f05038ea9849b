namespace Gated.Layers;

/// <summary>How <see cref="Attention"/> scores a query step against a key step (Keras's score_mode).</summary>
public enum AttentionScoreMode
{
    /// <summary>"dot": query · key, times the scale when use_scale.</summary>
    Dot,

    /// <summary>"concat": concat_score_weight · Σ_d tanh(scale · (query_d + key_d)), scale 1 without use_scale.</summary>
    Concat,
}
