using Gated.Training;

namespace Gated.Forecasting;

/// <summary>What one forecast run measured, in the data's own units.</summary>
public sealed class TutorialResult
{
    /// <summary>Loss (and val_loss) per epoch, on scaled values.</summary>
    public required History History { get; init; }

    /// <summary>Windows the model trained on.</summary>
    public required int TrainWindows { get; init; }

    /// <summary>Windows Fit held out for val_loss.</summary>
    public required int ValidationWindows { get; init; }

    /// <summary>Windows of the test set, the end of the series.</summary>
    public required int TestWindows { get; init; }

    /// <summary>Index in the series of the first test target.</summary>
    public required int FirstTestTarget { get; init; }

    /// <summary>The test targets, in the series' units.</summary>
    public required float[] TestActual { get; init; }

    /// <summary>The model's forecasts of the test targets, in the series' units.</summary>
    public required float[] TestPredicted { get; init; }

    /// <summary>The persistence baseline: the last value the model saw (tomorrow = today).</summary>
    public required float[] TestPersistence { get; init; }

    /// <summary>Root mean squared error of the forecasts on the test set.</summary>
    public double TestRmse => ErrorScores.RootMeanSquaredError(TestPredicted, TestActual);

    /// <summary>Mean absolute error of the forecasts on the test set.</summary>
    public double TestMae => ErrorScores.MeanAbsoluteError(TestPredicted, TestActual);

    /// <summary>Root mean squared error of the persistence baseline on the test set.</summary>
    public double PersistenceRmse => ErrorScores.RootMeanSquaredError(TestPersistence, TestActual);

    /// <summary>Mean absolute error of the persistence baseline on the test set.</summary>
    public double PersistenceMae => ErrorScores.MeanAbsoluteError(TestPersistence, TestActual);

    /// <summary>Wall-clock seconds Fit took.</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>The forecast for Horizon steps after the series ends.</summary>
    public required float NextValue { get; init; }
}
