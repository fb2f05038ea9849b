using Gated.Layers.Recurrent;

namespace Gated.Examples.Adding;

/// <summary>
/// What one cell reached: its size, test MSE on fresh samples, training time, and the validation MSE before
/// training followed by one value per epoch.
/// </summary>
internal sealed record CellResult(RecurrentKind Cell, long Parameters, double TestMse, double Seconds, IReadOnlyList<double> ValidationLoss);
