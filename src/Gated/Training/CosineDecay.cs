namespace Gated.Training;

/// <summary>
/// Keras's CosineDecay (without warm-up): with s = min(step, decaySteps),
/// rate(step) = initial · ((1 − α) · ½(1 + cos(π·s / decaySteps)) + α), falling from initial to α·initial over
/// decaySteps updates and staying there. Computed in double, rounded to float once.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule
{
    public CosineDecay(float initialLearningRate, long decaySteps, float alpha = 0f)
    {
        CheckPositive(initialLearningRate, nameof(initialLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decaySteps);
        if (!(alpha >= 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha, the final fraction of the initial rate, must be in [0, 1].");
        }

        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        Alpha = alpha;
    }

    public float InitialLearningRate { get; }

    public long DecaySteps { get; }

    public float Alpha { get; }

    public override string Name => "CosineDecay";

    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["initial_learning_rate"] = Format(InitialLearningRate),
        ["decay_steps"] = Format(DecaySteps),
        ["alpha"] = Format(Alpha),
    };

    protected override float RateCore(long step)
    {
        double fraction = (double)Math.Min(step, DecaySteps) / DecaySteps;
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * fraction));
        return (float)(InitialLearningRate * (((1 - (double)Alpha) * cosine) + Alpha));
    }
}
