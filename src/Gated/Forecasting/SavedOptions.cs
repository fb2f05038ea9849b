using Gated.Layers.Recurrent;
using Gated.Time;

namespace Gated.Forecasting;

/// <summary><see cref="ForecastOptions"/> as a model file stores them (JSON), enums by name.</summary>
internal sealed record SavedOptions(
    string[] Covariates, string? Calendar, int Window, int Horizon, string Strategy, float[] Quantiles, int? Season, int Units, int Layers,
    string Cell, string Variant, int MaxEpochs, int Patience, int BatchSize, float LearningRate, ulong Seed, double TestFraction,
    double ValidationFraction)
{
    public static SavedOptions From(ForecastOptions o) => new(
        [.. o.Covariates], o.Calendar is { } c ? CalendarFeatures.Format(c) : null, o.Window, o.Horizon, o.Strategy.ToString(), [.. o.Quantiles], o.Season,
        o.Units, o.Layers, o.Cell.ToString(), o.Variant.ToString(), o.MaxEpochs, o.Patience, o.BatchSize, o.LearningRate, o.Seed, o.TestFraction,
        o.ValidationFraction);

    public ForecastOptions ToOptions() => new()
    {
        Covariates = Covariates,
        Calendar = Calendar is null ? null : CalendarFeatures.Parse(Calendar),
        Window = Window,
        Horizon = Horizon,
        Strategy = Enum.Parse<ForecastStrategy>(Strategy),
        Quantiles = Quantiles,
        Season = Season,
        Units = Units,
        Layers = Layers,
        Cell = Enum.Parse<RecurrentKind>(Cell),
        Variant = Enum.Parse<GruVariant>(Variant),
        MaxEpochs = MaxEpochs,
        Patience = Patience,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Seed = Seed,
        TestFraction = TestFraction,
        ValidationFraction = ValidationFraction,
    };
}
