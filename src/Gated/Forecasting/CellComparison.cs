using Gated.Layers.Recurrent;
using Gated.Training;

namespace Gated.Forecasting;

/// <summary>
/// Trains the same forecasting recipe with each recurrent cell — same data, split, seed and hyper-parameters —
/// so claims about GRU against LSTM and SimpleRNN can be measured on the user's own series.
/// </summary>
public static class CellComparison
{
    public static IReadOnlyList<RecurrentCell> AllCells { get; } = [RecurrentCell.Gru, RecurrentCell.Lstm, RecurrentCell.SimpleRnn];

    /// <param name="progress">Optional: a callback per cell (for example a progress bar), or null.</param>
    public static IReadOnlyList<CellScore> Run(
        ReadOnlySpan<float> series, ForecastOptions options, IReadOnlyList<RecurrentCell>? cells = null,
        Func<RecurrentCell, FitCallback?>? progress = null, string? column = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        cells ??= AllCells;
        if (cells.Count == 0 || cells.Distinct().Count() != cells.Count)
        {
            throw new ArgumentException("Give one or more distinct cells.", nameof(cells));
        }

        if (options.ValidationSplit <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ValidationSplit, "A comparison needs a validation split above 0.");
        }

        if (options.Variant != GruVariant.ResetAfter && cells.Any(c => c != RecurrentCell.Gru))
        {
            throw new ArgumentException("The reset-gate variant applies only to GRU; compare with the default variant.", nameof(options));
        }

        var scores = new List<CellScore>();
        foreach (var cell in cells)
        {
            var (forecaster, result) = SeriesForecaster.Train(series, options with { Cell = cell }, column, progress?.Invoke(cell));
            var validation = result.History.ValidationLoss;
            int best = 0;
            for (int e = 1; e < validation.Count; e++)
            {
                if (validation[e] < validation[best])
                {
                    best = e;
                }
            }

            scores.Add(new CellScore(
                cell,
                forecaster.Model.ParameterCount,
                result.TrainSeconds / result.History.Epochs,
                validation[best],
                best + 1,
                result.TestRmse,
                result.PersistenceRmse,
                result.History));
        }

        return scores;
    }
}
