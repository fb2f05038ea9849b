using Gated.Examples.Shared;

namespace Gated.Examples.AnomalyDetection;

/// <summary>The example's settings; every one is a flag, and the defaults are the ones measured in examples/README.md.</summary>
internal sealed record AnomalyOptions
{
    public ulong Seed { get; init; }

    /// <summary>Share of each mote's readings, from its first, that trains its models and sets its thresholds; no label is read there.</summary>
    public double TrainFraction { get; init; } = 0.4;

    /// <summary>Previous changes the GRU sees to forecast the next one; also the length of the windows the autoencoder reconstructs.</summary>
    public int Window { get; init; } = 20;

    /// <summary>Units of the GRU forecaster and of the autoencoder's encoder and decoder each.</summary>
    public int Units { get; init; } = 16;

    /// <summary>The autoencoder's recurrent cell: gru or lstm.</summary>
    public string Autoencoder { get; init; } = "gru";

    public int Epochs { get; init; } = 20;

    public int Patience { get; init; } = 3;

    public int BatchSize { get; init; } = 32;

    public float LearningRate { get; init; } = 3e-3f;

    /// <summary>A reading is flagged when a residual lies more than K training standard deviations from the training mean.</summary>
    public double K { get; init; } = 5;

    /// <summary>Columns forecast and checked: temperature alone, or temperature and humidity.</summary>
    public IReadOnlyList<string> Channels { get; init; } = ["temperature"];

    /// <summary>Mote whose temperature is plotted with its flags and labels.</summary>
    public int PlotMote { get; init; } = 1;

    public string OutFolder { get; init; } = Path.Combine("out", "anomaly-detection");

    /// <summary>Every flag, declared once: the usage text and the parser come from this list.</summary>
    public static readonly ExampleFlags<AnomalyOptions> Flags = new(
        "Flags anomalous sensor readings by how far each lies from a GRU's forecast and by how badly a recurrent autoencoder reconstructs the window ending at it, and scores the flags against the labels.",
        "examples/AnomalyDetection",
        new AnomalyOptions(),
        [
            new("--seed", "S", "seed for weights and shuffling", o => o.Seed, (o, flag, value) => o with { Seed = FlagValues.Seed64(flag, value) }),
            new("--train-fraction", "F", "first share of each mote's readings that trains its models and sets thresholds", o => o.TrainFraction, (o, flag, value) => o with { TrainFraction = FlagValues.Fraction(flag, value) }),
            new("--window", "W", "changes per forecast and per autoencoder window", o => o.Window, (o, flag, value) => o with { Window = FlagValues.Int(flag, value, min: 1) }),
            new("--units", "H", "units of the GRU forecaster and of the autoencoder's encoder and decoder", o => o.Units, (o, flag, value) => o with { Units = FlagValues.Int(flag, value, min: 1) }),
            new("--autoencoder", "CELL", "the autoencoder's cell, gru or lstm", o => o.Autoencoder, (o, flag, value) => o with { Autoencoder = Cell(flag, value) }),
            new("--epochs", "E", "most epochs per mote; early stopping may end sooner", o => o.Epochs, (o, flag, value) => o with { Epochs = FlagValues.Int(flag, value, min: 1) }),
            new("--patience", "P", "epochs without a better val_loss before stopping", o => o.Patience, (o, flag, value) => o with { Patience = FlagValues.Int(flag, value, min: 0) }),
            new("--batch-size", "B", "", o => o.BatchSize, (o, flag, value) => o with { BatchSize = FlagValues.Int(flag, value, min: 1) }),
            new("--learning-rate", "LR", "Adam's learning rate", o => o.LearningRate, (o, flag, value) => o with { LearningRate = FlagValues.Positive(flag, value) }),
            new("--k", "K", "flag when |score − mean| > K·std of the training scores (residuals or reconstruction errors)", o => o.K, (o, flag, value) => o with { K = FlagValues.Positive(flag, value) }),
            new("--channels", "LIST", "temperature, or temperature,humidity", o => o.Channels, (o, flag, value) => o with { Channels = ChannelList(value) }),
            new("--plot-mote", "M", "mote to plot", o => o.PlotMote, (o, flag, value) => o with { PlotMote = FlagValues.Int(flag, value, min: 0) }),
            new("--out", "DIR", "folder for flags.csv and the mote's SVG charts", o => o.OutFolder, (o, flag, value) => o with { OutFolder = value }),
        ]);

    private static string Cell(string flag, string value) => value.ToLowerInvariant() is "gru" or "lstm"
        ? value.ToLowerInvariant()
        : throw new ArgumentException($"{flag} must be gru or lstm, got '{value}'");

    private static string[] ChannelList(string value)
    {
        string[] channels = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.ToLowerInvariant())
            .Distinct()
            .ToArray();
        if (channels.Length == 0 || channels[0] != "temperature" || channels.Any(c => c is not ("temperature" or "humidity")))
        {
            throw new ArgumentException($"--channels must be temperature or temperature,humidity, got '{value}'");
        }

        return channels;
    }
}
