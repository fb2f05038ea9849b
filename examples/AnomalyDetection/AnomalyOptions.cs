using Gated.Examples.Shared;

namespace Gated.Examples.AnomalyDetection;

/// <summary>The example's settings; every one is a flag, and the defaults are the ones measured in examples/README.md.</summary>
internal sealed record AnomalyOptions
{
    public ulong Seed { get; init; }

    /// <summary>Share of each mote's readings, from its first, that trains its GRU and sets its thresholds; no label is read there.</summary>
    public double TrainFraction { get; init; } = 0.4;

    /// <summary>Previous readings the GRU sees to forecast the next one.</summary>
    public int Window { get; init; } = 20;

    public int Units { get; init; } = 16;

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

    public const string Usage = """
        Flags anomalous sensor readings by how far each lies from a GRU's forecast, and scores the flags against the labels.
        usage: dotnet run -c Release --project examples/AnomalyDetection -- [flags]
          --seed S             seed for weights and shuffling (default 0)
          --train-fraction F   first share of each mote's readings that trains it and sets thresholds (default 0.4)
          --window W           previous readings per forecast (default 20)
          --units H            GRU units (default 16)
          --epochs E           most epochs per mote; early stopping may end sooner (default 20)
          --patience P         epochs without a better val_loss before stopping (default 3)
          --batch-size B       (default 32)
          --learning-rate LR   Adam's learning rate (default 0.003)
          --k K                flag when |residual − mean| > K·std of the training residuals (default 5)
          --channels LIST      temperature, or temperature,humidity (default temperature)
          --plot-mote M        mote to plot (default 1)
          --out DIR            folder for flags.csv and the mote's SVG charts (default out/anomaly-detection)
        """;

    /// <summary>Reads flags over the defaults; throws ArgumentException naming the bad flag.</summary>
    public static AnomalyOptions Parse(IReadOnlyList<string> args)
    {
        var options = FlagParser.Parse(args, new AnomalyOptions(), new Dictionary<string, Func<AnomalyOptions, string, string, AnomalyOptions>>
        {
            ["--seed"] = (o, flag, value) => o with { Seed = FlagValues.Seed64(flag, value) },
            ["--train-fraction"] = (o, flag, value) => o with { TrainFraction = FlagValues.Fraction(flag, value) },
            ["--window"] = (o, flag, value) => o with { Window = FlagValues.Int(flag, value, min: 1) },
            ["--units"] = (o, flag, value) => o with { Units = FlagValues.Int(flag, value, min: 1) },
            ["--epochs"] = (o, flag, value) => o with { Epochs = FlagValues.Int(flag, value, min: 1) },
            ["--patience"] = (o, flag, value) => o with { Patience = FlagValues.Int(flag, value, min: 0) },
            ["--batch-size"] = (o, flag, value) => o with { BatchSize = FlagValues.Int(flag, value, min: 1) },
            ["--learning-rate"] = (o, flag, value) => o with { LearningRate = FlagValues.Positive(flag, value) },
            ["--k"] = (o, flag, value) => o with { K = FlagValues.Positive(flag, value) },
            ["--channels"] = (o, flag, value) => o with { Channels = ChannelList(value) },
            ["--plot-mote"] = (o, flag, value) => o with { PlotMote = FlagValues.Int(flag, value, min: 0) },
            ["--out"] = (o, flag, value) => o with { OutFolder = value },
        });

        return options;
    }

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
