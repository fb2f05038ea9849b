using Gated.Data;
using Gated.Forecasting.Evaluation;
using Gated.Time;
using Gated.Training;

namespace Gated.Forecasting;

/// <summary>
/// The forecaster's train-and-score run: the split in time, the fit, the forecasts of the model and of every baseline
/// at every test origin (per backtest fold, refitting when asked), and the scores.
/// </summary>
internal static class ForecastEvaluation
{
    private static readonly BaselineKind[] BaselineKinds = Enum.GetValues<BaselineKind>();

    public static (Forecaster Forecaster, ForecastReport Report) Run(TimeSeriesSet data, ForecastOptions options, FitCallback? callback)
    {
        // Options that name no covariates read the data's own; options that name some must name the data's.
        if (options.Covariates.Count == 0)
        {
            options = options with { Covariates = data.CovariateNames };
        }

        options.Validate();
        data.CheckFinite();
        if (!options.Covariates.SequenceEqual(data.CovariateNames))
        {
            throw new InvalidOptionException(nameof(ForecastOptions.Covariates),
                $"{{Covariates}} names [{string.Join(", ", options.Covariates)}] but the data has [{string.Join(", ", data.CovariateNames)}]");
        }

        var calendar = options.Calendar ?? CalendarFeatures.Auto(data.Frequency);
        int? season = options.Season ?? data.Frequency.Season;
        int steps = options.Strategy == ForecastStrategy.Direct ? options.Horizon : 1;
        var trainLengths = new int[data.Series.Count];
        int windows = 0;
        for (int s = 0; s < data.Series.Count; s++)
        {
            var series = data.Series[s];
            int test = DatasetSplit.HeldOutCount(series.Length, options.TestFraction);
            trainLengths[s] = series.Length - test;
            string name = series.Id is null ? $"'{data.TargetName}'" : $"series '{series.Id}'";
            int seriesWindows = trainLengths[s] - options.Window - steps + 1;
            if (trainLengths[s] < 2 || seriesWindows < 1)
            {
                throw new InvalidOptionException(nameof(ForecastOptions.Window),
                    $"{data.Source}: {name} has {series.Length} points, {trainLengths[s]} of them before the test period; a {{Window}} of {options.Window} plus {steps} step(s) ahead needs at least {options.Window + steps} there");
            }

            if (test < options.Horizon)
            {
                throw new InvalidOptionException(nameof(ForecastOptions.Horizon),
                    $"{data.Source}: the test period of {name} has {test} points, fewer than the {{Horizon}} of {options.Horizon}; raise {{TestFraction}} or shorten the horizon");
            }

            int origins = test - options.Horizon + 1;
            if (options.BacktestFolds > origins)
            {
                throw new InvalidOptionException(nameof(ForecastOptions.BacktestFolds),
                    $"{{BacktestFolds}} {options.BacktestFolds} needs as many forecast origins, but the test period of {name} has {origins}");
            }

            windows += seriesWindows;
        }

        int validation = DatasetSplit.HeldOutCount(windows, options.ValidationFraction);
        if (options.ValidationFraction > 0 && (validation < 1 || validation >= windows))
        {
            throw new InvalidOptionException(nameof(ForecastOptions.ValidationFraction),
                $"{{ValidationFraction}} of {options.ValidationFraction} leaves {windows - validation} training and {validation} validation windows; both must be at least 1");
        }

        string? seasonOmitted = season is null
            ? $"seasonal naive needs a season; {data.Frequency.Name} data has none by default (give one)"
            : trainLengths.Min() < season
                ? $"seasonal naive needs a season ({season} steps) of history before the test period"
                : null;
        int? baselineSeason = seasonOmitted is null ? season : null;

        var (forecaster, history, seconds) = Forecaster.Fit(data, options, calendar, trainLengths, callback);
        QuantizeIfAsked(forecaster, options);
        var points = new List<ForecastPoint>();
        int folds = Math.Max(1, options.BacktestFolds);
        for (int fold = 0; fold < folds; fold++)
        {
            var foldOrigins = data.Series.Select((series, s) => FoldOrigins(trainLengths[s], series.Length, options.Horizon, fold, folds)).ToArray();
            var model = forecaster;
            if (options.Retrain && fold > 0)
            {
                // Expanding window: everything before the fold's first origin's targets is training data.
                int[] lengths = [.. foldOrigins.Select(o => o[0] + 1)];
                model = Forecaster.Fit(data, options, calendar, lengths, callback).Forecaster;
                QuantizeIfAsked(model, options);
            }

            for (int s = 0; s < data.Series.Count; s++)
            {
                AddPoints(points, model, data.Series[s], foldOrigins[s], fold, baselineSeason);
            }
        }

        var maseScales = data.Series.Select((series, s) => ForecastErrors.MaseScale(series.Target.AsSpan(0, trainLengths[s]), season ?? 1)).ToArray();
        var seriesIndex = data.Series.Select((series, s) => (series.Id ?? "", s)).ToDictionary(p => p.Item1, p => p.s);
        var scorer = new Scorer(forecaster, options.Horizon, baselineSeason is not null, p => maseScales[seriesIndex[p.Series ?? ""]]);
        var splits = data.Series.Select((series, s) => new SeriesSplit(
            series.Id, series.Times[0], series.Times[trainLengths[s] - 1], series.Times[trainLengths[s]], series.Times[^1],
            series.Length - trainLengths[s] - options.Horizon + 1)).ToList();
        var perSeries = data.Series.Count == 1
            ? new Dictionary<string, ScoreBoard>()
            : data.Series.ToDictionary(series => series.Id!, series => scorer.Score([.. points.Where(p => p.Series == series.Id)]));
        BacktestSummary? backtest = null;
        if (options.BacktestFolds > 0)
        {
            var boards = Enumerable.Range(0, folds).Select(k => scorer.Score([.. points.Where(p => p.Fold == k)])).ToList();
            backtest = new BacktestSummary(options.Retrain, boards, Summarize(boards, Mean), Summarize(boards, SampleDeviation));
        }

        var report = new ForecastReport
        {
            History = history,
            BestEpoch = BestEpoch(history),
            TrainSeconds = seconds,
            Frequency = data.Frequency,
            Season = season,
            SeasonalNaiveOmitted = seasonOmitted,
            Calendar = calendar,
            Windows = (windows - validation, validation),
            Splits = splits,
            Predictions = points,
            Overall = scorer.Score(points),
            PerSeries = perSeries,
            Backtest = backtest,
            Next = forecaster.Forecast(data),
        };
        return (forecaster, report);
    }

