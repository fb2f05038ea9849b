using System.CommandLine;
using Gated.Data;
using Gated.Forecasting;
using Gated.Layers.Recurrent;

namespace Gated.Cli;

/// <summary>The data and training of `forecast` and `compare`: the series, the library's options, and where output goes.</summary>
internal sealed record Recipe(SeriesInput Series, TutorialOptions Options, string Unit, string OutDir, bool BundledData)
{
    public string DescribeData()
    {
        string shownPath = BundledData ? "data/chicago-daily-weather.csv (bundled)" : Series.Path;
        // The time column is named when it is not the default, so a detected one is never a surprise.
        string time = Series.DateColumn is null or SeriesInput.DefaultDateColumn ? "" : $", dates from column '{Series.DateColumn}'";
        return $"Data: {shownPath}, column '{Series.Column}'{time}, {Series.Values.Length} values ({Series.Describe(0)} .. {Series.Describe(Series.Values.Length - 1)})";
    }
}

/// <summary>
/// The flags of <see cref="Recipe"/>, declared once with the library's defaults (<see cref="TutorialOptions"/>); the
/// ranges are checked by <see cref="TutorialOptions.Validate"/> and <see cref="TutorialSplit"/>.
/// </summary>
internal sealed class RecipeFlags
{
    public static readonly IReadOnlyList<(string Name, RecurrentKind Value)> CellNames =
        [("gru", RecurrentKind.Gru), ("lstm", RecurrentKind.Lstm), ("rnn", RecurrentKind.SimpleRnn)];

    public static readonly IReadOnlyList<(string Name, GruVariant Value)> VariantNames =
        [("reset-after", GruVariant.ResetAfter), ("reset-before", GruVariant.ResetBefore)];

    private static readonly TutorialOptions Defaults = new();

    public Option<Named<GruVariant>> Variant { get; } = Flags.Choice("--cell-variant", Defaults.Variant, VariantNames, "GRU reset gate", nameof(TutorialOptions.Variant));

    public Option<string> Out { get; } = Flags.Text("--out", "out", "where the files go", "DIR");

    public Option<string> Csv { get; } = Flags.Text("--csv", null, "CSV file (default: the bundled Chicago daily weather)", "PATH");

    public Option<string> Column { get; } = Flags.Text("--column", SeriesInput.BundledColumn, "value column", "NAME");

    public Option<string> DateColumn { get; } = Flags.Text("--date-column", null, $"date column, ISO yyyy-MM-dd, evenly spaced (default: {SeriesInput.DefaultDateColumn}, or a first column of dates)", "NAME");

    public Option<int> Window { get; } = Flags.Count("--window", Defaults.Window, "input length in steps");

    public Option<int> Horizon { get; } = Flags.Count("--horizon", Defaults.Horizon, "steps ahead to forecast");

    public Option<int> Units { get; } = Flags.Count("--units", Defaults.Units, "units per recurrent layer");

    public Option<int> Layers { get; } = Flags.Count("--layers", Defaults.Layers, "stacked recurrent layers");

    public Option<int> Epochs { get; } = Flags.Count("--epochs", Defaults.Epochs, "training epochs");

    public Option<int> BatchSize { get; } = Flags.Count("--batch-size", Defaults.BatchSize, "windows per batch");

    public Option<float> LearningRate { get; } = Flags.Number("--learning-rate", Defaults.LearningRate, "Adam learning rate");

    public Option<double> TestFraction { get; } = Flags.Number("--test-fraction", Defaults.TestFraction, "last fraction of windows held out as test");

    public Option<double> ValidationSplit { get; } = Flags.Number("--validation-split", Defaults.ValidationSplit, "last fraction of the training windows used for validation");

    public Option<Named<string>> Scaler { get; } = Flags.Choice("--scaler", Defaults.Scaler, [.. ScalerFactory.Kinds.Select(k => (k, k))], "value scaling");

    public Option<ulong> Seed { get; } = Flags.Seed("--seed", Defaults.Seed, "seed for weights and shuffling");

    public Option<string> ValueUnit { get; } = Flags.Text("--value-unit", null, $"unit printed after values (default: {SeriesInput.BundledUnit} for the bundled data)");

    /// <summary>The data and training flags, in the order help lists them.</summary>
    public IEnumerable<Option> Shared =>
        [Csv, Column, DateColumn, Window, Horizon, Units, Layers, Epochs, BatchSize, LearningRate, TestFraction, ValidationSplit, Scaler, Seed, ValueUnit];

    /// <summary>Reads the flags, checks them with the library, loads the data and checks that it splits.</summary>
    public Recipe Read(ParseResult parse, RecurrentKind cell)
    {
        var options = new TutorialOptions
        {
            Window = parse.GetValue(Window),
            Horizon = parse.GetValue(Horizon),
            Units = parse.GetValue(Units),
            Layers = parse.GetValue(Layers),
            Cell = cell,
            Variant = parse.GetChoice(Variant),
            Epochs = parse.GetValue(Epochs),
            BatchSize = parse.GetValue(BatchSize),
            LearningRate = parse.GetValue(LearningRate),
            TestFraction = parse.GetValue(TestFraction),
            ValidationSplit = parse.GetValue(ValidationSplit),
            Scaler = parse.GetChoice(Scaler),
            Seed = parse.GetValue(Seed),
        };
        options.Validate();
        string outDir = parse.GetRequiredValue(Out);
        if (File.Exists(outDir))
        {
            throw new UsageException($"--out {outDir} is a file; it must be a folder");
        }

        string? csv = parse.GetValue(Csv);
        string unit = parse.GetValue(ValueUnit) ?? (csv is null ? SeriesInput.BundledUnit : "");
        var series = SeriesInput.Load(csv ?? SeriesInput.BundledCsv, parse.GetRequiredValue(Column), parse.GetValue(DateColumn));
        TutorialSplit.Of(series.Values.Length, options).ThrowIfUnusable($"{series.Path} column '{series.Column}'");
        return new Recipe(series, options, unit, outDir, csv is null);
    }
}
