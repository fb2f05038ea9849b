using Gated.Layers.Recurrent;
using Gated.Training;

namespace Gated.Forecasting;

/// <summary>
/// Trains the same forecasting recipe with each recurrent cell — same data, split, seed and hyper-parameters —
/// so claims about GRU against LSTM and SimpleRNN can be measured on the user's own series.
/// </summary>
public static class CellComparison
{
    /// <summary>GRU, LSTM and SimpleRNN, in the order a comparison reports them.</summary>
    public static IReadOnlyList<RecurrentKind> AllCells { get; } = [RecurrentKind.Gru, RecurrentKind.Lstm, RecurrentKind.SimpleRnn];

    /// <summary>
    /// Trains <see cref="TutorialForecaster"/> once per cell on the same series, options and seed. Invalid options, a
    /// repeated cell, a validation split of 0 (the ranking needs val_loss) or a reset-gate variant with a cell
    /// other than GRU throw <see cref="InvalidOptionException"/> before any training.
    /// </summary>
    /// <param name="series">The values, oldest first.</param>
    /// <param name="options">The recipe; its Cell is replaced by each of <paramref name="cells"/>.</param>
    /// <param name="cells">The cells to compare; null for <see cref="AllCells"/>.</param>
    /// <param name="progress">Optional: a callback per cell (for example a progress bar), or null.</param>
    /// <param name="column">The series' name, for messages and the saved models; optional.</param>
    public static IReadOnlyList<CellScore> Run(
        ReadOnlySpan<float> series, TutorialOptions options, IReadOnlyList<RecurrentKind>? cells = null,
        Func<RecurrentKind, FitCallback?>? progress = null, string? column = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        cells = CheckCells(cells);
        if (options.ValidationSplit <= 0)
        {
            throw new InvalidOptionException(
                nameof(TutorialOptions.ValidationSplit), options.ValidationSplit, "must be above 0 for a comparison (it ranks by validation loss)");
        }

        if (options.Variant != GruVariant.ResetAfter && cells.Any(c => c != RecurrentKind.Gru))
        {
            throw new InvalidOptionException(
                nameof(TutorialOptions.Variant), options.Variant, "applies only to GRU; compare GRU alone with it");
        }

        TutorialSplit.Of(series.Length, options).ThrowIfUnusable(column is null ? null : $"column '{column}'");

        var scores = new List<CellScore>();
        foreach (var cell in cells)
        {
            var (forecaster, result) = TutorialForecaster.Train(series, options with { Cell = cell }, column, progress?.Invoke(cell));
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
    /// Dense(1), Adam with global-norm clipping 1, MSE, the last 10% of the samples for val_loss; test RMSE on
    /// <see cref="AddingProblemOptions.TestSamples"/> fresh samples against the constant prediction 1 (RMSE √(1/6) ≈ 0.408). It rewards memory over
    /// long spans, where a GRU or LSTM should win. Invalid options throw <see cref="InvalidOptionException"/>.
    /// </summary>
    /// <param name="options">The recipe.</param>
    /// <param name="cells">The cells to compare; null for <see cref="AllCells"/>.</param>
    /// <param name="progress">Optional: a callback per cell (for example a progress bar), or null.</param>
    public static IReadOnlyList<CellScore> RunAddingProblem(
        AddingProblemOptions options, IReadOnlyList<RecurrentKind>? cells = null, Func<RecurrentKind, FitCallback?>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cells = CheckCells(cells);
        ulong seed = options.Seed;
        var (x, y) = Data.AddingProblem.Generate(options.Samples, options.Length, seed);
        var (testX, testY) = Data.AddingProblem.Generate(options.TestSamples, options.Length, unchecked(seed + 0x9E3779B97F4A7C15UL));
        var scores = new List<CellScore>();
        foreach (var cell in cells)
        {
            var model = StackedRecurrent.Build(cell, options.Units, layers: 1, options.Length, features: 2, seed);
            model.Compile(new Adam(options.LearningRate) { GlobalClipNorm = 1f }, Loss.MeanSquaredError);
            var callback = progress?.Invoke(cell);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var history = model.Fit(x, y, options.Epochs, options.BatchSize, validationSplit: 0.1, shuffle: true, seed, callback is null ? null : [callback]);
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

    // The cells to compare (all by default), each once.
    private static IReadOnlyList<RecurrentKind> CheckCells(IReadOnlyList<RecurrentKind>? cells)
    {
        cells ??= AllCells;
        if (cells.Count == 0)
        {
            throw new InvalidOptionException(nameof(cells), "{cells} must name at least one cell");
        }

        if (cells.Distinct().Count() != cells.Count)
        {
            throw new InvalidOptionException(nameof(cells), "{cells} lists a cell twice");
        }

        return cells;
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
