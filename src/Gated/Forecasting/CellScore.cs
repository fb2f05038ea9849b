using Gated.Layers.Recurrent;
using Gated.Training;

namespace Gated.Forecasting;

/// <summary>
/// One cell's result in a <see cref="CellComparison"/>: size, speed, and quality on validation and test, with the
/// task's trivial baseline (persistence for forecasts, a constant for the adding problem) on the same test set.
/// </summary>
/// <param name="Cell">The recurrent cell.</param>
/// <param name="Parameters">Trainable parameters of the whole model.</param>
/// <param name="SecondsPerEpoch">Mean training time per epoch.</param>
/// <param name="BestValidationLoss">The lowest val_loss over the epochs.</param>
/// <param name="BestEpoch">The epoch (from 1) of that val_loss.</param>
/// <param name="TestRmse">Root mean squared error on the test set, after the last epoch.</param>
/// <param name="BaselineRmse">The task's trivial baseline on the same test set.</param>
/// <param name="History">Loss and val_loss per epoch.</param>
public sealed record CellScore(
    RecurrentKind Cell,
    long Parameters,
    double SecondsPerEpoch,
    double BestValidationLoss,
    int BestEpoch,
    double TestRmse,
    double BaselineRmse,
    History History);