    private static void QuantizeIfAsked(Forecaster forecaster, ForecastOptions options)
    {
        if (options.Int8)
        {
            forecaster.Model.QuantizeInt8();
        }
    }

    /// <summary>The test origins of one fold: the series' test origins (trainLength − 1 .. n − 1 − H) cut into equal consecutive parts.</summary>
    private static int[] FoldOrigins(int trainLength, int length, int horizon, int fold, int folds)
    {
        int first = trainLength - 1, count = length - horizon - first;
        int start = first + (int)((long)count * fold / folds), end = first + (int)((long)count * (fold + 1) / folds);
        return [.. Enumerable.Range(start, end - start)];
    }

    private static void AddPoints(List<ForecastPoint> points, Forecaster forecaster, TimeSeries series, int[] origins, int fold, int? season)
    {
        var rows = forecaster.ForecastAt(series, forecaster.ScalingOf(series), origins);
        int horizon = forecaster.Options.Horizon;
        var baselines = new float[BaselineKinds.Length][];
        for (int i = 0; i < origins.Length; i++)
        {
            int origin = origins[i];
            var output = forecaster.ToOutput(series, origin, rows[i]);
            var history = series.Target.AsSpan(0, origin + 1);
            foreach (var kind in BaselineKinds)
            {
                baselines[(int)kind] = new float[horizon];
                if (kind == BaselineKind.SeasonalNaive && season is null)
                {
                    baselines[(int)kind].AsSpan().Fill(float.NaN);
                    continue;
                }

                Baselines.Forecast(kind, history, horizon, season ?? 1, baselines[(int)kind]);
            }

            for (int h = 1; h <= horizon; h++)
            {
                float[] quantiles = [.. output.QuantileValues.Select(values => values[h - 1])];
                float[] byBaseline = [.. baselines.Select(values => values[h - 1])];
                points.Add(new ForecastPoint(series.Id, fold, series.Times[origin], output.Dates[h - 1], h, series.Target[origin + h], output.Point[h - 1], quantiles, byBaseline));
            }
        }
    }

