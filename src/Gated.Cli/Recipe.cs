using System.CommandLine;
using System.Globalization;
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
internal sealed class RecipeFlags(RecipeFlags.Sizes? sizes = null)
{
    /// <summary>
    /// The defaults of the flags whose default differs between recipes; help shows these, and <see cref="Read"/> takes
    /// <see cref="TutorialOptions"/>' own for any of them the user did not give.
    /// </summary>
    public sealed record Sizes(int Window, int Units, int Layers, int Epochs, string? Note = null);

    public static readonly IReadOnlyList<(string Name, RecurrentKind Value)> CellNames =
        [("gru", RecurrentKind.Gru), ("lstm", RecurrentKind.Lstm), ("rnn", RecurrentKind.SimpleRnn)];

    public static readonly IReadOnlyList<(string Name, GruVariant Value)> VariantNames =
        [("reset-after", GruVariant.ResetAfter), ("reset-before", GruVariant.ResetBefore)];

    private static readonly TutorialOptions Defaults = new();


    public Option<Named<GruVariant>> Variant { get; } = Flags.Choice("--cell-variant", Defaults.Variant, VariantNames, "GRU reset gate", nameof(TutorialOptions.Variant));

    public Option<string> Out { get; } = Flags.Text("--out", "out", "where the files go", "DIR");

    public Option<string> Csv { get; } = Flags.Text("--csv", null, "CSV file (default: the bundled Chicago daily weather)", "PATH");

    public Option<string> Column { get; } = Flags.Text("--target", SeriesInput.BundledColumn, "the column to forecast (alias --column)", "NAME").WithAlias("--column");

    public Option<string> DateColumn { get; } = Flags.Text("--date-column", null, $"date column, ISO yyyy-MM-dd, evenly spaced (default: {SeriesInput.DefaultDateColumn}, or a first column of dates)", "NAME");

    public Option<int> Window { get; } = SizeFlag("--window", sizes?.Window, Defaults.Window, "input length in steps", sizes?.Note);

    public Option<int> Horizon { get; } = Flags.Count("--horizon", Defaults.Horizon, "steps ahead to forecast");

    public Option<int> Units { get; } = SizeFlag("--units", sizes?.Units, Defaults.Units, "units per recurrent layer", sizes?.Note);

    public Option<int> Layers { get; } = SizeFlag("--layers", sizes?.Layers, Defaults.Layers, "stacked recurrent layers", sizes?.Note);

    public Option<int> Epochs { get; } = SizeFlag("--epochs", sizes?.Epochs, Defaults.Epochs, "training epochs", sizes?.Note);

    public Option<int> BatchSize { get; } = Flags.Count("--batch-size", Defaults.BatchSize, "windows per batch");

    public Option<float> LearningRate { get; } = Flags.Number("--learning-rate", Defaults.LearningRate, "Adam learning rate");

    public Option<double> TestFraction { get; } = Flags.Number("--test-fraction", Defaults.TestFraction, "last fraction of windows held out as test");

    public Option<double> ValidationSplit { get; } = Flags.Number("--validation-split", Defaults.ValidationSplit, "last fraction of the training windows used for validation");

    public Option<Named<string>> Scaler { get; } = Flags.Choice("--scaler", Defaults.Scaler, [.. ScalerFactory.Kinds.Select(k => (k, k))], "value scaling");

    public Option<ulong> Seed { get; } = Flags.Seed("--seed", Defaults.Seed, "seed for weights and shuffling");

    public Option<string> ValueUnit { get; } = Flags.Text("--value-unit", null, "unit printed after values (default: the bundled data's own, °F for temp)");

    private static Option<int> SizeFlag(string name, int? chosen, int tutorial, string help, string? note) =>
        Flags.Count(name, chosen ?? tutorial, note is null ? help : $"{help} ({string.Format(CultureInfo.InvariantCulture, note, tutorial)})");

    /// <summary>The data and training flags, in the order help lists them.</summary>
    public IEnumerable<Option> Shared =>
        [Csv, Column, DateColumn, Window, Horizon, Units, Layers, Epochs, BatchSize, LearningRate, TestFraction, ValidationSplit, Scaler, Seed, ValueUnit];

    /// <summary>Reads the flags, checks them with the library, loads the data and checks that it splits.</summary>
    public Recipe Read(ParseResult parse, RecurrentKind cell)
    {
        var options = new TutorialOptions
        {
            Window = parse.Given(Window) ? parse.GetValue(Window) : Defaults.Window,
            Horizon = parse.GetValue(Horizon),
            Units = parse.Given(Units) ? parse.GetValue(Units) : Defaults.Units,
            Layers = parse.Given(Layers) ? parse.GetValue(Layers) : Defaults.Layers,
            Cell = cell,
            Variant = parse.GetChoice(Variant),
            Epochs = parse.Given(Epochs) ? parse.GetValue(Epochs) : Defaults.Epochs,
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
        string unit = parse.GetValue(ValueUnit) ?? (csv is null ? SeriesInput.BundledUnit(parse.GetRequiredValue(Column)) : "");
        var series = SeriesInput.Load(csv ?? SeriesInput.BundledCsv, parse.GetRequiredValue(Column), parse.GetValue(DateColumn));
        TutorialSplit.Of(series.Values.Length, options).ThrowIfUnusable($"{series.Path} column '{series.Column}'");
        return new Recipe(series, options, unit, outDir, csv is null);
    }
}
