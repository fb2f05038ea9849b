using Gated.Kernels;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers.Recurrent;

/// <summary>
/// Long short-term memory (Hochreiter &amp; Schmidhuber), as Keras and PyTorch compute it:
/// i = σ(W_i x + U_i h + b_i), f = σ(W_f x + U_f h + b_f), g = tanh(W_g x + U_g h + b_g), o = σ(W_o x + U_o h + b_o),
/// c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
/// Parameters (Keras layout, gate blocks i, f, g, o): kernel (I, 4H), recurrent_kernel (H, 4H), bias (4H) and,
/// with separateRecurrentBias (PyTorch's b_hh), recurrent_bias (4H). Keras initialises the forget bias to 1.
/// </summary>
public sealed class Lstm : RecurrentLayer, IConfigurableLayer
{
    private const int InputGate = 0, ForgetGate = 1, CellCandidate = 2, OutputGate = 3, CellTanh = 4;
    private Parameter? _kernel;
    private Parameter? _recurrentKernel;
    private Parameter? _bias;
    private Parameter? _recurrentBias;

    public Lstm(int units, bool returnSequences = false, WeightInit init = WeightInit.Keras)
        : this(units, new RecurrentOptions { ReturnSequences = returnSequences, Init = init })
    {
    }

    public Lstm(int units, RecurrentOptions options, bool separateRecurrentBias = false)
        : base(units, options)
    {
        SeparateRecurrentBias = separateRecurrentBias;
    }

    public static string ConfigTypeName => "LSTM";

    public override string TypeName => ConfigTypeName;

    /// <summary>Two bias vectors as PyTorch (b_ih, b_hh) instead of Keras's one; they add the same way.</summary>
    public bool SeparateRecurrentBias { get; }

    /// <summary>h and c.</summary>
    public override int StateCount => 2;

    protected override int GateCount => 4;

    protected override int CacheCount => 5;

    protected override Parameter KernelParameter => _kernel!;

    protected override Parameter RecurrentKernelParameter => _recurrentKernel!;

    protected override Parameter BiasParameter => _bias!;

    protected override Parameter? RecurrentBiasParameter => _recurrentBias;

    public static Layer FromConfig(LayerConfig config) =>
        new Lstm(config.PositiveInt("units"), OptionsFromConfig(config), config.Bool("separate_recurrent_bias"));

    public override IReadOnlyDictionary<string, string> GetConfig()
    {
        var config = BaseConfig();
        config["separate_recurrent_bias"] = SeparateRecurrentBias ? "true" : "false";
        return config;
    }

    private RecurrentOperand[]? _operands;

    private protected override RecurrentOperand[] RecurrentOperands => _operands ??= [new(0, 4 * Units, false), new(0, 4 * Units, true)];

    private protected override bool StepSplitsByUnits => true;

    private protected override void StepForwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, int start, int count, ReadOnlySpan<float> gh, int ghRowStride) =>
        GateMath.LstmForward(
            rows.Count, Units, start, count, w.StepInputGates(s, rows), gh, ghRowStride, count, w.State(1, s, rows),
            w.Cache(InputGate, s, rows), w.Cache(ForgetGate, s, rows), w.Cache(CellCandidate, s, rows), w.Cache(OutputGate, s, rows),
            w.Cache(CellTanh, s, rows), w.State(1, s + 1, rows), w.State(0, s + 1, rows), GateMath.Vectorized);

    private protected override void StepBackwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units) =>
        GateMath.LstmBackward(
            rows.Count, Units, units.Start, units.Count, w.StateGradient(0, rows), w.StateGradient(1, rows), w.State(1, s, rows),
            w.Cache(InputGate, s, rows), w.Cache(ForgetGate, s, rows), w.Cache(CellCandidate, s, rows), w.Cache(OutputGate, s, rows),
            w.Cache(CellTanh, s, rows), w.StepInputGateGradients(s, rows), GateMath.Vectorized);

    protected override void CreateParameters(int inputSize, SeededRandom random)
    {
        int h4 = 4 * Units;
        _kernel = AddParameter("kernel", inputSize, h4);
        _recurrentKernel = AddParameter("recurrent_kernel", Units, h4);
        _bias = AddParameter("bias", h4);
        _recurrentBias = SeparateRecurrentBias ? AddParameter("recurrent_bias", h4) : null;
        InitializeKernels(inputSize, random);
        if (Init == WeightInit.Keras)
        {
            // Keras's unit_forget_bias: start with the forget gate open.
            _bias.Values.Slice(Units, Units).Fill(1f);
        }
    }
}
