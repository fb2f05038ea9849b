using System.Globalization;
using Gated.Forecasting;
using Gated.IO;
using Gated.Plotting;

namespace Gated.Cli;

/// <summary>`gated forecast --preset keras-tutorial`: the seed's recipe (<see cref="TutorialForecaster"/>), run and reported exactly as it always was.</summary>
internal static class TutorialRun
{
    public static int Run(Recipe recipe, TextWriter stdout, bool interactive)
    {
        var (series, options, unit, outDir) = (recipe.Series, recipe.Options, recipe.Unit, recipe.OutDir);
        string column = series.Column;
        string modelPath = Path.Combine(outDir, "model.safetensors");
        string lossPath = Path.Combine(outDir, "loss.svg");
        string forecastPath = Path.Combine(outDir, "forecast.svg");
        using var outputs = new OutputSet([modelPath, lossPath, forecastPath]);

        stdout.WriteLine(recipe.DescribeData());
        var model = TutorialForecaster.BuildModel(options);
        stdout.Write(model.Summary());
        var (forecaster, result) = TutorialForecaster.Train(series.Values, options, column, new ProgressBar(stdout, interactive), model);

        string u = unit.Length == 0 ? "" : " " + unit;
        stdout.WriteLine(
            $"Windows: {result.TrainWindows} train, {result.ValidationWindows} validation, {result.TestWindows} test "
            + $"(test targets {series.Describe(result.FirstTestTarget)} .. {series.Describe(result.FirstTestTarget + result.TestWindows - 1)})");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Training: {result.TrainSeconds:F1} s ({result.TrainSeconds / result.History.Epochs:F2} s per epoch)"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test RMSE: {result.TestRmse:F3}{u}   (persistence, tomorrow = today: {result.PersistenceRmse:F3}{u})"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test MAE:  {result.TestMae:F3}{u}   (persistence: {result.PersistenceMae:F3}{u})"));
        string verdict = result.TestRmse < result.PersistenceRmse
            ? string.Create(CultureInfo.InvariantCulture, $"GRU beats persistence by {100 * (1 - (result.TestRmse / result.PersistenceRmse)):F1}% RMSE")
            : "GRU does NOT beat persistence on this run";
        stdout.WriteLine(verdict);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Forecast for {series.DescribeAfterEnd(options.Horizon)}: {result.NextValue:F2}{u}"));

        outputs.Write(modelPath, forecaster.Save);
        outputs.Write(lossPath, LossChart(result).Save);
        outputs.Write(forecastPath, ForecastChart(result, series, unit).Save);
        outputs.Commit();
        stdout.WriteLine($"Wrote {modelPath}, {lossPath}, {forecastPath}");
        return 0;
    }

    private static SvgLineChart LossChart(TutorialResult result)
    {
        var chart = new SvgLineChart
        {
            Title = "Training loss per epoch (MSE on scaled values)",
            XLabel = "epoch",
            YLabel = "loss",
            XTickLabels = i => (i + 1).ToString(CultureInfo.InvariantCulture),
        };
        chart.AddSeries("loss", result.History.Loss.Select(v => (float)v).ToArray());
        if (result.History.ValidationLoss.Count > 0)
        {
            chart.AddSeries("val_loss", result.History.ValidationLoss.Select(v => (float)v).ToArray());
        }

        return chart;
    }

    private static SvgLineChart ForecastChart(TutorialResult result, SeriesInput series, string unit)
    {
        var chart = new SvgLineChart(1200, 450)
        {
            Title = string.Create(
                CultureInfo.InvariantCulture,
                $"'{series.Column}' over the test period: GRU RMSE {result.TestRmse:F2}, persistence {result.PersistenceRmse:F2}"),
            XLabel = series.Dates is null ? "step" : "date",
            YLabel = unit.Length == 0 ? series.Column : $"{series.Column} ({unit})",
        };
        if (series.Dates is null)
        {
            chart.XTickLabels = i => series.Describe(result.FirstTestTarget + i);
            chart.AddSeries("actual", result.TestActual);
            chart.AddSeries("GRU forecast", result.TestPredicted);
            return chart;
        }

        // Dated series tick on calendar boundaries (years over this three-year test period).
        var dates = series.Dates.Skip(result.FirstTestTarget).Take(result.TestActual.Length).Select(d => d.ToDateTime(TimeOnly.MinValue)).ToArray();
        chart.AddSeries("actual", dates, result.TestActual);
        chart.AddSeries("GRU forecast", dates, result.TestPredicted);
        return chart;
    }
}
