namespace Gated.Training;

/// <summary>
/// √(Σ(p − t)² / n) over every element seen since Reset, summed in double (exact pooling, not a mean of batch
/// scores); Keras's RootMeanSquaredError under the short name "rmse". 0 before any update, as Keras.
/// </summary>
public sealed class RootMeanSquaredErrorMetric : Metric
{
    private double _sum;
    private long _count;

    /// <inheritdoc/>
    public override string Name => "rmse";

    /// <inheritdoc/>
    public override void Reset() => (_sum, _count) = (0, 0);

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int samples)
    {
        MetricChecks.SameLength(predictions, targets, samples);
        for (int i = 0; i < predictions.Length; i++)
        {
            double d = (double)predictions[i] - targets[i];
            _sum += d * d;
        }

        _count += predictions.Length;
    }

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : Math.Sqrt(_sum / _count);
}
