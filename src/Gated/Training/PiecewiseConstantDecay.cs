using System.Globalization;

namespace Gated.Training;

/// <summary>
/// Keras's PiecewiseConstantDecay: values[0] while step ≤ boundaries[0], values[i] while
/// boundaries[i−1] &lt; step ≤ boundaries[i], and values[^1] once step &gt; boundaries[^1]. Boundaries strictly increase;
/// there is one more value than boundaries.
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly float[] _values;

    /// <summary>A schedule of values changing after each boundary step, as described above.</summary>
    public PiecewiseConstantDecay(long[] boundaries, float[] values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != boundaries.Length + 1)
        {
            throw new ArgumentException(
                $"Need one more value than boundaries; got {boundaries.Length} boundaries and {values.Length} values.", nameof(values));
        }

        for (int i = 1; i < boundaries.Length; i++)
        {
            if (boundaries[i] <= boundaries[i - 1])
            {
                throw new ArgumentException(
                    $"Boundaries must strictly increase; boundaries[{i}] = {boundaries[i]} follows {boundaries[i - 1]}.", nameof(boundaries));
            }
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!(float.IsFinite(values[i]) && values[i] >= 0))
            {
                throw new ArgumentException(
                    $"values[{i}] is {values[i].ToString(CultureInfo.InvariantCulture)}; learning rates must be finite and not negative.", nameof(values));
            }
        }

        _boundaries = (long[])boundaries.Clone();
        _values = (float[])values.Clone();
    }

    /// <summary>The steps after which the next value applies, increasing.</summary>
    public IReadOnlyList<long> Boundaries => _boundaries;

    /// <summary>The rates, one more than the boundaries.</summary>
    public IReadOnlyList<float> Values => _values;

    /// <inheritdoc/>
    public override string Name => "PiecewiseConstantDecay";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["boundaries"] = "[" + string.Join(", ", _boundaries.Select(Format)) + "]",
        ["values"] = "[" + string.Join(", ", _values.Select(Format)) + "]",
    };

    /// <inheritdoc/>
    protected override float RateCore(long step)
    {
        int i = 0;
        while (i < _boundaries.Length && step > _boundaries[i])
        {
            i++;
        }

        return _values[i];
    }
}
