using Gated.Layers.Recurrent;
using Gated.Training;

namespace Gated.Forecasting;

/// <summary>
/// One cell's result in a <see cref="CellComparison"/>: size, speed, and quality on validation and test, with the
/// task's trivial baseline (persistence for forecasts, a constant for the adding problem) on the same test set.
/// </summary>
public sealed record CellScore(
    RecurrentKind Cell,
    long Parameters,
    double SecondsPerEpoch,
    double BestValidationLoss,
    int BestEpoch,
    double TestRmse,
    double BaselineRmse,
    History History);
