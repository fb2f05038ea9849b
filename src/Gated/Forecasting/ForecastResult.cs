using Gated.Training;

namespace Gated.Forecasting;

/// <summary>What one forecast run measured, in the data's own units.</summary>
public sealed class ForecastResult
{
    public required History History { get; init; }

    public required int TrainWindows { get; init; }

    public required int ValidationWindows { get; init; }

    public required int TestWindows { get; init; }

    /// <summary>Index in the series of the first test target.</summary>
    public required int FirstTestTarget { get; init; }

    public required float[] TestActual { get; init; }

    public required float[] TestPredicted { get; init; }

    /// <summary>The persistence baseline: the last value the model saw (tomorrow = today).</summary>
    public required float[] TestPersistence { get; init; }

    public double TestRmse => ErrorScores.RootMeanSquaredError(TestPredicted, TestActual);

    public double TestMae => ErrorScores.MeanAbsoluteError(TestPredicted, TestActual);

    public double PersistenceRmse => ErrorScores.RootMeanSquaredError(TestPersistence, TestActual);

    public double PersistenceMae => ErrorScores.MeanAbsoluteError(TestPersistence, TestActual);

    public required double TrainSeconds { get; init; }

    /// <summary>The forecast for Horizon steps after the series ends.</summary>
    public required float NextValue { get; init; }
}
