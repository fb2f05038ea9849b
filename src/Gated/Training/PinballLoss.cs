using System.Globalization;

namespace Gated.Training;

/// <summary>
/// The pinball (quantile) loss of Q quantiles at once, mean over every element: with e = t − p and q the element's
/// quantile, loss = mean(max(q·e, (q − 1)·e)),   dLoss/dp = (−q where t &gt; p, 1 − q where t &lt; p) / n.
/// At t = p the loss has a kink; the gradient there is the subgradient (0.5 − q) / n, the midpoint of the two sides.
/// <para>
/// Layout: predictions and targets are flat and element i belongs to quantile <c>Quantiles[i % Q]</c>, so the model's
/// last axis is (steps × Q) with the quantiles fastest and every count a multiple of Q. The caller repeats each
/// step's one actual value Q times in the targets. A MonotoneQuantiles layer keeps such outputs from crossing.
/// </para>
/// </summary>
public sealed class PinballLoss : Loss
{
    private const string Prefix = "pinball(quantiles=";

    private readonly float[] _quantiles;

    /// <summary>A pinball loss over the given quantile levels.</summary>
    /// <param name="quantiles">At least one level, each strictly inside (0, 1), strictly increasing (e.g. 0.1, 0.5, 0.9).</param>
    /// <exception cref="ArgumentNullException"><paramref name="quantiles"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="quantiles"/> is empty or not strictly increasing.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A level is not strictly between 0 and 1.</exception>
    public PinballLoss(IReadOnlyList<float> quantiles)
    {
        ArgumentNullException.ThrowIfNull(quantiles);
        if (quantiles.Count == 0)
        {
            throw new ArgumentException("Pinball loss needs at least one quantile.", nameof(quantiles));
        }

        _quantiles = [.. quantiles];
        for (int k = 0; k < _quantiles.Length; k++)
        {
            float q = _quantiles[k];
            if (!(q > 0f && q < 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(quantiles), q, $"Quantile {k} must be strictly between 0 and 1.");
            }

            if (k > 0 && !(q > _quantiles[k - 1]))
            {
                throw new ArgumentException(
                    $"Quantiles must be strictly increasing; quantile {k} ({Format(q)}) follows {Format(_quantiles[k - 1])}.", nameof(quantiles));
            }
        }
    }

    /// <summary>The quantile levels, in the order the model's outputs hold them (Q = their count).</summary>
    public IReadOnlyList<float> Quantiles => _quantiles;

    /// <inheritdoc/>
    public override string Name => "pinball";

    /// <summary>"pinball(quantiles=0.1,0.5,0.9)", invariant culture; <see cref="Loss.FromName"/> reads it back.</summary>
    public override string ToString() => Prefix + string.Join(",", _quantiles.Select(Format)) + ")";

    /// <summary>Also requires the model's last output axis to be a multiple of Q.</summary>
    public override void CheckTargetShape(ReadOnlySpan<int> outputShape, ReadOnlySpan<int> targetShape)
    {
        base.CheckTargetShape(outputShape, targetShape);
        if (outputShape.Length > 0 && outputShape[^1] % _quantiles.Length != 0)
        {
            throw new ArgumentException(
                $"Pinball loss over {_quantiles.Length} quantiles needs the model's last axis to be a multiple of {_quantiles.Length}, got {Tensors.Tensor.FormatShape(outputShape)}.",
                "y");
        }
    }

    /// <summary>
    /// The <see cref="ToString"/> form "pinball(quantiles=a,b,…)" parsed back; null when text does not start
    /// that way. ArgumentException (naming "name") when it does but the levels are malformed or invalid.
    /// </summary>
    internal static PinballLoss? TryParse(string text)
    {
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var levels = new List<float>();
        if (text.EndsWith(')'))
        {
            foreach (string part in text[Prefix.Length..^1].Split(','))
            {
                if (!float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out float level) || part.Trim() != part)
                {
                    levels.Clear();
                    break;
                }

                levels.Add(level);
            }
        }

        try
        {
            return levels.Count > 0
                ? new PinballLoss(levels)
                : throw new ArgumentException("expected comma-separated numbers and a closing parenthesis");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Malformed pinball loss '{text}': {e.Message}", "name", e);
        }
    }

    /// <inheritdoc/>
    protected override void CheckLengths(int predictionCount, int targetCount)
    {
        base.CheckLengths(predictionCount, targetCount);
        if (predictionCount % _quantiles.Length != 0)
        {
            throw new ArgumentException(
                $"Pinball loss over {_quantiles.Length} quantiles needs a multiple of {_quantiles.Length} predictions, got {predictionCount}.", "predictions");
        }
    }

    /// <inheritdoc/>
    protected override double ComputeCore(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradient)
    {
        int quantileCount = _quantiles.Length;
        double sum = 0;
        double invN = 1.0 / predictions.Length;
        for (int i = 0; i < predictions.Length; i++)
        {
            double q = _quantiles[i % quantileCount];
            double e = (double)targets[i] - predictions[i];
            // An under-prediction (e > 0) costs q per unit, an over-prediction 1 − q: the minimiser is the q-quantile.
            sum += e >= 0 ? q * e : (q - 1) * e;
            if (!gradient.IsEmpty)
            {
                double slope = e > 0 ? -q : e < 0 ? 1 - q : 0.5 - q;
                gradient[i] = (float)(slope * invN);
            }
        }

        return sum * invN;
    }

    private static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);
}
