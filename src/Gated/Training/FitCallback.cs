using Gated.Models;

namespace Gated.Training;

/// <summary>Hooks into Fit, as Keras callbacks: progress display, early stopping, checkpoints, learning-rate control.</summary>
public abstract class FitCallback
{
    /// <summary>The model being trained; set by Fit before <see cref="OnTrainBegin"/>.</summary>
    public Sequential? Model { get; internal set; }

    /// <summary>Set to true from a hook to end training after the current epoch.</summary>
    public bool StopTraining { get; set; }

    public virtual void OnTrainBegin(int epochs, int batchesPerEpoch, int trainSamples, int validationSamples)
    {
    }

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

    public virtual void OnTrainEnd()
    {
    }
}
