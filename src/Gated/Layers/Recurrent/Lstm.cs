using Gated.Layers.Recurrent.TimeLoop;
using Gated.Randomness;

namespace Gated.Layers.Recurrent;

/// <summary>
/// Long short-term memory (Hochreiter &amp; Schmidhuber), as Keras and PyTorch compute it (<see cref="LstmCell"/>):
/// i = σ(W_i x + U_i h + b_i), f = σ(W_f x + U_f h + b_f), g = tanh(W_g x + U_g h + b_g), o = σ(W_o x + U_o h + b_o),
/// c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
/// Parameters (Keras layout, gate blocks i, f, g, o): kernel (I, 4H), recurrent_kernel (H, 4H), bias (4H) and,
/// with separateRecurrentBias (PyTorch's b_hh), recurrent_bias (4H). Keras initialises the forget bias to 1.
/// </summary>
public sealed class Lstm : RecurrentLayer, IConfigurableLayer
{
    /// <summary>An LSTM with Keras's other defaults.</summary>
    /// <param name="units">H, the size of the hidden and cell states.</param>
    /// <param name="returnSequences">Output every step rather than the last.</param>
    /// <param name="init">Keras's or PyTorch's weight initialisation.</param>
    public Lstm(int units, bool returnSequences = false, WeightInit init = WeightInit.Keras)
        : this(units, new RecurrentOptions { ReturnSequences = returnSequences, Init = init })
    {
    }

    /// <summary>An LSTM with every shared option.</summary>
    /// <param name="units">H, the size of the hidden and cell states.</param>
    /// <param name="options">The options every recurrent layer shares.</param>
    /// <param name="separateRecurrentBias">Two bias vectors, as PyTorch.</param>
    public Lstm(int units, RecurrentOptions options, bool separateRecurrentBias = false)
        : base(units, options)
    {
        SeparateRecurrentBias = separateRecurrentBias;
    }

    /// <summary>The type name in model files.</summary>
    public static string ConfigTypeName => "LSTM";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>Two bias vectors as PyTorch (b_ih, b_hh) instead of Keras's one; they add the same way.</summary>
    public bool SeparateRecurrentBias { get; }

    /// <summary>h and c.</summary>
    public override int StateCount => 2;

    /// <summary>Recreates an LSTM from the configuration <see cref="GetConfig"/> wrote.</summary>
    /// <param name="config">The saved configuration.</param>
    public static Layer FromConfig(LayerConfig config) =>
        new Lstm(config.PositiveInt("units"), OptionsFromConfig(config), config.Bool("separate_recurrent_bias"));

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig()
    {
        var config = BaseConfig();
        config["separate_recurrent_bias"] = SeparateRecurrentBias ? "true" : "false";
        return config;
    }

    private protected override IRecurrentCell CreateCell(int inputSize, SeededRandom random)
    {
        var weights = AddWeights(inputSize, 4, SeparateRecurrentBias);
        InitializeWeights(weights, inputSize, 4, random);
        if (Init == WeightInit.Keras)
        {
            // Keras's unit_forget_bias: start with the forget gate open.
            weights.Bias.Values.Slice(Units, Units).Fill(1f);
        }

        return new LstmCell(Units, weights);
    }
}
