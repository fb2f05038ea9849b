using Gated.Forecasting.Evaluation;
using Gated.Time;
using Gated.Training;

namespace Gated.Forecasting;

/// <summary>What <see cref="Forecaster.Train"/> measured: training, the split, every test point, and the scores of the model and the baselines.</summary>
public sealed record ForecastReport
{
    /// <summary>Loss (and val_loss) per epoch of the main fit, on scaled values.</summary>
    public required History History { get; init; }

    /// <summary>The epoch (1-based) whose weights were kept: the best validation loss, or the last epoch without validation.</summary>
    public required int BestEpoch { get; init; }

    /// <summary>Seconds the main fit took.</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>The data's frequency.</summary>
    public required Frequency Frequency { get; init; }

    /// <summary>The seasonal period used by the seasonal-naive baseline and MASE; null when there is none.</summary>
    public required int? Season { get; init; }

    /// <summary>Why seasonal naive is missing from the scores, when it is.</summary>
    public string? SeasonalNaiveOmitted { get; init; }

    /// <summary>The calendar features the network read.</summary>
    public required CalendarFeature Calendar { get; init; }

    /// <summary>Training windows and validation windows of the main fit.</summary>
    public required (int Train, int Validation) Windows { get; init; }

    /// <summary>Per series, the dates that bound its training, validation-free training and test parts.</summary>
    public required IReadOnlyList<SeriesSplit> Splits { get; init; }

    /// <summary>Every test point: one per series, origin and step.</summary>
    public required IReadOnlyList<ForecastPoint> Predictions { get; init; }

    /// <summary>The scores over every series and test point.</summary>
    public required ScoreBoard Overall { get; init; }

    /// <summary>The scores of each series (keyed by its name), when there are many.</summary>
    public required IReadOnlyDictionary<string, ScoreBoard> PerSeries { get; init; }

    /// <summary>The backtest's per-fold scores with their mean and spread; null without <see cref="ForecastOptions.BacktestFolds"/>.</summary>
    public BacktestSummary? Backtest { get; init; }

    /// <summary>The forecast after the end of each series, from the model trained on the training part.</summary>
    public required IReadOnlyList<ForecastOutput> Next { get; init; }
}

/// <summary>How one series was split in time.</summary>
/// <param name="Series">Its name, or null for a single series.</param>
/// <param name="TrainStart">First training point.</param>
/// <param name="TrainEnd">Last training point (scalers and the network see nothing later).</param>
/// <param name="TestStart">First test target.</param>
/// <param name="TestEnd">Last test target.</param>
/// <param name="TestOrigins">Forecast origins in the test period.</param>
public sealed record SeriesSplit(string? Series, DateTimeOffset TrainStart, DateTimeOffset TrainEnd, DateTimeOffset TestStart, DateTimeOffset TestEnd, int TestOrigins);

/// <summary>The scores of one forecaster (the network or a baseline) over a set of test points.</summary>
/// <param name="Name">As printed: "GRU", "persistence", "seasonal naive", ...</param>
/// <param name="Key">As written to JSON: "model", "persistence", "seasonal_naive", ...</param>
/// <param name="Overall">Over every step.</param>
/// <param name="Steps">Per step 1..H, at index h − 1.</param>
public sealed record ModelScores(string Name, string Key, PointMetrics Overall, IReadOnlyList<PointMetrics> Steps);

/// <summary>The pinball loss of one quantile level.</summary>
public sealed record QuantileScore(float Quantile, double Pinball);

/// <summary>How often the actual value fell inside a central interval [lower, upper] quantile.</summary>
public sealed record IntervalCoverage(float Lower, float Upper, double Coverage)
{
    /// <summary>The interval's nominal coverage, upper − lower.</summary>
    public double Nominal => Math.Round(Upper - (double)Lower, 6);
}

/// <summary>Scores over a set of test points: the network first, then each baseline; interval scores when quantiles are forecast.</summary>
/// <param name="Models">The network's scores, then the baselines'.</param>
/// <param name="Quantiles">Pinball loss per quantile level (empty for a point model).</param>
/// <param name="Intervals">Coverage of each central interval (empty for a point model).</param>
/// <param name="Points">How many test points were scored.</param>
public sealed record ScoreBoard(IReadOnlyList<ModelScores> Models, IReadOnlyList<QuantileScore> Quantiles, IReadOnlyList<IntervalCoverage> Intervals, int Points)
{
    /// <summary>The network's scores.</summary>
    public ModelScores Model => Models[0];

    /// <summary>The baseline with the lowest overall RMSE.</summary>
    public ModelScores BestBaseline => Models.Skip(1).MinBy(m => m.Overall.Rmse)!;

    /// <summary>Whether the network's overall RMSE is below every baseline's.</summary>
    public bool ModelBeatsBaselines => Model.Overall.Rmse < BestBaseline.Overall.Rmse;
}

/// <summary>A rolling-origin backtest: the scores of each fold, and per forecaster the mean and (sample) standard deviation of each metric over folds.</summary>
/// <param name="Retrained">Whether the model was refitted before each fold.</param>
/// <param name="Folds">Each fold's scores, in time order.</param>
/// <param name="Mean">Per forecaster (same order as a fold's models), the mean of each metric over folds.</param>
/// <param name="Spread">Per forecaster, the sample standard deviation of each metric over folds.</param>
public sealed record BacktestSummary(bool Retrained, IReadOnlyList<ScoreBoard> Folds, IReadOnlyList<ModelScores> Mean, IReadOnlyList<ModelScores> Spread);
