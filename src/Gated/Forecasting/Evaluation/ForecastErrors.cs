using Gated.Training;

namespace Gated.Forecasting.Evaluation;

/// <summary>
/// Point and interval error measures of forecasts against actual values, paired by index (actual[i], forecast[i]).
/// Every sum is taken in double. Empty spans or spans of unequal lengths throw <see cref="ArgumentException"/>;
/// NaN values are not filtered and make the result NaN. MAE and RMSE are the training metrics' own (<see cref="ErrorScores"/>).
/// </summary>
public static class ForecastErrors
{
    /// <summary>Mean absolute error: mean(|a − f|).</summary>
    /// <param name="actual">The observed values.</param>
    /// <param name="forecast">The forecasts, one per observed value.</param>
    /// <exception cref="ArgumentException">The spans are empty or of unequal lengths.</exception>
    public static double Mae(ReadOnlySpan<float> actual, ReadOnlySpan<float> forecast)
    {
        CheckPair(actual, forecast, nameof(forecast));
        return ErrorScores.MeanAbsoluteError(forecast, actual);
    }

    /// <summary>Root mean squared error: √(mean((a − f)²)).</summary>
    /// <param name="actual">The observed values.</param>
    /// <param name="forecast">The forecasts, one per observed value.</param>
    /// <exception cref="ArgumentException">The spans are empty or of unequal lengths.</exception>
    public static double Rmse(ReadOnlySpan<float> actual, ReadOnlySpan<float> forecast)
    {
        CheckPair(actual, forecast, nameof(forecast));
        return ErrorScores.RootMeanSquaredError(forecast, actual);
    }

    /// <summary>
    /// Mean absolute percentage error: mean(100·|a − f| / |a|) over the points with a ≠ 0. Points with a = 0 are
    /// skipped and counted in <see cref="MapeResult.SkippedZeros"/>; when all are 0 the percentage is NaN.
    /// </summary>
    /// <param name="actual">The observed values.</param>
    /// <param name="forecast">The forecasts, one per observed value.</param>
    /// <exception cref="ArgumentException">The spans are empty or of unequal lengths.</exception>
    public static MapeResult Mape(ReadOnlySpan<float> actual, ReadOnlySpan<float> forecast)
    {
        CheckPair(actual, forecast, nameof(forecast));
        double sum = 0;
        int used = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double a = actual[i];
            if (a == 0)
            {
                continue;
            }

            sum += 100 * Math.Abs(a - forecast[i]) / Math.Abs(a);
            used++;
        }

