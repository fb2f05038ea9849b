namespace Gated.Training;

/// <summary>What Fit measured, one entry per epoch: loss, val_loss (when there is a validation split), seconds.</summary>
public sealed class History
{
    private readonly List<double> _loss = [];
    private readonly List<double> _validationLoss = [];
    private readonly List<double> _seconds = [];

    public IReadOnlyList<double> Loss => _loss;

    /// <summary>Empty when Fit had no validation data.</summary>
    public IReadOnlyList<double> ValidationLoss => _validationLoss;

    public IReadOnlyList<double> EpochSeconds => _seconds;

    public int Epochs => _loss.Count;

    internal void Add(double loss, double? validationLoss, double seconds)
    {
        _loss.Add(loss);
        if (validationLoss is double v)
        {
            _validationLoss.Add(v);
        }

        _seconds.Add(seconds);
    }
}
