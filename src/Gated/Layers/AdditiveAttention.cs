using System.Globalization;
using Gated.Layers.Initializers;
using Gated.Randomness;

namespace Gated.Layers;

/// <summary>
/// Keras's AdditiveAttention (Bahdanau-style): scores[i, j] = Σ_d scale_d · tanh(query[i, d] + key[j, d]), with a
/// trainable scale (dim) drawn Glorot-uniform (fan in = fan out = dim, as Keras for a vector) when use_scale, and
/// scale 1 otherwise. Masks, softmax, dropout on the weights and the weighted sum of values are
/// <see cref="ScoredAttention"/>'s.
/// </summary>
public sealed class AdditiveAttention : ScoredAttention, IConfigurableLayer
{
    private Parameter? _scale;
    private float[] _weights = [];          // the scale as of the last Forward (ones without use_scale): TanhScore's w
    private float[] _weightGradients = [];  // TanhScore's dw, added into dscale

    /// <summary>An additive attention layer.</summary>
    /// <param name="useScale">Whether the tanh terms are weighted by a trainable vector (Keras's default true).</param>
    /// <param name="dropout">Fraction of the attention weights dropped in training, in [0, 1).</param>
    /// <param name="useCausalMask">Whether query step i attends only to key steps j ≤ i.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropout"/> is not in [0, 1).</exception>
    public AdditiveAttention(bool useScale = true, double dropout = 0, bool useCausalMask = false)
        : base(useScale, useCausalMask, dropout)
    {
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "AdditiveAttention";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new AdditiveAttention(!config.Has("use_scale") || config.Bool("use_scale"), Attention.ConfigDropout(config), Attention.ConfigCausal(config));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["use_scale"] = UseScale ? "true" : "false",
        ["dropout"] = DropoutRate.ToString("R", CultureInfo.InvariantCulture),
        ["use_causal_mask"] = UseCausalMask ? "true" : "false",
    };

    private protected override void CreateParameters(int dim, SeededRandom random)
    {
        _weights = new float[dim];
        _weightGradients = new float[dim];
        if (UseScale)
        {
            _scale = AddParameter("scale", dim);
            WeightInitializers.GlorotUniform(_scale.Values, dim, dim, random);
        }
        else
        {
            _weights.AsSpan().Fill(1f);
        }
    }

    private protected override void ComputeScores(ReadOnlySpan<float> query, ReadOnlySpan<float> key, int batch, Span<float> scores)
    {
        _scale?.Values.CopyTo(_weights);
        var tanh = new TanhScore(1f, _weights, _weightGradients);
        PairScores.Forward(ref tanh, query, key, batch, QuerySteps, ValueSteps, KeyFeatures, scores);
    }

    private protected override void ScoresBackward(
        ReadOnlySpan<float> query, ReadOnlySpan<float> key, int batch, ReadOnlySpan<float> scoreGradient, Span<float> queryGradient, Span<float> keyGradient)
    {
        _weightGradients.AsSpan().Clear();
        var tanh = new TanhScore(1f, _weights, _weightGradients);
        PairScores.Backward(ref tanh, query, key, batch, QuerySteps, ValueSteps, KeyFeatures, scoreGradient, queryGradient, keyGradient);
        if (_scale is not null)
        {
            var gradients = _scale.Gradients;
            for (int d = 0; d < gradients.Length; d++)
            {
                gradients[d] += _weightGradients[d];
            }
        }
    }
}