        int skipped = actual.Length - used;
        return new MapeResult(used == 0 ? double.NaN : sum / used, used, skipped);
    }

    /// <summary>
    /// Symmetric mean absolute percentage error, in percent (0 to 200): mean(200·|f − a| / (|a| + |f|)), where a
    /// point with a = f = 0 contributes 0.
    /// </summary>
    /// <param name="actual">The observed values.</param>
    /// <param name="forecast">The forecasts, one per observed value.</param>
    /// <exception cref="ArgumentException">The spans are empty or of unequal lengths.</exception>
    public static double Smape(ReadOnlySpan<float> actual, ReadOnlySpan<float> forecast)
    {
        CheckPair(actual, forecast, nameof(forecast));
        double sum = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double a = actual[i], f = forecast[i];
            double denominator = Math.Abs(a) + Math.Abs(f);
            // Only a = f = 0 makes the denominator 0: a perfect forecast, so no error.
            sum += denominator == 0 ? 0 : 200 * Math.Abs(f - a) / denominator;
        }

        return sum / actual.Length;
    }

    /// <summary>
    /// The MASE scale of Hyndman and Koehler (2006): the in-sample MAE of the seasonal naive forecast,
    /// mean(|y_t − y_{t−m}|) for t = m … n−1 over the training values. When the training part is not longer than
    /// <paramref name="season"/> the non-seasonal scale (m = 1) is used. NaN when the scale is 0 (a constant
    /// training series) or undefined (a single training value).
    /// </summary>
    /// <param name="training">The training part of the series, oldest first.</param>
    /// <param name="season">The season length m; 1 for non-seasonal data.</param>
    /// <exception cref="ArgumentException"><paramref name="training"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="season"/> is below 1.</exception>
    public static double MaseScale(ReadOnlySpan<float> training, int season)
    {
        if (training.IsEmpty)
        {
            throw new ArgumentException("Need at least one training value.", nameof(training));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(season, 1);
        int m = training.Length > season ? season : 1;
        int terms = training.Length - m;
        if (terms == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        for (int t = m; t < training.Length; t++)
        {
            sum += Math.Abs((double)training[t] - training[t - m]);
        }

        double scale = sum / terms;
        return scale == 0 ? double.NaN : scale;
    }

    /// <summary>
    /// Mean absolute scaled error: <see cref="Mae"/> / <paramref name="scale"/>, with the scale from
    /// <see cref="MaseScale"/>. A NaN scale (constant training series) gives NaN.
    /// </summary>
    /// <param name="actual">The observed values.</param>
    /// <param name="forecast">The forecasts, one per observed value.</param>
    /// <param name="scale">The scale from <see cref="MaseScale"/>: positive and finite, or NaN.</param>
    /// <exception cref="ArgumentException">The spans are empty or of unequal lengths.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is 0, negative or infinite.</exception>
    public static double Mase(ReadOnlySpan<float> actual, ReadOnlySpan<float> forecast, double scale)
    {
        if (!double.IsNaN(scale) && !(scale > 0 && double.IsFinite(scale)))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The MASE scale must be positive and finite, or NaN.");
        }

        return Mae(actual, forecast) / scale;
    }

    /// <summary>
    /// Pinball (quantile) loss of a forecast of the <paramref name="quantile"/>-quantile:
    /// mean(max(q·(a − f), (q − 1)·(a − f))). At q = 0.5 it is half the MAE.
    /// </summary>
    /// <param name="actual">The observed values.</param>
    /// <param name="quantileForecast">The forecasts of the quantile, one per observed value.</param>
    /// <param name="quantile">The quantile level q, strictly between 0 and 1.</param>
    /// <exception cref="ArgumentException">The spans are empty or of unequal lengths.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantile"/> is not strictly between 0 and 1.</exception>
    public static double Pinball(ReadOnlySpan<float> actual, ReadOnlySpan<float> quantileForecast, double quantile)
    {
        CheckPair(actual, quantileForecast, nameof(quantileForecast));
        if (!(quantile > 0 && quantile < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "The quantile must lie strictly between 0 and 1.");
        }

        double sum = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = (double)actual[i] - quantileForecast[i];
            sum += Math.Max(quantile * d, (quantile - 1) * d);
        }

        return sum / actual.Length;
    }

    /// <summary>
    /// Empirical coverage of prediction intervals: the fraction (0 to 1) of points with lower ≤ a ≤ upper. A point
    /// whose bounds are inverted (lower &gt; upper) or whose values are NaN is not covered.
    /// </summary>
    /// <param name="actual">The observed values.</param>
    /// <param name="lower">The lower bounds, one per observed value.</param>
    /// <param name="upper">The upper bounds, one per observed value.</param>
    /// <exception cref="ArgumentException">The spans are empty or of unequal lengths.</exception>
    public static double Coverage(ReadOnlySpan<float> actual, ReadOnlySpan<float> lower, ReadOnlySpan<float> upper)
    {
        CheckPair(actual, lower, nameof(lower));
        CheckPair(actual, upper, nameof(upper));
        int covered = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (lower[i] <= actual[i] && actual[i] <= upper[i])
            {
                covered++;
            }
        }

        return (double)covered / actual.Length;
    }

    private static void CheckPair(ReadOnlySpan<float> actual, ReadOnlySpan<float> other, string otherName)
    {
        if (actual.Length != other.Length || actual.IsEmpty)
        {
            throw new ArgumentException(
                $"Need equal, non-zero lengths; got {actual.Length} actual values and {other.Length} in {otherName}.", otherName);
        }
    }
}
