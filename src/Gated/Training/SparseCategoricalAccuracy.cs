namespace Gated.Training;

/// <summary>
/// Keras's SparseCategoricalAccuracy: the fraction of positions whose argmax over the last (class) axis equals the
/// integer target, over every position seen since Reset (N per batch, or N·T for sequence outputs). Predictions
/// (…, C) may be logits or probabilities; targets (…) or (…, 1) hold class indices as floats. Ties go to the first
/// largest class, as argmax. Counted exactly; 0 before any update, as Keras.
/// </summary>
public sealed class SparseCategoricalAccuracy : Metric
{
    private long _correct;
    private long _count;

    /// <inheritdoc/>
    public override string Name => "accuracy";

    /// <inheritdoc/>
    public override void Reset() => (_correct, _count) = (0, 0);

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        if (targets.IsEmpty || predictions.Length % targets.Length != 0 || targets.Length % samples != 0)
        {
            throw new ArgumentException(
                $"{predictions.Length} predictions, {targets.Length} class targets and {samples} samples do not make whole rows of classes.", nameof(targets));
        }

        int classes = predictions.Length / targets.Length;
        SparseSoftmaxCrossEntropyLoss.CheckClassTargets(targets, classes);
        for (int r = 0; r < targets.Length; r++)
        {
            var row = predictions.Slice(r * classes, classes);
            int best = 0;
            for (int j = 1; j < classes; j++)
            {
                if (row[j] > row[best])
                {
                    best = j;
                }
            }

            if (best == (int)targets[r])
            {
                _correct++;
            }
        }

        _count += targets.Length;
    }

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : (double)_correct / _count;
}
