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

    /// <summary>Every flag, declared once: the usage text and the parser come from this list.</summary>
    public static readonly ExampleFlags<SentimentOptions> Flags = new(
        "Classifies review sentences as positive or negative: words → Embedding → GRU → sigmoid.",
        "examples/Sentiment",
        new SentimentOptions(),
        [
            new("--seed", "S", "seed for the split, weights, dropout and shuffling", o => o.Seed, (o, flag, value) => o with { Seed = FlagValues.Seed64(flag, value) }),
            new("--test-fraction", "F", "sentences held out for the test accuracy", o => o.TestFraction, (o, flag, value) => o with { TestFraction = FlagValues.Fraction(flag, value) }),
            new("--validation-split", "F", "training sentences held out for val_loss and early stopping", o => o.ValidationSplit, (o, flag, value) => o with { ValidationSplit = FlagValues.Fraction(flag, value) }),
            new("--length", "T", "words per sentence, cut or padded", o => o.Length, (o, flag, value) => o with { Length = FlagValues.Int(flag, value, min: 1) }),
            new("--max-tokens", "V", "vocabulary size with padding and unknown", o => o.MaxTokens, (o, flag, value) => o with { MaxTokens = FlagValues.Int(flag, value, min: 3) }),
            new("--embedding", "D", "embedding size", o => o.EmbeddingSize, (o, flag, value) => o with { EmbeddingSize = FlagValues.Int(flag, value, min: 1) }),
            new("--units", "H", "GRU units", o => o.Units, (o, flag, value) => o with { Units = FlagValues.Int(flag, value, min: 1) }),
            new("--bidirectional", "B", "true or false: read each sentence both ways", o => o.Bidirectional, (o, flag, value) => o with { Bidirectional = FlagValues.Bool(flag, value) }),
            new("--dropout", "R", "dropout after the embedding and the GRU", o => o.Dropout, (o, flag, value) => o with { Dropout = FlagValues.Rate(flag, value) }),
            new("--epochs", "E", "most epochs; early stopping may end sooner", o => o.Epochs, (o, flag, value) => o with { Epochs = FlagValues.Int(flag, value, min: 1) }),
            new("--patience", "P", "epochs without a better val_loss before stopping", o => o.Patience, (o, flag, value) => o with { Patience = FlagValues.Int(flag, value, min: 0) }),
            new("--batch-size", "B", "", o => o.BatchSize, (o, flag, value) => o with { BatchSize = FlagValues.Int(flag, value, min: 1) }),
            new("--learning-rate", "LR", "Adam's learning rate", o => o.LearningRate, (o, flag, value) => o with { LearningRate = FlagValues.Positive(flag, value) }),
            new("--show", "N", "test sentences to print with their probability", o => o.Show, (o, flag, value) => o with { Show = FlagValues.Int(flag, value, min: 0) }),
            new("--out", "DIR", "folder for training.svg, predictions.csv, model.safetensors", o => o.OutFolder, (o, flag, value) => o with { OutFolder = value }),
        ]);
}
