namespace Gated.Training;

/// <summary>
/// Keras's ExponentialDecay: rate(step) = initial · decayRate^(step / decaySteps), with step / decaySteps floored
/// when staircase (the rate then drops once every decaySteps updates). Computed in double, rounded to float once.
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>A schedule falling by decayRate every decaySteps updates, smoothly or (staircase) in steps.</summary>
    public ExponentialDecay(float initialLearningRate, long decaySteps, float decayRate, bool staircase = false)
    {
        CheckPositive(initialLearningRate, nameof(initialLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decaySteps);
        CheckPositive(decayRate, nameof(decayRate));
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        DecayRate = decayRate;
        Staircase = staircase;
    }

    /// <summary>The rate at step 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>Updates per multiplication by <see cref="DecayRate"/>.</summary>
    public long DecaySteps { get; }

    /// <summary>The factor applied every <see cref="DecaySteps"/> updates.</summary>
    public float DecayRate { get; }

    /// <summary>Whether the exponent is floored, so the rate falls in steps.</summary>
    public bool Staircase { get; }

    /// <inheritdoc/>
    public override string Name => "ExponentialDecay";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["initial_learning_rate"] = Format(InitialLearningRate),
        ["decay_steps"] = Format(DecaySteps),
        ["decay_rate"] = Format(DecayRate),
        ["staircase"] = Staircase ? "true" : "false",
    };

    /// <inheritdoc/>
    protected override float RateCore(long step)
    {
        double p = Staircase ? step / DecaySteps : (double)step / DecaySteps;
        return (float)(InitialLearningRate * Math.Pow(DecayRate, p));
    }
}
