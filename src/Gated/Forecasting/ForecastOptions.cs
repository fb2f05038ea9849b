using Gated.Layers.Recurrent;

namespace Gated.Forecasting;

/// <summary>
/// The recipe of a one-series forecast (GRU by default; LSTM or SimpleRNN for comparison). Defaults are the classic Keras tutorial: window 100 →
/// GRU(50, return sequences) → GRU(50) → Dense(1), Adam 1e-3, MSE, batch 32, 10 epochs, MinMax scaling,
/// the last 20% of windows held out as the test set and the last 10% of the rest used for validation.
/// </summary>
public sealed record ForecastOptions
{
    public int Window { get; init; } = 100;

    /// <summary>How many steps ahead the target lies (1 = the next step).</summary>
    public int Horizon { get; init; } = 1;

    public int Units { get; init; } = 50;

    /// <summary>Number of stacked recurrent layers (all but the last return sequences).</summary>
    public int Layers { get; init; } = 2;

    /// <summary>The recurrent cell of every layer: GRU (default), LSTM or SimpleRNN.</summary>
    public RecurrentKind Cell { get; init; } = RecurrentKind.Gru;

    /// <summary>The GRU's reset-gate variant; only meaningful for GRU cells.</summary>
    public GruVariant Variant { get; init; } = GruVariant.ResetAfter;

    public int Epochs { get; init; } = 10;

    public int BatchSize { get; init; } = 32;

    public float LearningRate { get; init; } = 1e-3f;

    public ulong Seed { get; init; }

    /// <summary>Fraction of windows, taken from the end, held out as the test set.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Fraction of the training windows, taken from their end, used as validation data by Fit.</summary>
    public double ValidationSplit { get; init; } = 0.1;

    /// <summary>"minmax" (to [0, 1]) or "standard".</summary>
    public string Scaler { get; init; } = "minmax";

    /// <summary>Throws ArgumentOutOfRangeException naming the first invalid option.</summary>
    public void Validate()
    {
        Positive(Window, nameof(Window));
        Positive(Horizon, nameof(Horizon));
        Positive(Units, nameof(Units));
        Positive(Layers, nameof(Layers));
        Positive(Epochs, nameof(Epochs));
        Positive(BatchSize, nameof(BatchSize));
        if (!float.IsFinite(LearningRate) || LearningRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be a positive number");
        }

        if (!(TestFraction > 0 && TestFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TestFraction), TestFraction, "must be between 0 and 1 (exclusive)");
        }

        if (!(ValidationSplit >= 0 && ValidationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationSplit), ValidationSplit, "must be in [0, 1)");
        }

        if (!Data.ScalerFactory.Kinds.Contains(Scaler))
        {
            throw new ArgumentOutOfRangeException(nameof(Scaler), Scaler, $"must be one of {string.Join(", ", Data.ScalerFactory.Kinds)}");
        }

        if (!Enum.IsDefined(Variant))
        {
            throw new ArgumentOutOfRangeException(nameof(Variant), Variant, "unknown GRU variant");
        }

        if (!Enum.IsDefined(Cell))
        {
            throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "unknown recurrent cell");
        }

        if (Cell != RecurrentKind.Gru && Variant != GruVariant.ResetAfter)
        {
            throw new ArgumentOutOfRangeException(nameof(Variant), Variant, "the reset-gate variant applies only to GRU cells");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be a positive integer");
        }
    }
}
