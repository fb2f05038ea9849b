namespace Gated.Training;

/// <summary>
/// Multiplies the optimizer's learning rate by factor when a monitored value has not improved for patience epochs,
/// with Keras's rules. Improvement: current &lt; best − minDelta (mode "min") or current &gt; best + minDelta ("max").
/// Each epoch: during cooldown the counter falls by one and wait is held at 0; an improvement sets best and wait = 0;
/// otherwise, outside cooldown, wait grows and on reaching patience the rate becomes max(rate·factor, minLearningRate)
/// (only if the rate is still above minLearningRate), cooldown restarts and wait = 0.
/// An optimizer driven by a <see cref="LearningRateSchedule"/> is refused at the start of training
/// (InvalidOperationException), as Keras refuses to set such a rate.
/// </summary>
public sealed class ReduceLROnPlateau : FitCallback
{
    private readonly bool _higherIsBetter;
    private readonly List<(int Epoch, float LearningRate)> _reductions = [];

    /// <summary>A plateau rule; the arguments are Keras's, with the rules described above.</summary>
    public ReduceLROnPlateau(
        string monitor = "val_loss", double factor = 0.1, int patience = 10, string mode = "auto",
        double minDelta = 1e-4, int cooldown = 0, double minLearningRate = 0)
    {
        Mode = MonitorRule.Resolve(monitor, mode, nameof(mode));
        if (!(factor > 0 && factor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be in (0, 1); a rate cannot grow or vanish on a plateau.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        if (!double.IsFinite(minDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be finite.");
        }

        if (!(double.IsFinite(minLearningRate) && minLearningRate >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "The minimum learning rate must be finite and not negative.");
        }

        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        MinDelta = minDelta;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
        _higherIsBetter = Mode == "max";
        Reset();
    }

    /// <summary>The log entry watched ("val_loss", "val_accuracy", ...).</summary>
    public string Monitor { get; }

    /// <summary>What the rate is multiplied by on a plateau, in (0, 1).</summary>
    public double Factor { get; }

    /// <summary>Epochs without an improvement before the rate falls.</summary>
    public int Patience { get; }

    /// <summary>Resolved direction: "min" or "max".</summary>
    public string Mode { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs after a reduction during which the wait is held at 0.</summary>
    public int Cooldown { get; }

    /// <summary>The rate never falls below this.</summary>
    public double MinLearningRate { get; }

    /// <summary>Best monitored value so far (±∞ before the first epoch).</summary>
    public double Best { get; private set; }

    /// <summary>Epochs since the last improvement (outside cooldown).</summary>
    public int Wait { get; private set; }

    /// <summary>Cooldown epochs left.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>Every reduction made since training began: the zero-based epoch and the new rate.</summary>
    public IReadOnlyList<(int Epoch, float LearningRate)> Reductions => _reductions;

    /// <summary>Refuses an optimizer that follows a schedule, and starts over.</summary>
    public override void OnTrainBegin(int epochs, int batchesPerEpoch, int trainSamples, int validationSamples)
    {
        var optimizer = RequireOptimizer();
        if (optimizer.Schedule is not null)
        {
            throw new InvalidOperationException(
                $"ReduceLROnPlateau cannot change the learning rate of an optimizer that follows the schedule {optimizer.Schedule}; use one or the other.");
        }

        Reset();
    }

    /// <summary>Compares the epoch's monitored value with the best and lowers the rate after patience epochs without an improvement.</summary>
    public override void OnEpochEnd(EpochLogs logs)
    {
        double current = MonitorRule.Read(logs, Monitor, nameof(ReduceLROnPlateau));
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            Wait = 0;
        }

        if (_higherIsBetter ? current > Best + MinDelta : current < Best - MinDelta)
        {
            Best = current;
            Wait = 0;
            return;
        }

        if (CooldownCounter > 0)
        {
            return;
        }

        Wait++;
        if (Wait < Patience)
        {
            return;
        }

        var optimizer = RequireOptimizer();
        float old = optimizer.LearningRate;
        if (old > (float)MinLearningRate)
        {
            float next = (float)Math.Max((double)old * Factor, MinLearningRate);

            // A rate of exactly 0 (min 0 and an underflowing product) is not a valid rate; keep the smallest one.
            optimizer.LearningRate = next > 0 ? next : float.Epsilon;
            _reductions.Add((logs.Epoch, optimizer.LearningRate));
            CooldownCounter = Cooldown;
            Wait = 0;
        }
    }

    private void Reset()
    {
        Best = _higherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
        Wait = 0;
        CooldownCounter = 0;
        _reductions.Clear();
    }

    private Optimizer RequireOptimizer() => Trainer?.Optimizer
        ?? throw new InvalidOperationException("ReduceLROnPlateau needs a compiled model; Fit sets Trainer before training.");
}
