using Gated.Layers.Recurrent.TimeLoop;
using Gated.Randomness;

namespace Gated.Layers.Recurrent;

/// <summary>
/// Gated recurrent unit, exactly as DESIGN.md writes it, in both variants (<see cref="GruVariant"/>):
///     z = σ(W_z x + b_iz + U_z h + b_hz),  r = σ(W_r x + b_ir + U_r h + b_hr)
///     n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn))   reset after  (<see cref="GruResetAfterCell"/>)
///     n = tanh(W_n x + b_n + U_n (r ⊙ h))           reset before (<see cref="GruResetBeforeCell"/>)
///     h' = z ⊙ h + (1 − z) ⊙ n
/// Some tutorials write h' = (1 − z) ⊙ h + z ⊙ n: the same model with z relabelled 1 − z.
/// Parameters (Keras layout, gate blocks z, r, n): kernel (I, 3H), recurrent_kernel (H, 3H), bias (3H) and,
/// for reset after, recurrent_bias (3H).
/// </summary>
public sealed class Gru : RecurrentLayer, IConfigurableLayer
{
    /// <summary>A GRU with Keras's other defaults.</summary>
    /// <param name="units">H, the size of the hidden state.</param>
    /// <param name="returnSequences">Output every step rather than the last.</param>
    /// <param name="variant">Where the reset gate applies.</param>
    /// <param name="init">Keras's or PyTorch's weight initialisation.</param>
    public Gru(int units, bool returnSequences = false, GruVariant variant = GruVariant.ResetAfter, WeightInit init = WeightInit.Keras)
        : this(units, new RecurrentOptions { ReturnSequences = returnSequences, Init = init }, variant)
    {
    }

    /// <summary>A GRU with every shared option.</summary>
    /// <param name="units">H, the size of the hidden state.</param>
    /// <param name="options">The options every recurrent layer shares.</param>
    /// <param name="variant">Where the reset gate applies.</param>
    public Gru(int units, RecurrentOptions options, GruVariant variant = GruVariant.ResetAfter)
        : base(units, options)
    {
        if (!Enum.IsDefined(variant))
        {
            throw new ArgumentOutOfRangeException(nameof(variant), variant, "Unknown GRU variant.");
        }

        Variant = variant;
    }

    /// <summary>The type name in model files.</summary>
    public static string ConfigTypeName => "GRU";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>Where the reset gate applies.</summary>
    public GruVariant Variant { get; }

    /// <inheritdoc/>
    public override int StateCount => 1;

    /// <summary>Recreates a GRU from the configuration <see cref="GetConfig"/> wrote.</summary>
    /// <param name="config">The saved configuration.</param>
    public static Layer FromConfig(LayerConfig config) => new Gru(
        config.PositiveInt("units"),
        OptionsFromConfig(config),
        config.Choice("variant", ("reset_after", GruVariant.ResetAfter), ("reset_before", GruVariant.ResetBefore)));

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig()
    {
        var config = BaseConfig();
        config["variant"] = Variant == GruVariant.ResetAfter ? "reset_after" : "reset_before";
        return config;
    }

    private protected override IRecurrentCell CreateCell(int inputSize, SeededRandom random)
    {
        bool resetAfter = Variant == GruVariant.ResetAfter;
        var weights = AddWeights(inputSize, 3, recurrentBias: resetAfter);
        InitializeWeights(weights, inputSize, 3, random);
        return resetAfter ? new GruResetAfterCell(Units, weights) : new GruResetBeforeCell(Units, weights);
    }
}
