using System.CommandLine;
using System.Globalization;
using Gated.Forecasting;
using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Time;

namespace Gated.Cli;

/// <summary>
/// `gated forecast`: train a recurrent forecaster on a CSV file (the bundled Chicago weather by default) and score it
/// against the naive baselines; a thin shell over <see cref="Forecaster"/>, or, with --preset keras-tutorial, over the
/// seed's <see cref="TutorialForecaster"/> exactly as it was.
/// </summary>
internal static class ForecastCommand
{
    public const string TutorialPreset = "keras-tutorial", DefaultPreset = "default";

    private static readonly ForecastOptions Defaults = new();

    public static Command Create()
    {
        var flags = new RecipeFlags(new RecipeFlags.Sizes(Defaults.Window, Defaults.Units, Defaults.Layers, Defaults.MaxEpochs, "keras-tutorial: {0}"));
        flags.Epochs.Description = $"most training epochs; early stopping on the validation loss usually ends sooner (keras-tutorial: exactly {new TutorialOptions().Epochs})";
        flags.Epochs.AlsoFills(nameof(ForecastOptions.MaxEpochs));
        flags.ValidationSplit.AlsoFills(nameof(ForecastOptions.ValidationFraction));
        flags.TestFraction.Description = "last fraction of each series' time points held out as the test period (keras-tutorial: of windows)";
        flags.Scaler.Description = "value scaling of --preset keras-tutorial (the default recipe standardizes inputs and forecasts changes)";
        flags.DateColumn.Description = $"time column of ISO 8601 dates or date-times (default: one of {string.Join(", ", TimeSeriesCsv.TimeColumnNames)}, or a first column of timestamps)";
        var extra = new ForecastFlags();
        var cell = Flags.Choice("--cell", Defaults.Cell, RecipeFlags.CellNames, "recurrent cell", nameof(ForecastOptions.Cell));
        flags.Out.Description = "where model.safetensors, predictions.csv, metrics.json and the plots go";
        var command = new Command("forecast", "train a GRU forecaster on a time series, score it against naive baselines and forecast what comes next (runs on bundled data by default)")
        {
            extra.Preset, cell, flags.Variant, flags.Out,
        };
        foreach (var option in flags.Shared.Concat(extra.All))
        {
            command.Add(option);
        }

        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetChoice(cell) != RecurrentKind.Gru && parse.Given(flags.Variant))
            {
                throw new UsageException("--cell-variant applies only to --cell gru");
            }

            bool interactive = !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out);
            if (parse.GetChoice(extra.Preset) == TutorialPreset)
            {
                if (extra.All.Append(flags.ValueUnit).FirstOrDefault(o => parse.Given(o) && o != flags.ValueUnit) is { } notTutorial)
                {
                    throw new UsageException($"{notTutorial.Name} is not part of --preset keras-tutorial (the seed's recipe, kept exactly); leave one of them out");
                }

                return TutorialRun.Run(flags.Read(parse, parse.GetChoice(cell)), stdout, interactive);
            }

            if (parse.Given(flags.Scaler))
            {
                throw new UsageException("--scaler applies to --preset keras-tutorial; the default recipe standardizes inputs and forecasts changes from the last value");
            }

            return Run(parse, flags, extra, parse.GetChoice(cell), stdout, interactive);
        });
        return command;
    }

    private static int Run(ParseResult parse, RecipeFlags flags, ForecastFlags extra, RecurrentKind cell, TextWriter stdout, bool interactive)
    {
        var options = new ForecastOptions
        {
            Covariates = ForecastFlags.List(parse.GetValue(extra.Covariates)),
            Calendar = extra.ReadCalendar(parse),
            Window = parse.GetValue(flags.Window),
            Horizon = parse.GetValue(flags.Horizon),
            Strategy = parse.GetChoice(extra.Strategy),
            Quantiles = extra.ReadQuantiles(parse),
            Season = parse.Given(extra.Season) ? parse.GetValue(extra.Season) : null,
            Units = parse.GetValue(flags.Units),
            Layers = parse.GetValue(flags.Layers),
            Cell = cell,
            Variant = parse.GetChoice(flags.Variant),
            MaxEpochs = parse.GetValue(flags.Epochs),
            Patience = parse.GetValue(extra.Patience),
            BatchSize = parse.GetValue(flags.BatchSize),
            LearningRate = parse.GetValue(flags.LearningRate),
            Seed = parse.GetValue(flags.Seed),
            TestFraction = parse.GetValue(flags.TestFraction),
            ValidationFraction = parse.GetValue(flags.ValidationSplit),
            BacktestFolds = parse.GetValue(extra.Backtest),
            Retrain = parse.GetValue(extra.Retrain),
            Int8 = parse.GetValue(extra.Int8),
        };
        options.Validate();
        string outDir = parse.GetRequiredValue(flags.Out);
        if (File.Exists(outDir))
        {
            throw new UsageException($"--out {outDir} is a file; it must be a folder");
        }

        string? csv = parse.GetValue(flags.Csv);
        string target = parse.GetRequiredValue(flags.Column);
        string unit = parse.GetValue(flags.ValueUnit) ?? (csv is null ? SeriesInput.BundledUnit(target) : "");
        var data = TimeSeriesCsv.Load(
            csv ?? SeriesInput.BundledCsv, target, options.Covariates, parse.GetValue(flags.DateColumn), parse.GetValue(extra.SeriesColumn), parse.GetChoice(extra.Fill));
        var run = new ForecastRun(data, options, unit, outDir, csv is null);
        return run.Execute(stdout, interactive);
    }
}

