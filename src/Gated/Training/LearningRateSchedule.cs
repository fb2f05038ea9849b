using System.Globalization;

namespace Gated.Training;

/// <summary>
/// A learning rate as a function of the optimizer step, as Keras's LearningRateSchedule: step counts the updates
/// made before the current one, from 0. Pass one to an optimizer's constructor in place of a fixed rate.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>Class name as Keras spells it ("ExponentialDecay").</summary>
    public abstract string Name { get; }

    /// <summary>The rate for the update that follows <paramref name="step"/> earlier updates.</summary>
    public float Rate(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return RateCore(step);
    }

    /// <summary>The schedule's arguments under Keras's names, as invariant strings.</summary>
    public abstract IReadOnlyDictionary<string, string> GetConfig();

    /// <summary>Name(arg=value, ...): what checkpoints store and error messages show.</summary>
    public override string ToString() => $"{Name}({string.Join(", ", GetConfig().Select(p => $"{p.Key}={p.Value}"))})";

    /// <summary>The rate at step, which <see cref="Rate"/> has checked is not negative.</summary>
    protected abstract float RateCore(long step);

    /// <summary>A value as the invariant text GetConfig uses.</summary>
    protected static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A value as the invariant text GetConfig uses.</summary>
    protected static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Throws ArgumentOutOfRangeException naming the parameter unless value is positive and finite.</summary>
    protected static void CheckPositive(float value, string name)
    {
        if (!float.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be a positive finite number.");
        }
    }
}
