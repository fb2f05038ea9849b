using System.Globalization;

namespace Gated.Training;

/// <summary>
/// Keras's BinaryAccuracy: the fraction of elements where (prediction &gt; threshold) equals the target, over every
/// element seen since Reset. The threshold is 0.5 on probabilities, or 0 on logits (σ(x) &gt; 0.5 ⇔ x &gt; 0).
/// Targets are 0 or 1 with the output's shape. Counted exactly; 0 before any update, as Keras.
/// </summary>
public sealed class BinaryAccuracy : Metric
{
    private long _correct;
    private long _count;

    /// <summary>An accuracy on probabilities (threshold 0.5), or on logits (threshold 0) when fromLogits.</summary>
    public BinaryAccuracy(bool fromLogits = false)
    {
        Threshold = fromLogits ? 0f : 0.5f;
    }

    /// <summary>An accuracy with a threshold of one's own choosing.</summary>
    public BinaryAccuracy(float threshold)
    {
        if (!float.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "Threshold must be finite.");
        }

        Threshold = threshold;
    }

    /// <summary>A prediction above it counts as 1.</summary>
    public float Threshold { get; }

    /// <inheritdoc/>
    public override string Name => "accuracy";

    /// <inheritdoc/>
    public override void Reset() => (_correct, _count) = (0, 0);

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int samples)
    {
        MetricChecks.SameLength(predictions, targets, samples);
        for (int i = 0; i < predictions.Length; i++)
        {
            float t = targets[i];
            if (t != 0 && t != 1)
            {
                throw new ArgumentException($"targets[{i}] is {t.ToString(CultureInfo.InvariantCulture)}; binary accuracy needs 0 or 1.", nameof(targets));
            }

            if ((predictions[i] > Threshold ? 1f : 0f) == t)
            {
                _correct++;
            }
        }

        _count += predictions.Length;
    }

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : (double)_correct / _count;
}
