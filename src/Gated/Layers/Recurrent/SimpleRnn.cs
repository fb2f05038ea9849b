using Gated.Kernels;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers.Recurrent;

/// <summary>
/// The plain (Elman) recurrent layer: h' = act(W x + U h + b), act tanh (default) or ReLU.
/// Parameters: kernel (I, H), recurrent_kernel (H, H), bias (H) and, with separateRecurrentBias (PyTorch's
/// b_hh), recurrent_bias (H).
/// </summary>
public sealed class SimpleRnn : RecurrentLayer, IConfigurableLayer
{
    private Parameter? _kernel;
    private Parameter? _recurrentKernel;
    private Parameter? _bias;
    private Parameter? _recurrentBias;

    public SimpleRnn(int units, bool returnSequences = false, WeightInit init = WeightInit.Keras)
        : this(units, new RecurrentOptions { ReturnSequences = returnSequences, Init = init })
    {
    }

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

    public static string ConfigTypeName => "SimpleRNN";

    public override string TypeName => ConfigTypeName;

    public SimpleRnnActivation Activation { get; }

    public bool SeparateRecurrentBias { get; }

    public override int StateCount => 1;

    protected override int GateCount => 1;

    protected override int CacheCount => 0;

    protected override Parameter KernelParameter => _kernel!;

    protected override Parameter RecurrentKernelParameter => _recurrentKernel!;

    protected override Parameter BiasParameter => _bias!;

    protected override Parameter? RecurrentBiasParameter => _recurrentBias;

    public static Layer FromConfig(LayerConfig config) => new SimpleRnn(
        config.PositiveInt("units"),
        OptionsFromConfig(config),
        config.Choice("activation", ("tanh", SimpleRnnActivation.Tanh), ("relu", SimpleRnnActivation.Relu)),
        config.Bool("separate_recurrent_bias"));

    public override IReadOnlyDictionary<string, string> GetConfig()
    {
        var config = BaseConfig();
        config["activation"] = Activation == SimpleRnnActivation.Tanh ? "tanh" : "relu";
        config["separate_recurrent_bias"] = SeparateRecurrentBias ? "true" : "false";
        return config;
    }

    private RecurrentOperand[]? _operands;

    private protected override RecurrentOperand[] RecurrentOperands => _operands ??= [new(0, Units, false), new(0, Units, true)];

    private void Activate(Span<float> values)
    {
        if (Activation == SimpleRnnActivation.Tanh)
        {
            Activations.Tanh(values, values);
        }
        else
        {
            for (int k = 0; k < values.Length; k++)
            {
                values[k] = MathF.Max(values[k], 0f);
            }
        }
    }

    // dgx = dh ⊙ act'(pre-activation), from the output y = act(pre); dh ← 0 (h_prev reaches the loss only through U).
    private void Derivative(ReadOnlySpan<float> y, Span<float> dh, Span<float> dgx)
    {
        for (int k = 0; k < dh.Length; k++)
        {
            float v = y[k];
            dgx[k] = Activation == SimpleRnnActivation.Tanh ? dh[k] * (1f - (v * v)) : (v > 0 ? dh[k] : 0f);
            dh[k] = 0f;
        }
    }

    private protected override bool StepSplitsByUnits => true;

    // h' = act(gh + gx) for units [start, start + count) of the rows.
    private protected override void StepForwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, int start, int count, ReadOnlySpan<float> gh, int ghRowStride)
    {
        int h = Units;
        var gx = w.StepInputGates(s, rows);
        var next = w.State(0, s + 1, rows);
        for (int b = 0; b < rows.Count; b++)
        {
            var row = next.Slice((b * h) + start, count);
            var x = gx.Slice((b * h) + start, count);
            var u = gh.Slice(b * ghRowStride, count);
            for (int k = 0; k < row.Length; k++)
            {
                row[k] = u[k] + x[k];
            }

            Activate(row);
        }
    }

    private protected override void StepBackwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units)
    {
        int h = Units;
        var hNext = w.State(0, s + 1, rows);
        var dh = w.StateGradient(0, rows);
        var dgx = w.StepInputGateGradients(s, rows);
        for (int b = 0; b < rows.Count; b++)
        {
            int offset = (b * h) + units.Start;
            Derivative(hNext.Slice(offset, units.Count), dh.Slice(offset, units.Count), dgx.Slice(offset, units.Count));
        }
    }

    protected override void CreateParameters(int inputSize, SeededRandom random)
    {
        _kernel = AddParameter("kernel", inputSize, Units);
        _recurrentKernel = AddParameter("recurrent_kernel", Units, Units);
        _bias = AddParameter("bias", Units);
        _recurrentBias = SeparateRecurrentBias ? AddParameter("recurrent_bias", Units) : null;
        InitializeKernels(inputSize, random);
    }
}
