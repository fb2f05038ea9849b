namespace Gated.Training;

/// <summary>
/// Keras's CosineDecay (without warm-up): with s = min(step, decaySteps),
/// rate(step) = initial · ((1 − α) · ½(1 + cos(π·s / decaySteps)) + α), falling from initial to α·initial over
/// decaySteps updates and staying there. Computed in double, rounded to float once.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule
{
    /// <summary>A schedule from initialLearningRate down to alpha · initialLearningRate over decaySteps updates.</summary>
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

    /// <summary>The rate at step 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>Updates over which the rate falls; it stays at its floor afterwards.</summary>
    public long DecaySteps { get; }

    /// <summary>The final rate as a fraction of the initial one (α).</summary>
    public float Alpha { get; }

    /// <inheritdoc/>
    public override string Name => "CosineDecay";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["initial_learning_rate"] = Format(InitialLearningRate),
        ["decay_steps"] = Format(DecaySteps),
        ["alpha"] = Format(Alpha),
    };

    /// <inheritdoc/>
    protected override float RateCore(long step)
    {
        double fraction = (double)Math.Min(step, DecaySteps) / DecaySteps;
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * fraction));
        return (float)(InitialLearningRate * (((1 - (double)Alpha) * cosine) + Alpha));
    }
}
