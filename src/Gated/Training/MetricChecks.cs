namespace Gated.Training;

/// <summary>Argument checks shared by the element-wise metrics.</summary>
internal static class MetricChecks
{
    /// <summary>Predictions and targets must be equally long, non-empty, and split evenly into samples.</summary>
    public static void SameLength(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        if (predictions.Length != targets.Length || predictions.IsEmpty)
        {
            throw new ArgumentException(
                $"Need equal, non-zero lengths; got {predictions.Length} predictions and {targets.Length} targets.", nameof(targets));
        }

        if (predictions.Length % samples != 0)
        {
            throw new ArgumentException($"{predictions.Length} values do not split into {samples} samples.", nameof(samples));
        }
    }
}
