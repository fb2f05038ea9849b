using Gated.Layers.Recurrent;
using Gated.Training;

namespace Gated.Forecasting;

/// <summary>
/// Trains the same forecasting recipe with each recurrent cell — same data, split, seed and hyper-parameters —
/// so claims about GRU against LSTM and SimpleRNN can be measured on the user's own series.
/// </summary>
public static class CellComparison
{
    public static IReadOnlyList<RecurrentKind> AllCells { get; } = [RecurrentKind.Gru, RecurrentKind.Lstm, RecurrentKind.SimpleRnn];

    /// <param name="progress">Optional: a callback per cell (for example a progress bar), or null.</param>
    public static IReadOnlyList<CellScore> Run(
        ReadOnlySpan<float> series, ForecastOptions options, IReadOnlyList<RecurrentKind>? cells = null,
        Func<RecurrentKind, FitCallback?>? progress = null, string? column = null)
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

        if (options.Variant != GruVariant.ResetAfter && cells.Any(c => c != RecurrentKind.Gru))
        {
            throw new ArgumentException("The reset-gate variant applies only to GRU; compare with the default variant.", nameof(options));
        }

        var scores = new List<CellScore>();
        foreach (var cell in cells)
        {
            var (forecaster, result) = SeriesForecaster.Train(series, options with { Cell = cell }, column, progress?.Invoke(cell));
            var validation = result.History.ValidationLoss;
            int best = BestEpoch(validation);

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

    /// <summary>
    /// The adding problem (see <see cref="Data.AddingProblem"/>): one recurrent layer of the given units →
    /// Dense(1), Adam with global-norm clipping 1, MSE; test RMSE on fresh samples against the constant
    /// prediction 1 (RMSE √(1/6) ≈ 0.408). It rewards memory over long spans, where a GRU or LSTM should win.
    /// </summary>
    public static IReadOnlyList<CellScore> RunAddingProblem(
        int length, int samples, int units, int epochs, int batchSize, float learningRate, ulong seed,
        IReadOnlyList<RecurrentKind>? cells = null, Func<RecurrentKind, FitCallback?>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 20);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        cells ??= AllCells;
        if (cells.Count == 0 || cells.Distinct().Count() != cells.Count)
        {
            throw new ArgumentException("Give one or more distinct cells.", nameof(cells));
        }

        var (x, y) = Data.AddingProblem.Generate(samples, length, seed);
        var (testX, testY) = Data.AddingProblem.Generate(Math.Max(samples / 5, 1), length, unchecked(seed + 0x9E3779B97F4A7C15UL));
        var scores = new List<CellScore>();
        foreach (var cell in cells)
        {
            var options = new RecurrentOptions();
            RecurrentLayer recurrent = cell switch
            {
                RecurrentKind.Gru => new Gru(units, options),
                RecurrentKind.Lstm => new Lstm(units, options),
                _ => new SimpleRnn(units, options),
            };
            var model = new Models.Sequential(recurrent, new Layers.Dense(1));
            model.Build([length, 2], seed);
            model.Compile(new Adam(learningRate) { GlobalClipNorm = 1f }, Loss.MeanSquaredError);
            var callback = progress?.Invoke(cell);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var history = model.Fit(x, y, epochs, batchSize, validationSplit: 0.1, shuffle: true, seed, callback is null ? null : [callback]);
            double seconds = clock.Elapsed.TotalSeconds;
            var validation = history.ValidationLoss;
            int best = BestEpoch(validation);

            double testRmse = Math.Sqrt(model.Evaluate(testX, testY, batchSize: 256));
            var ones = new float[testY.Length];
            Array.Fill(ones, 1f);
            double baselineRmse = ErrorScores.RootMeanSquaredError(ones, testY.Data);
            scores.Add(new CellScore(cell, model.ParameterCount, seconds / history.Epochs, validation[best], best + 1, testRmse, baselineRmse, history));
        }

        return scores;
    }

    // Index of the lowest validation loss (the first, on ties).
    private static int BestEpoch(IReadOnlyList<double> validation)
    {
        int best = 0;
        for (int e = 1; e < validation.Count; e++)
        {
            if (validation[e] < validation[best])
            {
                best = e;
            }
        }

        return best;
    }
}
