namespace Gated.Training;

/// <summary>
/// Fit stopped because the training loss became NaN or infinite: the run's settings (most often a learning rate
/// far too large) made the weights blow up. It is the caller's input at fault, not a bug, and the message says
/// what to try. An <see cref="ArithmeticException"/>, so code that caught that before still catches it.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>"Training diverged: the loss became {loss} in epoch {epoch}, batch {batch}. Try …", both counted from 1.</summary>
    /// <param name="loss">The batch loss that was not finite.</param>
    /// <param name="epoch">The epoch, counted from 1.</param>
    /// <param name="batch">The batch within the epoch, counted from 1.</param>
    public TrainingDivergedException(float loss, int epoch, int batch)
        : base($"Training diverged: the loss became {loss} in epoch {epoch}, batch {batch}. Try a smaller learning rate or gradient clipping.")
    {
        Loss = loss;
        Epoch = epoch;
        Batch = batch;
    }

    /// <summary>The batch loss that was not finite.</summary>
    public float Loss { get; }

    /// <summary>The epoch in which it happened, counted from 1.</summary>
    public int Epoch { get; }

    /// <summary>The batch within that epoch, counted from 1.</summary>
    public int Batch { get; }
}
