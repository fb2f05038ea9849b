namespace Gated.Training;

/// <summary>
/// Keras's ExponentialDecay: rate(step) = initial · decayRate^(step / decaySteps), with step / decaySteps floored
/// when staircase (the rate then drops once every decaySteps updates). Computed in double, rounded to float once.
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
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

    public float InitialLearningRate { get; }

    public long DecaySteps { get; }

    public float DecayRate { get; }

    public bool Staircase { get; }

    public override string Name => "ExponentialDecay";

    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["initial_learning_rate"] = Format(InitialLearningRate),
        ["decay_steps"] = Format(DecaySteps),
        ["decay_rate"] = Format(DecayRate),
        ["staircase"] = Staircase ? "true" : "false",
    };

    protected override float RateCore(long step)
    {
        double p = Staircase ? step / DecaySteps : (double)step / DecaySteps;
        return (float)(InitialLearningRate * Math.Pow(DecayRate, p));
    }
}
