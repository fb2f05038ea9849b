namespace Gated.Forecasting.Evaluation;

/// <summary>
/// The point-forecast error measures of one forecast against actual values, as computed by
/// <see cref="ForecastErrors"/>.
/// </summary>
/// <param name="Mae">Mean absolute error.</param>
/// <param name="Rmse">Root mean squared error.</param>
/// <param name="Mape">Mean absolute percentage error over the points with a nonzero actual value; NaN when there are none.</param>
/// <param name="MapeSkippedZeros">Points left out of <paramref name="Mape"/> because their actual value was 0.</param>
/// <param name="Smape">Symmetric mean absolute percentage error, 0 to 200.</param>
/// <param name="Mase">Mean absolute scaled error; NaN when the scale was NaN.</param>
public sealed record PointMetrics(double Mae, double Rmse, double Mape, int MapeSkippedZeros, double Smape, double Mase)
{
    /// <summary>Computes every measure of <paramref name="forecast"/> against <paramref name="actual"/>.</summary>
    /// <param name="actual">The observed values.</param>
    /// <param name="forecast">The forecasts, one per observed value.</param>
    /// <param name="maseScale">The scale from <see cref="ForecastErrors.MaseScale"/>: positive and finite, or NaN.</param>
    /// <exception cref="ArgumentException">The spans are empty or of unequal lengths.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maseScale"/> is 0, negative or infinite.</exception>
    public static PointMetrics Compute(ReadOnlySpan<float> actual, ReadOnlySpan<float> forecast, double maseScale)
    {
        var mape = ForecastErrors.Mape(actual, forecast);
        return new PointMetrics(
            ForecastErrors.Mae(actual, forecast),
            ForecastErrors.Rmse(actual, forecast),
            mape.Percent,
            mape.SkippedZeros,
            ForecastErrors.Smape(actual, forecast),
            ForecastErrors.Mase(actual, forecast, maseScale));
    }

    /// <summary>
    /// The measures as (name, value) pairs for JSON and tables, in the order mae, rmse, mape, smape, mase
    /// (<see cref="MapeSkippedZeros"/> is a count, not a measure, and is left out).
    /// </summary>
    public IEnumerable<(string Name, double Value)> Items()
    {
        yield return ("mae", Mae);
        yield return ("rmse", Rmse);
        yield return ("mape", Mape);
        yield return ("smape", Smape);
        yield return ("mase", Mase);
    }
}
