namespace Gated.Examples.AnomalyDetection;

/// <summary>
/// One mote's readings with the anomaly scores of the five methods (NaN where a method gives none) and what the
/// training of its GRU forecaster and its autoencoder measured. Scores are in training standard deviations; see <see cref="DeviationScores"/>.
/// </summary>
internal sealed record MoteScores
{
    public required int MoteId { get; init; }

    public required bool Indoor { get; init; }

    public required int[] Reading { get; init; }

    public required bool[] Labelled { get; init; }

    public required float[] Temperature { get; init; }

    public required float[] Humidity { get; init; }

    /// <summary>Readings [0, TrainCount) trained the GRU and set the thresholds.</summary>
    public required int TrainCount { get; init; }

    /// <summary>The GRU's forecast of each reading's temperature (°C) from the readings before it.</summary>
    public required float[] TemperatureForecast { get; init; }

    public required float[] GruScores { get; init; }

    public required float[] PersistenceScores { get; init; }

    public required float[] LevelScores { get; init; }

    /// <summary>The autoencoder's reconstruction error of the window ending at each reading, as a deviation score.</summary>
    public required float[] AutoencoderScores { get; init; }

    /// <summary>The mean square of the standardised changes in the window ending at each reading, as a deviation score: the autoencoder's score with no model.</summary>
    public required float[] WindowScores { get; init; }

    public required FitSummary ForecasterFit { get; init; }

    public required FitSummary AutoencoderFit { get; init; }

    /// <summary>Temperature forecast RMSE (°C) of the GRU on the readings after the training part that are not labelled.</summary>
    public required double GruRmse { get; init; }

    /// <summary>The same for persistence (the next reading equals the last).</summary>
    public required double PersistenceRmse { get; init; }
}
