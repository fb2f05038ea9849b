using System.Globalization;
using Gated.Forecasting;

namespace Gated.Cli;

/// <summary>`gated predict`: load a saved forecaster and forecast the value after a CSV column ends.</summary>
internal static class PredictCommand
{
    public const string Help = """
        gated predict --model PATH [options]   forecast the next value with a saved model

          --model PATH           a model file written by `gated forecast` (required)
          --csv PATH             CSV file (default: the bundled Chicago daily weather)
          --column NAME          value column (default: the column the model was trained on)
          --date-column NAME     date column (default: date, if the file has one)
        """;

    private static readonly HashSet<string> Options = ["model", "csv", "column", "date-column"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var line = new CommandLine(args, Options, new HashSet<string>());
        string modelPath = line.Text("model") ?? throw new UsageException("predict needs --model PATH");
        var forecaster = SeriesForecaster.Load(modelPath);
        string column = line.Text("column") ?? forecaster.Column ?? throw new UsageException("the model does not name its column; give --column");
        var series = SeriesInput.Load(line.Text("csv") ?? SeriesInput.BundledCsv, column, line.Text("date-column"));
        if (series.Values.Length < forecaster.Window)
        {
            throw new UsageException(
                $"the model reads the last {forecaster.Window} values but {series.Path} column '{column}' has {series.Values.Length}");
        }

        float next = forecaster.PredictNext(series.Values);
        stdout.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Forecast of '{column}' for {series.DescribeAfterEnd(forecaster.Horizon)} (from the last {forecaster.Window} values, {series.Describe(series.Values.Length - forecaster.Window)} .. {series.Describe(series.Values.Length - 1)}): {next:F2}"));
        return 0;
    }
}
