namespace Gated.Forecasting;

/// <summary>A forecast of steps 1..H after an origin, in the series' units.</summary>
/// <param name="Series">The series' name in a long-format file; null for a single series.</param>
/// <param name="Origin">The last observed time the forecast starts from.</param>
/// <param name="Dates">The forecast dates, step 1 first.</param>
/// <param name="Point">The point forecast per step (the median when quantiles are forecast).</param>
/// <param name="Quantiles">The quantile levels, increasing; empty for a point forecast.</param>
/// <param name="QuantileValues">Per quantile level, the value per step: [quantile][step], never decreasing across levels.</param>
public sealed record ForecastOutput(
    string? Series, DateTimeOffset Origin, DateTimeOffset[] Dates, float[] Point, IReadOnlyList<float> Quantiles, float[][] QuantileValues)
{
    /// <summary>The number of steps.</summary>
    public int Horizon => Point.Length;
}
