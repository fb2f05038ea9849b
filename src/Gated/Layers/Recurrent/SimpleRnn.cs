using Gated.Layers.Recurrent.TimeLoop;
using Gated.Randomness;

namespace Gated.Layers.Recurrent;

/// <summary>
/// The plain (Elman) recurrent layer: h' = act(W x + U h + b), act tanh (default) or ReLU (<see cref="SimpleRnnCell"/>).
/// Parameters: kernel (I, H), recurrent_kernel (H, H), bias (H) and, with separateRecurrentBias (PyTorch's
/// b_hh), recurrent_bias (H).
/// </summary>
public sealed class SimpleRnn : RecurrentLayer, IConfigurableLayer
{
    /// <summary>A SimpleRNN with Keras's other defaults.</summary>
    /// <param name="units">H, the size of the hidden state.</param>
    /// <param name="returnSequences">Output every step rather than the last.</param>
    /// <param name="init">Keras's or PyTorch's weight initialisation.</param>
    public SimpleRnn(int units, bool returnSequences = false, WeightInit init = WeightInit.Keras)
        : this(units, new RecurrentOptions { ReturnSequences = returnSequences, Init = init })
    {
    }

    /// <summary>A SimpleRNN with every shared option.</summary>
    /// <param name="units">H, the size of the hidden state.</param>
    /// <param name="options">The options every recurrent layer shares.</param>
    /// <param name="activation">tanh or ReLU.</param>
    /// <param name="separateRecurrentBias">Two bias vectors, as PyTorch.</param>
    public SimpleRnn(int units, RecurrentOptions options, SimpleRnnActivation activation = SimpleRnnActivation.Tanh, bool separateRecurrentBias = false)
        : base(units, options)
    {
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }

        Activation = activation;
        SeparateRecurrentBias = separateRecurrentBias;
    }

    /// <summary>The type name in model files.</summary>
    public static string ConfigTypeName => "SimpleRNN";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>The non-linearity: tanh or ReLU.</summary>
    public SimpleRnnActivation Activation { get; }

    /// <summary>Two bias vectors as PyTorch (b_ih, b_hh) instead of Keras's one; they add the same way.</summary>
    public bool SeparateRecurrentBias { get; }

    /// <inheritdoc/>
    public override int StateCount => 1;

    /// <summary>Recreates a SimpleRNN from the configuration <see cref="GetConfig"/> wrote.</summary>
    /// <param name="config">The saved configuration.</param>
    public static Layer FromConfig(LayerConfig config) => new SimpleRnn(
        config.PositiveInt("units"),
        OptionsFromConfig(config),
        config.Choice("activation", ("tanh", SimpleRnnActivation.Tanh), ("relu", SimpleRnnActivation.Relu)),
        config.Bool("separate_recurrent_bias"));

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig()
    {
        var config = BaseConfig();
        config["activation"] = Activation == SimpleRnnActivation.Tanh ? "tanh" : "relu";
        config["separate_recurrent_bias"] = SeparateRecurrentBias ? "true" : "false";
        return config;
    }

    private protected override IRecurrentCell CreateCell(int inputSize, SeededRandom random)
    {
        var weights = AddWeights(inputSize, 1, SeparateRecurrentBias);
        InitializeWeights(weights, inputSize, 1, random);
        return new SimpleRnnCell(Units, weights, Activation == SimpleRnnActivation.Relu);
    }
}
