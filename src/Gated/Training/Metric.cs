namespace Gated.Training;

/// <summary>
/// A score accumulated over the batches of an epoch, as Keras metrics: Reset, Update per batch, Result.
/// Predictions and targets are the model's output and the targets, flattened row-major.
/// </summary>
public abstract class Metric
{
    /// <summary>Name in the logs and History ("accuracy", "rmse"); validation adds "val_".</summary>
    public abstract string Name { get; }

    /// <summary>Forgets everything seen, before an epoch or an evaluation.</summary>
    public abstract void Reset();

    /// <param name="predictions">The model's output for one batch, row-major.</param>
    /// <param name="targets">The targets for that batch, as passed to Fit (same sample order).</param>
    /// <param name="samples">The batch size, so per-sample shapes can be recovered.</param>
    public abstract void Update(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int samples);

    /// <summary>The score over everything seen since <see cref="Reset"/>.</summary>
    public abstract double Result();
}
