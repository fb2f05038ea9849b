using Gated.Tensors;

namespace Gated.Data;

/// <summary>
/// Turns one series into supervised samples for a sequence model: each sample is <c>window</c> consecutive
/// values and its target the value <c>horizon</c> steps after the window's last one.
/// </summary>
public static class SlidingWindows
{
    /// <summary>Number of samples: <c>length − window − horizon + 1</c>, or 0 when the series is too short.</summary>
    public static int Count(int length, int window, int horizon = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        CheckSizes(window, horizon);
        // long: window + horizon may overflow int for absurd arguments.
        return (int)Math.Max(0L, (long)length - window - horizon + 1);
    }

    /// <summary>
    /// Inputs (N, window, 1) and targets (N, 1): sample i is series[i .. i+window−1] with target
    /// series[i + window + horizon − 1].
    /// </summary>
    public static (Tensor Inputs, Tensor Targets) Create(ReadOnlySpan<float> series, int window, int horizon = 1)
    {
        CheckSizes(window, horizon);
        if ((long)window + horizon > series.Length)
        {
            throw new ArgumentException(
                $"window {window} plus horizon {horizon} needs at least {(long)window + horizon} values; the series has {series.Length}",
                nameof(window));
        }

        int n = Count(series.Length, window, horizon);
        if ((long)n * window > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{n} windows of {window} values do not fit in one array; use a shorter series or window", nameof(window));
        }

        var inputs = new float[n * window];
        var targets = new float[n];
        for (int i = 0; i < n; i++)
        {
            series.Slice(i, window).CopyTo(inputs.AsSpan(i * window, window));
            targets[i] = series[i + window + horizon - 1];
        }

        return (new Tensor(inputs, n, window, 1), new Tensor(targets, n, 1));
    }

    /// <summary>The final <paramref name="window"/> values as (1, window, 1): the input that forecasts the step after the data ends.</summary>
    public static Tensor Last(ReadOnlySpan<float> series, int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        if (window > series.Length)
        {
            throw new ArgumentException(
                $"window {window} needs at least {window} values; the series has {series.Length}", nameof(window));
        }

        return new Tensor(series[^window..].ToArray(), 1, window, 1);
    }

    private static void CheckSizes(int window, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
    }
}
