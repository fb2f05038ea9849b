using Gated.Kernels;
using Gated.Serialization;
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

    internal override void StepForward(RecurrentWorkspace w, int s)
    {
        int batch = w.Batch, h = Units, h4 = 4 * h;
        var gh = w.StepGates.AsSpan(0, batch * h4);
        var gx = w.StepInputGates(s);
        Gemm.Multiply(false, false, batch, h4, h, 1f, w.RecurrentInput(s), h, _recurrentKernel!.Values, h4, 0f, gh, h4);
        var i = w.Cache(InputGate, s);
        var f = w.Cache(ForgetGate, s);
        var g = w.Cache(CellCandidate, s);
        var o = w.Cache(OutputGate, s);
        for (int b = 0; b < batch; b++)
        {
            var gxRow = gx.Slice(b * h4, h4);
            var ghRow = gh.Slice(b * h4, h4);
            for (int j = 0; j < h; j++)
            {
                int k = (b * h) + j;
                i[k] = gxRow[j] + ghRow[j];
                f[k] = gxRow[h + j] + ghRow[h + j];
                g[k] = gxRow[(2 * h) + j] + ghRow[(2 * h) + j];
                o[k] = gxRow[(3 * h) + j] + ghRow[(3 * h) + j];
            }
        }

        Activations.Sigmoid(i, i);
        Activations.Sigmoid(f, f);
        Activations.Tanh(g, g);
        Activations.Sigmoid(o, o);
        var cPrev = w.State(1, s);
        var cNext = w.State(1, s + 1);
        var cellTanh = w.Cache(CellTanh, s);
        for (int k = 0; k < cNext.Length; k++)
        {
            cNext[k] = (f[k] * cPrev[k]) + (i[k] * g[k]);
        }

        Activations.Tanh(cNext, cellTanh);
        var hNext = w.State(0, s + 1);
        for (int k = 0; k < hNext.Length; k++)
        {
            hNext[k] = o[k] * cellTanh[k];
        }
    }

    internal override void StepBackward(RecurrentWorkspace w, int s)
    {
        int batch = w.Batch, h = Units, h4 = 4 * h, block = batch * h;
        var i = w.Cache(InputGate, s);
        var f = w.Cache(ForgetGate, s);
        var g = w.Cache(CellCandidate, s);
        var o = w.Cache(OutputGate, s);
        var cellTanh = w.Cache(CellTanh, s);
        var cPrev = w.State(1, s);
        var dh = w.StateGradients[0].AsSpan(0, block);
        var dc = w.StateGradients[1].AsSpan(0, block);
        var dgx = w.StepInputGateGradients(s);
        for (int b = 0; b < batch; b++)
        {
            int row = b * h4;
            for (int j = 0; j < h; j++)
            {
                int k = (b * h) + j;
                float tc = cellTanh[k];
                float dCell = dc[k] + (dh[k] * o[k] * (1f - (tc * tc)));
                dgx[row + j] = dCell * g[k] * i[k] * (1f - i[k]);
                dgx[row + h + j] = dCell * cPrev[k] * f[k] * (1f - f[k]);
                dgx[row + (2 * h) + j] = dCell * i[k] * (1f - (g[k] * g[k]));
                dgx[row + (3 * h) + j] = dh[k] * tc * o[k] * (1f - o[k]);
                dc[k] = dCell * f[k];
                dh[k] = 0f;
            }
        }

        // h_prev reaches the loss only through the recurrent kernel.
        Gemm.Multiply(false, true, batch, h, h4, 1f, dgx, h4, _recurrentKernel!.Values, h4, 0f, w.RecurrentInputGradient.AsSpan(0, block), h);
    }

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
