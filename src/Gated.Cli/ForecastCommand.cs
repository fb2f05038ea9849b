using System.Globalization;
using Gated.Forecasting;
using Gated.Layers.Recurrent;
using Gated.Plotting;

namespace Gated.Cli;

/// <summary>`gated forecast`: train a GRU forecaster on one CSV column, score it against persistence, save model and plots.</summary>
internal static class ForecastCommand
{
    public const string Help = """
        gated forecast [options]   train a GRU to forecast the next value of a series and score it

          --csv PATH             CSV file (default: the bundled Chicago daily weather)
          --column NAME          value column (default: temp)
          --date-column NAME     date column, ISO yyyy-MM-dd (default: date, if the file has one)
          --window N             input length in steps (default: 100)
          --horizon N            steps ahead to forecast (default: 1)
          --units N              GRU units per layer (default: 50)
          --layers N             stacked GRU layers (default: 2)
          --cell-variant V       reset-after | reset-before (default: reset-after)
          --epochs N             training epochs (default: 10)
          --batch-size N         windows per batch (default: 32)
          --learning-rate X      Adam learning rate (default: 0.001)
          --test-fraction X      last fraction of windows held out as test (default: 0.2)
          --validation-split X   last fraction of the training windows used for validation (default: 0.1)
          --scaler S             minmax | standard (default: minmax)
          --seed N               seed for weights and shuffling (default: 0)
          --value-unit TEXT      unit printed after values (default: °F for the bundled data)
          --out DIR              where model.safetensors, loss.svg and forecast.svg go (default: out)
        """;

    private static readonly HashSet<string> Options =
    [
        "csv", "column", "date-column", "window", "horizon", "units", "layers", "cell-variant", "epochs", "batch-size",
        "learning-rate", "test-fraction", "validation-split", "scaler", "seed", "value-unit", "out",
    ];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var line = new CommandLine(args, Options, new HashSet<string>());
        string csv = line.Text("csv") ?? SeriesInput.BundledCsv;
        string column = line.Text("column", "temp");
        var options = new ForecastOptions
        {
            Window = line.PositiveInt("window", 100),
            Horizon = line.PositiveInt("horizon", 1),
            Units = line.PositiveInt("units", 50),
            Layers = line.PositiveInt("layers", 2),
            Variant = line.Choice("cell-variant", "reset-after", "reset-after", "reset-before") == "reset-after" ? GruVariant.ResetAfter : GruVariant.ResetBefore,
            Epochs = line.PositiveInt("epochs", 10),
            BatchSize = line.PositiveInt("batch-size", 32),
            LearningRate = (float)line.Number("learning-rate", 1e-3, 0, double.PositiveInfinity),
            TestFraction = line.Number("test-fraction", 0.2, 0, 1),
            ValidationSplit = line.Number("validation-split", 0.1, 0, 1, lowInclusive: true),
            Scaler = line.Choice("scaler", "minmax", "minmax", "standard"),
            Seed = line.Seed("seed", 0),
        };
        string unit = line.Text("value-unit") ?? (line.Has("csv") ? "" : "°F");
        string outDir = line.Text("out", "out");
        if (File.Exists(outDir))
        {
            throw new UsageException($"--out {outDir} is a file; it must be a folder");
        }

        var series = SeriesInput.Load(csv, column, line.Text("date-column"));
        CheckLength(series, options);

        string shownPath = line.Has("csv") ? series.Path : "data/chicago-daily-weather.csv (bundled)";
        stdout.WriteLine($"Data: {shownPath}, column '{column}', {series.Values.Length} values ({series.Describe(0)} .. {series.Describe(series.Values.Length - 1)})");
        var model = SeriesForecaster.BuildModel(options);
        stdout.Write(model.Summary());
        bool interactive = !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out);
        var (forecaster, result) = SeriesForecaster.Train(series.Values, options, column, new ProgressBar(stdout, interactive));

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

        string modelPath = Path.Combine(outDir, "model.safetensors");
        string lossPath = Path.Combine(outDir, "loss.svg");
        string forecastPath = Path.Combine(outDir, "forecast.svg");
        forecaster.Save(modelPath);
        LossChart(result).Save(lossPath);
        ForecastChart(result, series, unit).Save(forecastPath);
        stdout.WriteLine($"Wrote {modelPath}, {lossPath}, {forecastPath}");
        return 0;
    }

    /// <summary>Reports, in the user's terms, a window that leaves too little data to split.</summary>
    private static void CheckLength(SeriesInput series, ForecastOptions options)
    {
        int n = series.Values.Length;
        int windows = n - options.Window - options.Horizon + 1;
        if (windows < 1)
        {
            throw new UsageException(
                $"--window {options.Window} plus --horizon {options.Horizon} needs at least {options.Window + options.Horizon} values; "
                + $"{series.Path} column '{series.Column}' has {n}");
        }

        int trainAndValidation = (int)Math.Floor(windows * (1 - options.TestFraction));
        int validation = trainAndValidation - (int)Math.Floor(trainAndValidation * (1 - options.ValidationSplit));
        if (windows - trainAndValidation < 1 || trainAndValidation - validation < 1 || (options.ValidationSplit > 0 && validation < 1))
        {
            throw new UsageException(
                $"--window {options.Window} leaves {windows} windows in {n} values of '{series.Column}': too few to split into training, validation and test sets");
        }
    }

    private static SvgLineChart LossChart(ForecastResult result)
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

    private static SvgLineChart ForecastChart(ForecastResult result, SeriesInput series, string unit)
    {
        var chart = new SvgLineChart(1200, 450)
        {
            Title = string.Create(
                CultureInfo.InvariantCulture,
                $"'{series.Column}' over the test period: GRU RMSE {result.TestRmse:F2}, persistence {result.PersistenceRmse:F2}"),
            XLabel = series.Dates is null ? "step" : "date",
            YLabel = unit.Length == 0 ? series.Column : $"{series.Column} ({unit})",
            XTickLabels = i => series.Describe(result.FirstTestTarget + i),
        };
        chart.AddSeries("actual", result.TestActual);
        chart.AddSeries("GRU forecast", result.TestPredicted);
        return chart;
    }
}
