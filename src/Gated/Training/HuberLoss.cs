using System.Globalization;

namespace Gated.Training;

/// <summary>
/// The Huber loss, as Keras's Huber, mean over every element: with e = p − t,
///     loss = mean(½e² where |e| ≤ δ, else δ(|e| − ½δ)),   dLoss/dp = (e where |e| ≤ δ, else δ·sign(e)) / n.
/// Quadratic near the target, linear (so robust to outliers) beyond δ.
/// </summary>
public sealed class HuberLoss : Loss
{
    /// <summary>A Huber loss that is quadratic for errors up to delta and linear beyond.</summary>
    public HuberLoss(float delta = 1f)
    {
        if (!float.IsFinite(delta) || delta <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Huber delta must be a positive finite number.");
        }

        Delta = delta;
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public float Delta { get; }

    /// <inheritdoc/>
    public override string Name => "huber";

    /// <inheritdoc/>
    public override string ToString() => $"huber(delta={Delta.ToString(CultureInfo.InvariantCulture)})";

    /// <inheritdoc/>
    protected override double ComputeCore(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradient)
    {
        double delta = Delta;
        double sum = 0;
        double invN = 1.0 / predictions.Length;
        for (int i = 0; i < predictions.Length; i++)
        {
            double e = (double)predictions[i] - targets[i];
            double abs = Math.Abs(e);
            bool quadratic = abs <= delta;
            sum += quadratic ? 0.5 * e * e : delta * (abs - (0.5 * delta));
            if (!gradient.IsEmpty)
            {
                gradient[i] = (float)((quadratic ? e : delta * Math.Sign(e)) * invN);
            }
        }

        return sum * invN;
    }
}
