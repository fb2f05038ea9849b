namespace Gated.Forecasting;

/// <summary>
/// The recipe of <see cref="CellComparison.RunAddingProblem"/>: sequences of <see cref="Length"/> (value, marker)
/// pairs, one recurrent layer of <see cref="Units"/> → Dense(1), Adam with global-norm clipping, MSE. The defaults
/// are the ones measured in the README; the command line shows and uses them as they are here.
/// </summary>
public sealed record AddingProblemOptions
{
    /// <summary>Steps per sequence (at least 2: two values are marked).</summary>
    public int Length { get; init; } = 100;

    /// <summary>Training sequences, validation included (at least 20).</summary>
    public int Samples { get; init; } = 10_000;

    /// <summary>Units of the recurrent layer.</summary>
    public int Units { get; init; } = 32;

    /// <summary>Passes over the training sequences.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Sequences per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's learning rate.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>Seed of the data, the initial weights and the shuffling.</summary>
    public ulong Seed { get; init; }

    /// <summary>Fresh sequences the test RMSE is measured on: a fifth of <see cref="Samples"/>.</summary>
    public int TestSamples => Math.Max(Samples / 5, 1);

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the first invalid option (by its property name).</summary>
    public void Validate()
    {
        if (Length < 2)
        {
            throw new InvalidOptionException(nameof(Length), Length, "must be at least 2");
        }

        if (Samples < 20)
        {
            throw new InvalidOptionException(nameof(Samples), Samples, "must be at least 20");
        }

        OptionChecks.Positive(Units, nameof(Units));
        OptionChecks.Positive(Epochs, nameof(Epochs));
        OptionChecks.Positive(BatchSize, nameof(BatchSize));
        OptionChecks.PositiveNumber(LearningRate, nameof(LearningRate));
    }
}
