namespace Gated.Training;

/// <summary>Hooks into Fit, as Keras callbacks: progress display now, early stopping and checkpoints later.</summary>
public abstract class FitCallback
{
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

    /// <summary>validationLoss is null when Fit has no validation split.</summary>
    public virtual void OnEpochEnd(int epoch, double loss, double? validationLoss, double seconds)
    {
    }
}
