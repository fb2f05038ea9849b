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

    public const string Usage = """
        Trains a character-level GRU on The Adventures of Sherlock Holmes and writes a sample with it.
        usage: dotnet run -c Release --project examples/TextGeneration -- [flags]
          --seed S               seed for weights, shuffling and sampling (default 0)
          --length T             characters per training window (default 100)
          --stride K             characters between window starts (default 100)
          --validation-fraction F  the end of the book held out for validation (default 0.1)
          --train-chars N        use only the first N training characters; 0 = all (default 0)
          --embedding D          embedding size (default 32)
          --units H              GRU units (default 128)
          --epochs E             (default 6)
          --batch-size B         (default 16)
          --learning-rate LR     Adam's learning rate (default 0.005)
          --clip-norm C          gradient clipping by global norm (default 1)
          --prime TEXT           text the sample starts from (default "Holmes," said I, )
          --sample-length N      characters to generate (default 400)
          --temperature τ        sampling temperature (default 0.6)
          --out DIR              folder for sample.txt, val_loss.svg, model.safetensors (default out/text-generation)
        """;

    /// <summary>Reads flags over the defaults; throws ArgumentException naming the bad flag.</summary>
    public static TextGenerationOptions Parse(IReadOnlyList<string> args)
    {
        var options = FlagParser.Parse(args, new TextGenerationOptions(), new Dictionary<string, Func<TextGenerationOptions, string, string, TextGenerationOptions>>
        {
            ["--seed"] = (o, flag, value) => o with { Seed = FlagValues.Seed64(flag, value) },
            ["--length"] = (o, flag, value) => o with { Length = FlagValues.Int(flag, value, min: 1) },
            ["--stride"] = (o, flag, value) => o with { Stride = FlagValues.Int(flag, value, min: 1) },
            ["--validation-fraction"] = (o, flag, value) => o with { ValidationFraction = FlagValues.Fraction(flag, value) },
            ["--train-chars"] = (o, flag, value) => o with { TrainChars = FlagValues.Int(flag, value, min: 0) },
            ["--embedding"] = (o, flag, value) => o with { EmbeddingSize = FlagValues.Int(flag, value, min: 1) },
            ["--units"] = (o, flag, value) => o with { Units = FlagValues.Int(flag, value, min: 1) },
            ["--epochs"] = (o, flag, value) => o with { Epochs = FlagValues.Int(flag, value, min: 1) },
            ["--batch-size"] = (o, flag, value) => o with { BatchSize = FlagValues.Int(flag, value, min: 1) },
            ["--learning-rate"] = (o, flag, value) => o with { LearningRate = FlagValues.Positive(flag, value) },
            ["--clip-norm"] = (o, flag, value) => o with { ClipNorm = FlagValues.Positive(flag, value) },
            ["--prime"] = (o, flag, value) => o with { Prime = value.Length > 0 ? value : throw new ArgumentException("--prime needs at least one character") },
            ["--sample-length"] = (o, flag, value) => o with { SampleLength = FlagValues.Int(flag, value, min: 1) },
            ["--temperature"] = (o, flag, value) => o with { Temperature = FlagValues.Positive(flag, value) },
            ["--out"] = (o, flag, value) => o with { OutFolder = value },
        });

        return options;
    }
}
