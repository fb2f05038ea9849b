using Gated.Data;
using Gated.Layers.Recurrent;

namespace Gated.Forecasting;

/// <summary>
/// The recipe of a one-series forecast (GRU by default; LSTM or SimpleRNN for comparison). Defaults are the classic Keras tutorial: window 100 →
/// GRU(50, return sequences) → GRU(50) → Dense(1), Adam 1e-3, MSE, batch 32, 10 epochs, MinMax scaling,
/// the last 20% of windows held out as the test set and the last 10% of the rest used for validation.
/// These defaults are the only ones: the command line shows and uses them as they are here.
/// </summary>
public sealed record TutorialOptions
{
    /// <summary>Input length: how many past values each forecast reads.</summary>
    public int Window { get; init; } = 100;

    /// <summary>How many steps ahead the target lies (1 = the next step).</summary>
    public int Horizon { get; init; } = 1;

    /// <summary>Units of each recurrent layer.</summary>
    public int Units { get; init; } = 50;

    /// <summary>Number of stacked recurrent layers (all but the last return sequences).</summary>
    public int Layers { get; init; } = 2;

    /// <summary>The recurrent cell of every layer: GRU (default), LSTM or SimpleRNN.</summary>
    public RecurrentKind Cell { get; init; } = RecurrentKind.Gru;

    /// <summary>The GRU's reset-gate variant; only meaningful for GRU cells.</summary>
    public GruVariant Variant { get; init; } = GruVariant.ResetAfter;

    /// <summary>Passes over the training windows.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Windows per training (and prediction) batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Seed of the initial weights and of the shuffling; the same seed gives the same model bit for bit.</summary>
    public ulong Seed { get; init; }

    /// <summary>Fraction of windows, taken from the end, held out as the test set.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Fraction of the training windows, taken from their end, used as validation data by Fit.</summary>
    public double ValidationSplit { get; init; } = 0.1;

    /// <summary>One of <see cref="ScalerFactory.Kinds"/>: "minmax" (to [0, 1]) or "standard".</summary>
    public string Scaler { get; init; } = "minmax";

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the first invalid option (by its property name).</summary>
    public void Validate()
    {
        OptionChecks.Positive(Window, nameof(Window));
        OptionChecks.Positive(Horizon, nameof(Horizon));
        OptionChecks.Positive(Units, nameof(Units));
        OptionChecks.Positive(Layers, nameof(Layers));
        OptionChecks.FitsOneParameterArray(Layers, Units, nameof(Units));

        OptionChecks.Positive(Epochs, nameof(Epochs));
        OptionChecks.Positive(BatchSize, nameof(BatchSize));
        OptionChecks.PositiveNumber(LearningRate, nameof(LearningRate));
        if (!(TestFraction > 0 && TestFraction < 1))
        {
            throw new InvalidOptionException(nameof(TestFraction), TestFraction, "must be a number in (0, 1)");
        }

        if (!(ValidationSplit >= 0 && ValidationSplit < 1))
        {
            throw new InvalidOptionException(nameof(ValidationSplit), ValidationSplit, "must be a number in [0, 1)");
        }

        if (!ScalerFactory.Kinds.Contains(Scaler))
        {
            throw new InvalidOptionException(nameof(Scaler), Scaler, $"must be one of {string.Join(", ", ScalerFactory.Kinds)}");
        }

        StackedRecurrent.CheckCell(Cell, Variant, nameof(Cell), nameof(Variant));
    }
}
