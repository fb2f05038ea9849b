using Gated.Examples.Shared;

namespace Gated.Examples.Sentiment;

/// <summary>The example's settings; every one is a flag, and the defaults are the ones measured in examples/README.md.</summary>
internal sealed record SentimentOptions
{
    public ulong Seed { get; init; }

    /// <summary>Fraction of the sentences held out as the test set, never seen in training.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Fraction of the training sentences Fit holds out for val_loss (and early stopping).</summary>
    public double ValidationSplit { get; init; } = 0.1;

    /// <summary>Words per sentence; longer sentences are cut, shorter ones padded with the masked index 0.</summary>
    public int Length { get; init; } = 40;

    /// <summary>Vocabulary size, padding and out-of-vocabulary indices included.</summary>
    public int MaxTokens { get; init; } = 3000;

    public int EmbeddingSize { get; init; } = 32;

    public int Units { get; init; } = 32;

    public bool Bidirectional { get; init; } = true;

    public double Dropout { get; init; } = 0.3;

    public int Epochs { get; init; } = 20;

    public int Patience { get; init; } = 3;

    public int BatchSize { get; init; } = 32;

    public float LearningRate { get; init; } = 2e-3f;

    /// <summary>Test sentences printed with their predicted probability.</summary>
    public int Show { get; init; } = 10;

    public string OutFolder { get; init; } = Path.Combine("out", "sentiment");

    public const string Usage = """
        Classifies review sentences as positive or negative: words → Embedding → GRU → sigmoid.
        usage: dotnet run -c Release --project examples/Sentiment -- [flags]
          --seed S             seed for the split, weights, dropout and shuffling (default 0)
          --test-fraction F    sentences held out for the test accuracy (default 0.2)
          --validation-split F training sentences held out for val_loss and early stopping (default 0.1)
          --length T           words per sentence, cut or padded (default 40)
          --max-tokens V       vocabulary size with padding and unknown (default 3000)
          --embedding D        embedding size (default 32)
          --units H            GRU units (default 32)
          --bidirectional B    true or false: read each sentence both ways (default true)
          --dropout R          dropout after the embedding and the GRU (default 0.3)
          --epochs E           most epochs; early stopping may end sooner (default 20)
          --patience P         epochs without a better val_loss before stopping (default 3)
          --batch-size B       (default 32)
          --learning-rate LR   Adam's learning rate (default 0.002)
          --show N             test sentences to print with their probability (default 10)
          --out DIR            folder for training.svg, predictions.csv, model.safetensors (default out/sentiment)
        """;

    /// <summary>Reads flags over the defaults; throws ArgumentException naming the bad flag.</summary>
    public static SentimentOptions Parse(IReadOnlyList<string> args)
    {
        var options = FlagParser.Parse(args, new SentimentOptions(), new Dictionary<string, Func<SentimentOptions, string, string, SentimentOptions>>
        {
            ["--seed"] = (o, flag, value) => o with { Seed = FlagValues.Seed64(flag, value) },
            ["--test-fraction"] = (o, flag, value) => o with { TestFraction = FlagValues.Fraction(flag, value) },
            ["--validation-split"] = (o, flag, value) => o with { ValidationSplit = FlagValues.Fraction(flag, value) },
            ["--length"] = (o, flag, value) => o with { Length = FlagValues.Int(flag, value, min: 1) },
            ["--max-tokens"] = (o, flag, value) => o with { MaxTokens = FlagValues.Int(flag, value, min: 3) },
            ["--embedding"] = (o, flag, value) => o with { EmbeddingSize = FlagValues.Int(flag, value, min: 1) },
            ["--units"] = (o, flag, value) => o with { Units = FlagValues.Int(flag, value, min: 1) },
            ["--bidirectional"] = (o, flag, value) => o with { Bidirectional = FlagValues.Bool(flag, value) },
            ["--dropout"] = (o, flag, value) => o with { Dropout = FlagValues.Rate(flag, value) },
            ["--epochs"] = (o, flag, value) => o with { Epochs = FlagValues.Int(flag, value, min: 1) },
            ["--patience"] = (o, flag, value) => o with { Patience = FlagValues.Int(flag, value, min: 0) },
            ["--batch-size"] = (o, flag, value) => o with { BatchSize = FlagValues.Int(flag, value, min: 1) },
            ["--learning-rate"] = (o, flag, value) => o with { LearningRate = FlagValues.Positive(flag, value) },
            ["--show"] = (o, flag, value) => o with { Show = FlagValues.Int(flag, value, min: 0) },
            ["--out"] = (o, flag, value) => o with { OutFolder = value },
        });

        return options;
    }
}
