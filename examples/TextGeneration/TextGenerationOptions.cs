using Gated.Examples.Shared;

namespace Gated.Examples.TextGeneration;

/// <summary>The example's settings; every one is a flag, and the defaults are the ones measured in examples/README.md.</summary>
internal sealed record TextGenerationOptions
{
    public ulong Seed { get; init; }

    /// <summary>Characters per training window; the model learns to predict each next one.</summary>
    public int Length { get; init; } = 100;

    /// <summary>Characters between window starts; equal to the length, every training character is seen once per epoch.</summary>
    public int Stride { get; init; } = 100;

    /// <summary>The last part of the book held out for the validation loss.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Training characters used, from the start of the book; 0 uses the whole training part.</summary>
    public int TrainChars { get; init; }

    public int EmbeddingSize { get; init; } = 32;

    public int Units { get; init; } = 128;

    public int Epochs { get; init; } = 6;

    public int BatchSize { get; init; } = 16;

    public float LearningRate { get; init; } = 5e-3f;

    public float ClipNorm { get; init; } = 1f;

    /// <summary>Text the sample starts from: the GRU reads it before it writes.</summary>
    public string Prime { get; init; } = "\"Holmes,\" said I, ";

    public int SampleLength { get; init; } = 400;

    /// <summary>Softmax temperature of the sampling: below 1 picks likely characters more often.</summary>
    public double Temperature { get; init; } = 0.6;

    public string OutFolder { get; init; } = Path.Combine("out", "text-generation");

    /// <summary>Every flag, declared once: the usage text and the parser come from this list.</summary>
    public static readonly ExampleFlags<TextGenerationOptions> Flags = new(
        "Trains a character-level GRU on The Adventures of Sherlock Holmes and writes a sample with it.",
        "examples/TextGeneration",
        new TextGenerationOptions(),
        [
            new("--seed", "S", "seed for weights, shuffling and sampling", o => o.Seed, (o, flag, value) => o with { Seed = FlagValues.Seed64(flag, value) }),
            new("--length", "T", "characters per training window", o => o.Length, (o, flag, value) => o with { Length = FlagValues.Int(flag, value, min: 1) }),
            new("--stride", "K", "characters between window starts", o => o.Stride, (o, flag, value) => o with { Stride = FlagValues.Int(flag, value, min: 1) }),
            new("--validation-fraction", "F", "the end of the book held out for validation", o => o.ValidationFraction, (o, flag, value) => o with { ValidationFraction = FlagValues.Fraction(flag, value) }),
            new("--train-chars", "N", "use only the first N training characters; 0 = all", o => o.TrainChars, (o, flag, value) => o with { TrainChars = FlagValues.Int(flag, value, min: 0) }),
            new("--embedding", "D", "embedding size", o => o.EmbeddingSize, (o, flag, value) => o with { EmbeddingSize = FlagValues.Int(flag, value, min: 1) }),
            new("--units", "H", "GRU units", o => o.Units, (o, flag, value) => o with { Units = FlagValues.Int(flag, value, min: 1) }),
            new("--epochs", "E", "", o => o.Epochs, (o, flag, value) => o with { Epochs = FlagValues.Int(flag, value, min: 1) }),
            new("--batch-size", "B", "", o => o.BatchSize, (o, flag, value) => o with { BatchSize = FlagValues.Int(flag, value, min: 1) }),
            new("--learning-rate", "LR", "Adam's learning rate", o => o.LearningRate, (o, flag, value) => o with { LearningRate = FlagValues.Positive(flag, value) }),
            new("--clip-norm", "C", "gradient clipping by global norm", o => o.ClipNorm, (o, flag, value) => o with { ClipNorm = FlagValues.Positive(flag, value) }),
            new("--prime", "TEXT", "text the sample starts from", o => o.Prime, (o, flag, value) => o with { Prime = value.Length > 0 ? value : throw new ArgumentException("--prime needs at least one character") }),
            new("--sample-length", "N", "characters to generate", o => o.SampleLength, (o, flag, value) => o with { SampleLength = FlagValues.Int(flag, value, min: 1) }),
            new("--temperature", "τ", "sampling temperature", o => o.Temperature, (o, flag, value) => o with { Temperature = FlagValues.Positive(flag, value) }),
            new("--out", "DIR", "folder for sample.txt, val_loss.svg, model.safetensors", o => o.OutFolder, (o, flag, value) => o with { OutFolder = value }),
        ]);
}
