namespace Gated.Forecasting.Evaluation;

/// <summary>
/// Benchmark forecasts (Hyndman and Athanasopoulos, Forecasting: Principles and Practice, §5.2) that a model must
/// beat. The history y_1 … y_T is every value observed up to and including the forecast origin, oldest first;
/// step h = 1 … H forecasts y_{T+h}. Computed in double, written as float.
/// </summary>
public static class Baselines
{
    /// <summary>
    /// Writes the <paramref name="horizon"/> forecasts of <paramref name="kind"/> for steps 1 … H after the origin
    /// into <paramref name="destination"/>[0 … H−1]:
    /// persistence y_T; seasonal naive y_{T+h−m·(⌊(h−1)/m⌋+1)}; mean of y_1 … y_T; drift y_T + h·(y_T − y_1)/(T − 1),
    /// which is persistence when T = 1.
    /// </summary>
    /// <param name="kind">Which baseline.</param>
    /// <param name="history">The observed values up to and including the origin, oldest first.</param>
    /// <param name="horizon">Steps to forecast, at least 1.</param>
    /// <param name="season">The season length m; used only by <see cref="BaselineKind.SeasonalNaive"/>, where it must be at least 1.</param>
    /// <param name="destination">Receives the forecasts; at least <paramref name="horizon"/> long.</param>
    /// <exception cref="ArgumentException"><paramref name="history"/> is empty, shorter than one season for the
    /// seasonal naive forecast, or <paramref name="destination"/> is shorter than <paramref name="horizon"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is unknown, <paramref name="horizon"/> is
    /// below 1, or <paramref name="season"/> is below 1 for the seasonal naive forecast.</exception>
    public static void Forecast(BaselineKind kind, ReadOnlySpan<float> history, int horizon, int season, Span<float> destination)
    {
        if (history.IsEmpty)
        {
            throw new ArgumentException("Need at least one observed value.", nameof(history));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        if (destination.Length < horizon)
        {
            throw new ArgumentException($"Need room for {horizon} forecasts; got {destination.Length}.", nameof(destination));
        }

        int n = history.Length;
        float last = history[n - 1];
        switch (kind)
        {
            case BaselineKind.Persistence:
                destination[..horizon].Fill(last);
                break;

            case BaselineKind.SeasonalNaive:
                ArgumentOutOfRangeException.ThrowIfLessThan(season, 1);
                if (n < season)
                {
                    throw new ArgumentException($"The seasonal naive forecast needs at least one season ({season}) of history; got {n} values.", nameof(history));
                }

                for (int h = 1; h <= horizon; h++)
                {
                    // 0-based index of y_{T+h−m·k}, k = ⌊(h−1)/m⌋+1: always within the last season, since h − m·k ∈ [1−m, 0].
                    int k = (h - 1) / season + 1;
                    destination[h - 1] = history[n - 1 + h - season * k];
                }

                break;

            case BaselineKind.Mean:
                double sum = 0;
                for (int i = 0; i < n; i++)
                {
                    sum += history[i];
                }

                destination[..horizon].Fill((float)(sum / n));
                break;

            case BaselineKind.Drift:
                double slope = n == 1 ? 0 : ((double)last - history[0]) / (n - 1);
                for (int h = 1; h <= horizon; h++)
                {
                    destination[h - 1] = (float)(last + h * slope);
                }

                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown baseline.");
        }
    }

    /// <summary>The baseline's name for people: "persistence", "seasonal naive", "mean", "drift".</summary>
    /// <param name="kind">Which baseline.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is unknown.</exception>
    public static string Name(BaselineKind kind) => kind switch
    {
        BaselineKind.Persistence => "persistence",
        BaselineKind.SeasonalNaive => "seasonal naive",
        BaselineKind.Mean => "mean",
        BaselineKind.Drift => "drift",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown baseline."),
    };

    /// <summary>The baseline's key for JSON: "persistence", "seasonal_naive", "mean", "drift".</summary>
    /// <param name="kind">Which baseline.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is unknown.</exception>
    public static string Key(BaselineKind kind) => kind switch
    {
        BaselineKind.Persistence => "persistence",
        BaselineKind.SeasonalNaive => "seasonal_naive",
        BaselineKind.Mean => "mean",
        BaselineKind.Drift => "drift",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown baseline."),
    };
}
