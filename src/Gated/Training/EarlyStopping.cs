namespace Gated.Training;

/// <summary>
/// Stops training when a monitored value stops improving, with Keras 3's exact rules. An epoch improves when
/// current − minDelta &gt; best (mode "max") or current + minDelta &lt; best (mode "min"); the first monitored epoch
/// always does. Each monitored epoch adds one to a wait counter; an improvement resets it to 0 only if it also beats
/// the baseline (when given). Training stops after an epoch (not the first) with wait ≥ patience.
/// With restoreBestWeights the weights of the best epoch are put back when training ends — whether it stopped
/// early or ran to the last epoch, as Keras 3 does. Epochs before startFromEpoch are not monitored.
/// </summary>
public sealed class EarlyStopping : FitCallback
{
    private readonly bool _higherIsBetter;
    private float[]? _bestWeights;

    /// <summary>A stopping rule; the arguments are Keras's, with the rules described above.</summary>
    public EarlyStopping(
        string monitor = "val_loss", double minDelta = 0, int patience = 0, string mode = "auto",
        bool restoreBestWeights = false, double? baseline = null, int startFromEpoch = 0)
    {
        Mode = MonitorRule.Resolve(monitor, mode, nameof(mode));
        if (!double.IsFinite(minDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be finite.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(startFromEpoch);
        if (baseline is double b && !double.IsFinite(b))
        {
            throw new ArgumentOutOfRangeException(nameof(baseline), b, "Baseline must be finite.");
        }

        Monitor = monitor;
        MinDelta = Math.Abs(minDelta);
        Patience = patience;
        RestoreBestWeights = restoreBestWeights;
        Baseline = baseline;
        StartFromEpoch = startFromEpoch;
        _higherIsBetter = Mode == "max";
    }

    /// <summary>The log entry watched ("val_loss", "val_accuracy", ...).</summary>
    public string Monitor { get; }

    /// <summary>Resolved direction: "min" or "max".</summary>
    public string Mode { get; }

    /// <summary>The smallest change that counts as an improvement (absolute value of the argument, as Keras).</summary>
    public double MinDelta { get; }

    /// <summary>Monitored epochs without an improvement that beats the baseline before training stops.</summary>
    public int Patience { get; }

    /// <summary>Whether the best epoch's weights are put back when training ends.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>A value an improvement must also beat to reset the wait; null for none.</summary>
    public double? Baseline { get; }

    /// <summary>The first zero-based epoch that is monitored.</summary>
    public int StartFromEpoch { get; }

    /// <summary>Best monitored value of this run; null before the first monitored epoch.</summary>
    public double? Best { get; private set; }

    /// <summary>Zero-based epoch of <see cref="Best"/> (or of the weights kept for restoring); null before any.</summary>
    public int? BestEpoch { get; private set; }

    /// <summary>Zero-based epoch after which this callback stopped training; null when it did not.</summary>
    public int? StoppedEpoch { get; private set; }

    /// <summary>Monitored epochs since the last improvement that also beat the baseline.</summary>
    public int Wait { get; private set; }

    /// <summary>True once OnTrainEnd has put the best epoch's weights back.</summary>
    public bool RestoredBestWeights { get; private set; }

    /// <summary>Starts over, so one instance can serve several Fit calls.</summary>
    public override void OnTrainBegin(int epochs, int batchesPerEpoch, int trainSamples, int validationSamples)
    {
        // Reset so one instance can serve several Fit calls, as Keras allows.
        Wait = 0;
        StoppedEpoch = null;
        Best = null;
        BestEpoch = null;
        RestoredBestWeights = false;
        _bestWeights = null;
    }

    /// <summary>Compares the epoch's monitored value with the best, keeps the best weights, and stops training after patience epochs without an improvement.</summary>
    public override void OnEpochEnd(EpochLogs logs)
    {
        double current = MonitorRule.Read(logs, Monitor, nameof(EarlyStopping));
        int epoch = logs.Epoch;
        if (epoch < StartFromEpoch)
        {
            return;
        }

        if (RestoreBestWeights && _bestWeights is null)
        {
            // Until something improves, the first monitored epoch's weights are the best known.
            Snapshot();
            BestEpoch = epoch;
        }

        Wait++;
        if (IsImprovement(current, Best))
        {
            Best = current;
            BestEpoch = epoch;
            if (RestoreBestWeights)
            {
                Snapshot();
            }

            if (Baseline is null || IsImprovement(current, Baseline))
            {
                Wait = 0;
            }

            return;
        }

        if (Wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            StopTraining = true;
        }
    }

    /// <summary>Puts the best epoch's weights back when <see cref="RestoreBestWeights"/> is on.</summary>
    public override void OnTrainEnd()
    {
        if (RestoreBestWeights && _bestWeights is not null)
        {
            _bestWeights.CopyTo(RequireModel().ParameterValues);
            RestoredBestWeights = true;
        }
    }

    private bool IsImprovement(double current, double? reference) => reference is not double r
        || (_higherIsBetter ? current - MinDelta > r : current + MinDelta < r);

    private void Snapshot()
    {
        var weights = RequireModel().ParameterValues;
        if (_bestWeights?.Length != weights.Length)
        {
            _bestWeights = new float[weights.Length];
        }

        weights.CopyTo(_bestWeights);
    }

    private ITrainableModel RequireModel() => Model
        ?? throw new InvalidOperationException("EarlyStopping with restoreBestWeights needs the model; Fit sets Trainer before training.");
}