    private static int BestEpoch(History history)
    {
        var losses = history.ValidationLoss.Count > 0 ? history.ValidationLoss : null;
        if (losses is null)
        {
            return history.Epochs;
        }

        int best = 0;
        for (int e = 1; e < losses.Count; e++)
        {
            if (losses[e] < losses[best])
            {
                best = e;
            }
        }

        return best + 1;
    }

    private static List<ModelScores> Summarize(IReadOnlyList<ScoreBoard> boards, Func<IReadOnlyList<double>, double> statistic)
    {
        var result = new List<ModelScores>();
        for (int m = 0; m < boards[0].Models.Count; m++)
        {
            var each = boards.Select(b => b.Models[m].Overall).ToList();
            var combined = new PointMetrics(
                statistic([.. each.Select(x => x.Mae)]), statistic([.. each.Select(x => x.Rmse)]), statistic([.. each.Select(x => x.Mape)]),
                each.Sum(x => x.MapeSkippedZeros), statistic([.. each.Select(x => x.Smape)]), statistic([.. each.Select(x => x.Mase)]));
            result.Add(boards[0].Models[m] with { Overall = combined, Steps = [] });
        }

        return result;
    }

    private static double Mean(IReadOnlyList<double> values) => values.Average();

    private static double SampleDeviation(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>Scores a set of test points for the model and each baseline, overall and per step.</summary>
    private sealed class Scorer(Forecaster forecaster, int horizon, bool seasonal, Func<ForecastPoint, double> maseScale)
    {
        public ScoreBoard Score(IReadOnlyList<ForecastPoint> points)
        {
            string modelName = forecaster.Options.Cell switch
            {
                Layers.Recurrent.RecurrentKind.Gru => "GRU",
                Layers.Recurrent.RecurrentKind.Lstm => "LSTM",
                _ => "SimpleRNN",
            };
            var models = new List<ModelScores> { Scores(modelName, "model", points, p => p.Forecast) };
            foreach (var kind in BaselineKinds)
            {
                if (kind != BaselineKind.SeasonalNaive || seasonal)
                {
                    models.Add(Scores(Baselines.Name(kind), Baselines.Key(kind), points, p => p.Baselines[(int)kind]));
                }
            }

            var quantiles = forecaster.Quantiles;
            var actual = points.Select(p => p.Actual).ToArray();
            var pinball = quantiles.Select((q, k) => new QuantileScore(q, ForecastErrors.Pinball(actual, [.. points.Select(p => p.QuantileValues[k])], q))).ToList();
            var intervals = new List<IntervalCoverage>();
            for (int k = 0; k < quantiles.Count / 2; k++)
            {
                int upper = quantiles.Count - 1 - k;
                intervals.Add(new IntervalCoverage(quantiles[k], quantiles[upper],
                    ForecastErrors.Coverage(actual, [.. points.Select(p => p.QuantileValues[k])], [.. points.Select(p => p.QuantileValues[upper])])));
            }

            return new ScoreBoard(models, pinball, intervals, points.Count);
        }

        private ModelScores Scores(string name, string key, IReadOnlyList<ForecastPoint> points, Func<ForecastPoint, float> forecast) =>
            new(name, key, Metrics(points, forecast), [.. Enumerable.Range(1, horizon).Select(h => Metrics([.. points.Where(p => p.Step == h)], forecast))]);

        private PointMetrics Metrics(IReadOnlyList<ForecastPoint> points, Func<ForecastPoint, float> forecast)
        {
            float[] actual = [.. points.Select(p => p.Actual)];
            float[] predicted = [.. points.Select(forecast)];
            // MASE pools each point's error scaled by its own series' in-sample naive error.
            double scaled = points.Sum(p => Math.Abs((double)forecast(p) - p.Actual) / maseScale(p)) / points.Count;
            return PointMetrics.Compute(actual, predicted, double.NaN) with { Mase = scaled };
        }
    }
}
