using System.Globalization;
using Gated.Forecasting;
using Gated.Forecasting.Evaluation;
using Gated.IO;
using Gated.Plotting;
using Gated.Time;

namespace Gated.Cli;

/// <summary>One `gated forecast` run of the default recipe: trains, prints the scores and writes the run's files.</summary>
internal sealed class ForecastRun(TimeSeriesSet data, ForecastOptions options, string unit, string outDir, bool bundled)
{
    private readonly string _u = unit.Length == 0 ? "" : " " + unit;

    public int Execute(TextWriter stdout, bool interactive)
    {
        string modelPath = Path.Combine(outDir, "model.safetensors");
        string predictionsPath = Path.Combine(outDir, "predictions.csv");
        string metricsPath = Path.Combine(outDir, "metrics.json");
        string lossPath = Path.Combine(outDir, "loss.svg");
        string forecastPath = Path.Combine(outDir, "forecast.svg");
        string nextPath = Path.Combine(outDir, "next.svg");
        using var outputs = new OutputSet([modelPath, predictionsPath, metricsPath, lossPath, forecastPath, nextPath]);

        DescribeData(stdout);
        var calendar = options.Calendar ?? CalendarFeatures.Auto(data.Frequency);
        stdout.Write(Forecaster.BuildModel(options, data.CovariateNames.Count, calendar).Summary());
        var (forecaster, report) = Forecaster.Train(data, options, new ProgressBar(stdout, interactive));

        double perEpoch = report.TrainSeconds / report.History.Epochs;
        string kept = report.History.ValidationLoss.Count > 0 ? " (best val_loss)" : "";
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training: {report.TrainSeconds:F1} s, {report.History.Epochs} epochs ({perEpoch:F2} s per epoch); kept epoch {report.BestEpoch}{kept}"));
        if (options.Int8)
        {
            stdout.WriteLine("Int8: the trained model is quantized (dynamic int8); the scores below are its.");
        }

        var split = report.Splits[0];
        string seriesNote = report.Splits.Count > 1 ? $" (first series; {report.Splits.Count} series)" : "";
        stdout.WriteLine(
            $"Windows: {report.Windows.Train} train, {report.Windows.Validation} validation; test period {data.Format(split.TestStart)} .. {data.Format(split.TestEnd)}, "
            + $"{split.TestOrigins} origins × {options.Horizon} step(s){seriesNote}");
        if (report.SeasonalNaiveOmitted is { } omitted)
        {
            stdout.WriteLine($"Note: {omitted}.");
        }

        PrintTable(stdout, "Test scores", report.Overall);
        if (options.Horizon > 1)
        {
            PrintSteps(stdout, report.Overall);
        }

        PrintIntervals(stdout, report.Overall);
        if (report.Backtest is { } backtest)
        {
            PrintBacktest(stdout, backtest);
        }

        if (report.PerSeries.Count > 0)
        {
            PrintPerSeries(stdout, report);
        }

        stdout.WriteLine(Verdict(report.Overall));
        foreach (var next in report.Next)
        {
            PrintNext(stdout, next);
        }

        outputs.Write(modelPath, forecaster.Save);
        outputs.Write(predictionsPath, (Stream stream) =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            ForecastFiles.WritePredictions(writer, report, data, forecaster.Quantiles);
        });
        outputs.Write(metricsPath, (Stream stream) => ForecastFiles.WriteMetrics(stream, report, data, forecaster));
        outputs.Write(lossPath, ForecastCharts.Loss(report.History, $"{(forecaster.Quantiles.Count > 0 ? "pinball" : "MSE")} on scaled changes").Save);
        outputs.Write(forecastPath, ForecastCharts.TestPeriod(report, data, unit).Save);
        outputs.Write(nextPath, ForecastCharts.Next(report, data, unit).Save);
        outputs.Commit();
        stdout.WriteLine($"Wrote {modelPath}, {predictionsPath}, {metricsPath}, {lossPath}, {forecastPath}, {nextPath}");
        return 0;
    }

    private void DescribeData(TextWriter stdout)
    {
        string shownPath = bundled ? "data/chicago-daily-weather.csv (bundled)" : data.Source;
        var first = data.Series[0];
        string covariates = data.CovariateNames.Count == 0 ? "" : $", covariates {string.Join(", ", data.CovariateNames.Select(c => $"'{c}'"))}";
        string time = data.TimeColumn is null or "date" ? "" : $", time column '{data.TimeColumn}'";
        string series = data.Series.Count > 1
            ? $", {data.Series.Count} series by '{data.SeriesColumn}' ({data.Series.Sum(s => s.Length)} points)"
            : $", {first.Length} points ({data.Format(first.Times[0])} .. {data.Format(first.Times[^1])})";
        stdout.WriteLine($"Data: {shownPath}, target '{data.TargetName}'{covariates}{time}{series}");
        string filled = data.FilledCount > 0 ? $"; {data.FilledCount} missing step(s) filled" : "";
        var calendar = options.Calendar ?? CalendarFeatures.Auto(data.Frequency);
        int? season = options.Season ?? data.Frequency.Season;
        stdout.WriteLine(
            $"Frequency: {data.Frequency.Name} (season {(season is int m ? m.ToString(CultureInfo.InvariantCulture) : "none")}); "
            + $"calendar features: {CalendarFeatures.Format(calendar)}{filled}");
    }

    private void PrintTable(TextWriter stdout, string title, ScoreBoard board)
    {
        stdout.WriteLine($"{title} over {board.Points} points{(unit.Length == 0 ? "" : $" ({unit})")}:");
        stdout.WriteLine($"  {"",-16}{"MAE",10}{"RMSE",10}{"MAPE %",10}{"sMAPE %",10}{"MASE",8}");
        foreach (var m in board.Models)
        {
            var o = m.Overall;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {m.Name,-16}{Fixed(o.Mae),10}{Fixed(o.Rmse),10}{Fixed(o.Mape, 2),10}{Fixed(o.Smape, 2),10}{Fixed(o.Mase),8}"));
        }

        int skipped = board.Model.Overall.MapeSkippedZeros;
        if (skipped > 0)
        {
            stdout.WriteLine($"  (MAPE skips {skipped} test point(s) whose actual value is 0)");
        }
    }

    private static void PrintSteps(TextWriter stdout, ScoreBoard board)
    {
        stdout.WriteLine("RMSE per step:");
        foreach (var m in board.Models)
        {
            stdout.WriteLine($"  {m.Name,-16}" + string.Join(" ", m.Steps.Select(s => Fixed(s.Rmse))));
        }
    }

    private static void PrintIntervals(TextWriter stdout, ScoreBoard board)
    {
        if (board.Quantiles.Count == 0)
        {
            return;
        }

        stdout.WriteLine("Pinball loss: " + string.Join(", ", board.Quantiles.Select(q => $"{ForecastFiles.QuantileColumn(q.Quantile)} {Fixed(q.Pinball)}")));
        foreach (var interval in board.Intervals)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Coverage of the {interval.Nominal * 100:0.#}% interval [q{interval.Lower}, q{interval.Upper}]: {interval.Coverage * 100:F1}% of test points"));
        }
    }

    private static void PrintBacktest(TextWriter stdout, BacktestSummary backtest)
    {
        stdout.WriteLine($"Backtest: {backtest.Folds.Count} rolling origins (expanding window{(backtest.Retrained ? ", refitted at each" : ", one fit")}); RMSE mean ± std over folds:");
        for (int m = 0; m < backtest.Mean.Count; m++)
        {
            var folds = string.Join(" ", backtest.Folds.Select(f => Fixed(f.Models[m].Overall.Rmse)));
            stdout.WriteLine($"  {backtest.Mean[m].Name,-16}{Fixed(backtest.Mean[m].Overall.Rmse)} ± {Fixed(backtest.Spread[m].Overall.Rmse)}   (folds: {folds})");
        }
    }

    private static void PrintPerSeries(TextWriter stdout, ForecastReport report)
    {
        stdout.WriteLine("Per series RMSE (model vs best baseline):");
        foreach (var (id, board) in report.PerSeries)
        {
            stdout.WriteLine($"  {id,-16}{Fixed(board.Model.Overall.Rmse),10}  {board.BestBaseline.Name} {Fixed(board.BestBaseline.Overall.Rmse)}");
        }
    }

    private string Verdict(ScoreBoard board)
    {
        var model = board.Model;
        var best = board.BestBaseline;
        return board.ModelBeatsBaselines
            ? string.Create(CultureInfo.InvariantCulture,
                $"{model.Name} beats the best baseline ({best.Name}, RMSE {Fixed(best.Overall.Rmse)}{_u}) by {100 * (1 - (model.Overall.Rmse / best.Overall.Rmse)):F1}% RMSE: {Fixed(model.Overall.Rmse)}{_u}")
            : $"{model.Name} does NOT beat the best baseline ({best.Name}, RMSE {Fixed(best.Overall.Rmse)}{_u}) on this run: {Fixed(model.Overall.Rmse)}{_u}";
    }

    private void PrintNext(TextWriter stdout, ForecastOutput next)
    {
        string who = next.Series is null ? "" : $" of '{next.Series}'";
        stdout.WriteLine($"Forecast{who} after {data.Format(next.Origin)}:");
        PrintSteps(stdout, next, data, _u);
    }

    /// <summary>One line per forecast step: "  2016-08-29: 77.82 °F   [q0.1: 72.12, q0.5: 77.82, q0.9: 82.43]" (`forecast` and `predict` alike).</summary>
    public static void PrintSteps(TextWriter stdout, ForecastOutput next, TimeSeriesSet data, string unitSuffix)
    {
        for (int h = 0; h < next.Horizon; h++)
        {
            string band = next.Quantiles.Count < 2 ? ""
                : string.Create(CultureInfo.InvariantCulture, $"   [{string.Join(", ", next.Quantiles.Select((q, k) => $"q{q}: {next.QuantileValues[k][h]:F2}"))}]");
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {data.Format(next.Dates[h])}: {next.Point[h]:F2}{unitSuffix}{band}"));
        }
    }

    private static string Fixed(double value, int decimals = 3) =>
        double.IsFinite(value) ? value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "n/a";
}
