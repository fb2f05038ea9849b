namespace Gated.Examples.AnomalyDetection;

/// <summary>
/// One mote's readings with the anomaly scores of the three methods (NaN where a method gives none) and what its
/// GRU's training measured. Scores are in training standard deviations; see <see cref="DeviationScores"/>.
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

    public required int Epochs { get; init; }

    /// <summary>One-based epoch whose weights were kept.</summary>
    public required int BestEpoch { get; init; }

    public required double BestValidationLoss { get; init; }

    public required double Seconds { get; init; }

    /// <summary>Temperature forecast RMSE (°C) of the GRU on the readings after the training part that are not labelled.</summary>
    public required double GruRmse { get; init; }

    /// <summary>The same for persistence (the next reading equals the last).</summary>
    public required double PersistenceRmse { get; init; }
}
