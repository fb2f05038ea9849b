using Gated.Forecasting;
using Gated.Layers.Recurrent;

namespace Gated.Cli;

/// <summary>The data and training flags that `forecast` and `compare` share, read and checked before any work starts.</summary>
internal sealed record Recipe(SeriesInput Series, ForecastOptions Options, string Unit, string OutDir, bool BundledData)
{
    public static readonly string[] OptionNames =
    [
        "csv", "column", "date-column", "window", "horizon", "units", "layers", "cell-variant", "epochs", "batch-size",
        "learning-rate", "test-fraction", "validation-split", "scaler", "seed", "value-unit", "out",
    ];

    public const string SharedHelp = """
          --csv PATH             CSV file (default: the bundled Chicago daily weather)
          --column NAME          value column (default: temp)
          --date-column NAME     date column, ISO yyyy-MM-dd (default: date, if the file has one)
          --window N             input length in steps (default: 100)
          --horizon N            steps ahead to forecast (default: 1)
          --units N              units per recurrent layer (default: 50)
          --layers N             stacked recurrent layers (default: 2)
          --epochs N             training epochs (default: 10)
          --batch-size N         windows per batch (default: 32)
          --learning-rate X      Adam learning rate (default: 0.001)
          --test-fraction X      last fraction of windows held out as test (default: 0.2)
          --validation-split X   last fraction of the training windows used for validation (default: 0.1)
          --scaler S             minmax | standard (default: minmax)
          --seed N               seed for weights and shuffling (default: 0)
          --value-unit TEXT      unit printed after values (default: °F for the bundled data)
        """;

    /// <summary>Parses the shared flags (and --cell when the command has it), loads the data and checks the split.</summary>
    public static Recipe Read(CommandLine line, bool cellFlag)
    {
        var options = new ForecastOptions
        {
            Window = line.PositiveInt("window", 100),
            Horizon = line.PositiveInt("horizon", 1),
            Units = line.PositiveInt("units", 50),
            Layers = line.PositiveInt("layers", 2),
            Cell = cellFlag ? ParseCell(line.Choice("cell", "gru", "gru", "lstm", "rnn")) : RecurrentKind.Gru,
            Variant = line.Choice("cell-variant", "reset-after", "reset-after", "reset-before") == "reset-after" ? GruVariant.ResetAfter : GruVariant.ResetBefore,
            Epochs = line.PositiveInt("epochs", 10),
            BatchSize = line.PositiveInt("batch-size", 32),
            LearningRate = (float)line.Number("learning-rate", 1e-3, 0, double.PositiveInfinity),
            TestFraction = line.Number("test-fraction", 0.2, 0, 1),
            ValidationSplit = line.Number("validation-split", 0.1, 0, 1, lowInclusive: true),
            Scaler = line.Choice("scaler", "minmax", "minmax", "standard"),
            Seed = line.Seed("seed", 0),
        };
        if (options.Cell != RecurrentKind.Gru && line.Has("cell-variant"))
        {
            throw new UsageException("--cell-variant applies only to --cell gru");
        }

        string outDir = line.Text("out", "out");
        if (File.Exists(outDir))
        {
            throw new UsageException($"--out {outDir} is a file; it must be a folder");
        }

        bool bundled = !line.Has("csv");
        string unit = line.Text("value-unit") ?? (bundled ? "°F" : "");
        var series = SeriesInput.Load(line.Text("csv") ?? SeriesInput.BundledCsv, line.Text("column", "temp"), line.Text("date-column"));
        CheckLength(series, options);
        return new Recipe(series, options, unit, outDir, bundled);
    }

    public static RecurrentKind ParseCell(string name) => name switch
    {
        "gru" => RecurrentKind.Gru,
        "lstm" => RecurrentKind.Lstm,
        "rnn" => RecurrentKind.SimpleRnn,
        _ => throw new UsageException($"unknown cell '{name}'; expected gru, lstm or rnn"),
    };

    public string DescribeData()
    {
        string shownPath = BundledData ? "data/chicago-daily-weather.csv (bundled)" : Series.Path;
        return $"Data: {shownPath}, column '{Series.Column}', {Series.Values.Length} values ({Series.Describe(0)} .. {Series.Describe(Series.Values.Length - 1)})";
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
}
