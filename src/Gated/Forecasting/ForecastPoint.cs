namespace Gated.Forecasting;

/// <summary>One test point of an evaluation: a step of the forecast from one origin, beside what happened and what each baseline said.</summary>
/// <param name="Series">The series' name in a long-format file; null for a single series.</param>
/// <param name="Fold">The backtest fold (0-based); 0 without a backtest.</param>
/// <param name="Origin">The last observed time.</param>
/// <param name="Date">The forecast date.</param>
/// <param name="Step">1..H.</param>
/// <param name="Actual">The observed value.</param>
/// <param name="Forecast">The model's point forecast.</param>
/// <param name="QuantileValues">The model's forecast per quantile level (empty for a point model).</param>
/// <param name="Baselines">Each baseline's forecast, indexed by <see cref="Evaluation.BaselineKind"/>; NaN where it has none (seasonal naive without a season).</param>
public sealed record ForecastPoint(
    string? Series, int Fold, DateTimeOffset Origin, DateTimeOffset Date, int Step, float Actual, float Forecast, float[] QuantileValues, float[] Baselines);