/// <summary>The flags only the default recipe reads.</summary>
internal sealed class ForecastFlags
{
    private static readonly ForecastOptions Defaults = new();

    public Option<Named<string>> Preset { get; } = Flags.Choice(
        "--preset", ForecastCommand.DefaultPreset, [(ForecastCommand.DefaultPreset, ForecastCommand.DefaultPreset), (ForecastCommand.TutorialPreset, ForecastCommand.TutorialPreset)],
        "the recipe: default (measured in the README), or keras-tutorial (the seed's: window 100, GRU(50) → GRU(50) → Dense(1), MinMax, 10 epochs)");

    public Option<string> Covariates { get; } = Flags.Text("--covariates", null, "comma-separated numeric columns read beside the target, observed up to the forecast origin", "A,B");

    public Option<string> Calendar { get; } = Flags.Text("--calendar", "auto", "calendar features of the forecast dates: auto (from the frequency), none, or a list of hour,dayofweek,dayofyear,month", "auto|none|LIST");

    public Option<Named<GapFill>> Fill { get; } = Flags.Choice("--fill", GapFill.None, [("none", GapFill.None), ("ffill", GapFill.ForwardFill), ("linear", GapFill.Linear)], "gaps in the dates: none refuses them (naming the first); ffill repeats the last row; linear interpolates");

    public Option<Named<ForecastStrategy>> Strategy { get; } = Flags.Choice("--strategy", Defaults.Strategy, [("direct", ForecastStrategy.Direct), ("recursive", ForecastStrategy.Recursive)], "steps beyond the first: direct (an output per step) or recursive (one step, fed back)");

    public Option<string> Quantiles { get; } = Flags.Text("--quantiles", null, "forecast these quantiles (e.g. 0.1,0.5,0.9) with the pinball loss; the median is the point forecast", "Q,Q");

    public Option<int> Season { get; } = Flags.Count("--season", 0, "seasonal period in steps for seasonal naive and MASE (default: 24 hourly, 7 daily, 52 weekly, 12 monthly, 4 quarterly)").WithoutDefault();

    public Option<int> Backtest { get; } = Flags.Count("--backtest", Defaults.BacktestFolds, "score K rolling origins across the test period (expanding window), with mean and spread", nameof(ForecastOptions.BacktestFolds));

    public Option<bool> Retrain { get; } = Flags.Switch("--retrain", "with --backtest, refit the model before each fold");

    public Option<bool> Int8 { get; } = Flags.Switch("--int8", "quantize the trained model to int8 (dynamic, as PyTorch's quantize_dynamic): scores, forecasts and the saved model are int8's");

    public Option<string> SeriesColumn { get; } = Flags.Text("--series-column", null, "long format: the column naming each row's series; one global model over all series", "NAME");

    public Option<int> Patience { get; } = Flags.Count("--patience", Defaults.Patience, "epochs without a better validation loss before training stops");

    public IEnumerable<Option> All => [Covariates, Calendar, Fill, Strategy, Quantiles, Season, Backtest, Retrain, SeriesColumn, Patience, Int8];

    public static IReadOnlyList<string> List(string? text) =>
        text is null ? [] : [.. text.Split(',').Select(item => item.Trim())
            .Select(item => item.Length > 0 ? item : throw new UsageException($"--covariates '{text}' has an empty name"))];

    public CalendarFeature? ReadCalendar(ParseResult parse)
    {
        string text = parse.GetRequiredValue(Calendar).Trim();
        if (text == "auto")
        {
            return null;
        }

        try
        {
            return CalendarFeatures.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--calendar: {UserErrors.WithoutParameterName(e)}");
        }
    }

    public IReadOnlyList<float> ReadQuantiles(ParseResult parse)
    {
        string? text = parse.GetValue(Quantiles);
        if (text is null)
        {
            return [];
        }

        return [.. text.Split(',').Select(item =>
            float.TryParse(item.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float q) && float.IsFinite(q)
                ? q
                : throw new UsageException($"--quantiles must be numbers separated by commas, got '{item.Trim()}'"))];
    }
}
