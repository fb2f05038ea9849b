namespace Gated.Training;

/// <summary>Hooks into Fit, as Keras callbacks: progress display, early stopping, checkpoints, learning-rate control.</summary>
public abstract class FitCallback
{
    /// <summary>The trainer running Fit (its model, optimizer, loss); set by Fit before <see cref="OnTrainBegin"/>.</summary>
    public Trainer? Trainer { get; internal set; }

    /// <summary>The model being trained: the <see cref="Trainer"/>'s model.</summary>
    public ITrainableModel? Model => Trainer?.Model;

    /// <summary>Set to true from a hook to end training after the current epoch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>Before the first epoch, with the run's size: epochs, batches per epoch and samples on each side of the split.</summary>
    public virtual void OnTrainBegin(int epochs, int batchesPerEpoch, int trainSamples, int validationSamples)
    {
    }

    /// <summary>Before a zero-based epoch's first batch.</summary>
    public virtual void OnEpochBegin(int epoch)
    {
    }

    /// <summary>After each batch; meanLoss is the sample-weighted mean loss of the epoch so far.</summary>
    public virtual void OnBatchEnd(int epoch, int batch, double meanLoss)
    {
    }

    /// <summary>After validation; logs hold loss, val_loss and the metrics.</summary>
    public virtual void OnEpochEnd(EpochLogs logs)
    {
    }

    /// <summary>After the last epoch, or the one a callback stopped training after.</summary>
    public virtual void OnTrainEnd()
    {
    }
}
