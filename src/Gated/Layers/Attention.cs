using System.Globalization;
using Gated.Randomness;

namespace Gated.Layers;

/// <summary>
/// Keras's Attention (Luong-style): scores = query · keyᵀ, times a trainable scalar scale (starting at 1) when
/// use_scale; or, with score_mode "concat", scores = concat_score_weight · Σ_d tanh(scale · (query_d + key_d)) with
/// the scalar concat_score_weight starting at 1. Masks, softmax and the weighted sum of values are
/// <see cref="ScoredAttention"/>'s, and so is the dropout on the weights.
/// </summary>
public sealed class Attention : ScoredAttention, IConfigurableLayer
{
    private static readonly (string Name, AttentionScoreMode Mode)[] ModeNames = [("dot", AttentionScoreMode.Dot), ("concat", AttentionScoreMode.Concat)];

    private Parameter? _scale;
    private Parameter? _concatScoreWeight;
    private float[] _concatWeights = [];    // concat_score_weight repeated over dim: TanhScore's w
    private float[] _concatGradients = [];  // TanhScore's dw, summed into dconcat_score_weight

    /// <summary>A dot-product (or concat) attention layer.</summary>
    /// <param name="useScale">Whether to multiply the scores by a trainable scalar (Keras's default false).</param>
    /// <param name="scoreMode">Dot product or tanh of the sum ("concat").</param>
    /// <param name="dropout">Fraction of the attention weights dropped in training, in [0, 1).</param>
    /// <param name="useCausalMask">Whether query step i attends only to key steps j ≤ i.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropout"/> is not in [0, 1), or <paramref name="scoreMode"/> is not defined.</exception>
    public Attention(bool useScale = false, AttentionScoreMode scoreMode = AttentionScoreMode.Dot, double dropout = 0, bool useCausalMask = false)
        : base(useScale, useCausalMask, dropout)
    {
        if (!Enum.IsDefined(scoreMode))
        {
            throw new ArgumentOutOfRangeException(nameof(scoreMode), scoreMode, "Unknown attention score mode.");
        }

        ScoreMode = scoreMode;
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "Attention";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>How a query step is scored against a key step.</summary>
    public AttentionScoreMode ScoreMode { get; }

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var mode = config.Has("score_mode") ? config.Choice("score_mode", ModeNames) : AttentionScoreMode.Dot;
        return new Attention(
            config.Has("use_scale") && config.Bool("use_scale"), mode, ConfigDropout(config), ConfigCausal(config));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["use_scale"] = UseScale ? "true" : "false",
        ["score_mode"] = ModeNames.First(m => m.Mode == ScoreMode).Name,
        ["dropout"] = DropoutRate.ToString("R", CultureInfo.InvariantCulture),
        ["use_causal_mask"] = UseCausalMask ? "true" : "false",
    };

    /// <summary>The dropout rate of a configuration, in [0, 1); 0 when absent.</summary>
    internal static double ConfigDropout(LayerConfig config)
    {
        double rate = config.Has("dropout") ? config.Number("dropout", 0, 1) : 0;
        return rate < 1 ? rate : throw config.Error($"'dropout' is '{config.Text("dropout")}', not in [0, 1)");
    }

    /// <summary>use_causal_mask (a call argument in Keras 3, kept in the configuration here), or Keras 2's causal; false when absent.</summary>
    internal static bool ConfigCausal(LayerConfig config) =>
        config.Has("use_causal_mask") ? config.Bool("use_causal_mask") : config.Has("causal") && config.Bool("causal");

    private protected override void CreateParameters(int dim, SeededRandom random)
    {
        if (UseScale)
        {
            _scale = AddParameter("scale");
            _scale.Values.Fill(1f);
        }

        if (ScoreMode == AttentionScoreMode.Concat)
        {
            _concatScoreWeight = AddParameter("concat_score_weight");
            _concatScoreWeight.Values.Fill(1f);
            _concatWeights = new float[dim];
            _concatGradients = new float[dim];
        }
    }

    private protected override void ComputeScores(ReadOnlySpan<float> query, ReadOnlySpan<float> key, int batch, Span<float> scores)
    {
        float scale = _scale is null ? 1f : _scale.Values[0];
        if (ScoreMode == AttentionScoreMode.Concat)
        {
            _concatWeights.AsSpan().Fill(_concatScoreWeight!.Values[0]);
            var tanh = new TanhScore(scale, _concatWeights, _concatGradients);
            PairScores.Forward(ref tanh, query, key, batch, QuerySteps, ValueSteps, KeyFeatures, scores);
            return;
        }

        var dot = new DotScore(scale);
        PairScores.Forward(ref dot, query, key, batch, QuerySteps, ValueSteps, KeyFeatures, scores);
    }

    private protected override void ScoresBackward(
        ReadOnlySpan<float> query, ReadOnlySpan<float> key, int batch, ReadOnlySpan<float> scoreGradient, Span<float> queryGradient, Span<float> keyGradient)
    {
        float scale = _scale is null ? 1f : _scale.Values[0];
        double dScale;
        if (ScoreMode == AttentionScoreMode.Concat)
        {
            _concatGradients.AsSpan().Clear();
            var tanh = new TanhScore(scale, _concatWeights, _concatGradients);
            PairScores.Backward(ref tanh, query, key, batch, QuerySteps, ValueSteps, KeyFeatures, scoreGradient, queryGradient, keyGradient);

            // concat_score_weight is every w_d, so its gradient is the sum of theirs.
            double dWeight = 0;
            foreach (float g in _concatGradients)
            {
                dWeight += g;
            }

            _concatScoreWeight!.Gradients[0] += (float)dWeight;
            dScale = tanh.AGradient;
        }
        else
        {
            var dot = new DotScore(scale);
            PairScores.Backward(ref dot, query, key, batch, QuerySteps, ValueSteps, KeyFeatures, scoreGradient, queryGradient, keyGradient);
            dScale = dot.ScaleGradient;
        }

        if (_scale is not null)
        {
            _scale.Gradients[0] += (float)dScale;
        }
    }
}
