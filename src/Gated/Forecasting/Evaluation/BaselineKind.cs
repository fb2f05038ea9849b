namespace Gated.Forecasting.Evaluation;

/// <summary>The simple benchmark forecasts of <see cref="Baselines"/>.</summary>
public enum BaselineKind
{
    /// <summary>The last observed value, for every step (the naive forecast).</summary>
    Persistence,

    /// <summary>The value one season before the forecast step, repeated season after season.</summary>
    SeasonalNaive,

    /// <summary>The mean of the whole history.</summary>
    Mean,

    /// <summary>The line through the first and last observations, extended past the origin.</summary>
    Drift,
}
