using System.Globalization;

namespace Gated.Training;

/// <summary>
/// Binary cross-entropy, mean over every element, targets t in [0, 1] with the output's shape.
/// On probabilities (Keras's BinaryCrossentropy): p is clipped to [ε, 1 − ε], ε = 1e-7, then
///     loss = −mean(t·ln p + (1 − t)·ln(1 − p)),   dLoss/dp = (p − t) / (p(1 − p)) / n inside the clip, 0 outside
/// (the clip's gradient, as TensorFlow and JAX give it).
/// On logits x (from_logits=True; tf.nn.sigmoid_cross_entropy_with_logits), stable for any x:
///     loss = mean(max(x, 0) − x·t + ln(1 + e^(−|x|))),   dLoss/dx = (σ(x) − t) / n.
/// </summary>
public sealed class BinaryCrossEntropyLoss : Loss
{
    /// <summary>Keras's backend epsilon: probabilities are clipped to [Epsilon, 1 − Epsilon].</summary>
    public const float Epsilon = 1e-7f;

    /// <summary>The loss on probabilities, or on logits when fromLogits.</summary>
    public BinaryCrossEntropyLoss(bool fromLogits)
    {
        FromLogits = fromLogits;
    }

    /// <summary>Whether predictions are logits (σ applied inside the loss) rather than probabilities.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc/>
    public override string Name => FromLogits ? "binary_crossentropy_from_logits" : "binary_crossentropy";

    /// <inheritdoc/>
    protected override double ComputeCore(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradient)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            if (!(targets[i] >= 0 && targets[i] <= 1))
            {
                throw new ArgumentException(
                    $"targets[{i}] is {targets[i].ToString(CultureInfo.InvariantCulture)}; binary targets must lie in [0, 1].", "targets");
            }
        }

        return FromLogits ? FromLogitsCore(predictions, targets, gradient) : FromProbabilitiesCore(predictions, targets, gradient);
    }

    private static double FromProbabilitiesCore(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradient)
    {
        // 1 − 1e-7 rounds to 0.99999988f, the bound Keras's float32 clip uses.
        const float upper = 1f - Epsilon;
        double sum = 0;
        double invN = 1.0 / predictions.Length;
        for (int i = 0; i < predictions.Length; i++)
        {
            float raw = predictions[i];
            double p = Math.Clamp(raw, Epsilon, upper);
            double t = targets[i];
            sum -= (t * Math.Log(p)) + ((1 - t) * Math.Log(1 - p));
            if (!gradient.IsEmpty)
            {
                bool inside = raw >= Epsilon && raw <= upper;
                gradient[i] = inside ? (float)((p - t) / (p * (1 - p)) * invN) : 0f;
            }
        }

        return sum * invN;
    }

    private static double FromLogitsCore(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradient)
    {
        double sum = 0;
        double invN = 1.0 / predictions.Length;
        for (int i = 0; i < predictions.Length; i++)
        {
            double x = predictions[i];
            double t = targets[i];
            double e = Math.Exp(-Math.Abs(x));

            // ln(1 + e) by its series where 1 + e would round e away (x beyond about 11).
            double softplus = e < 1e-5 ? e - (0.5 * e * e) : Math.Log(1 + e);
            sum += Math.Max(x, 0) - (x * t) + softplus;
            if (!gradient.IsEmpty)
            {
                double sigmoid = x >= 0 ? 1 / (1 + e) : e / (1 + e);
                gradient[i] = (float)((sigmoid - t) * invN);
            }
        }

        return sum * invN;
    }
}
