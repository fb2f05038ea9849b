using System.Globalization;
using Gated.Kernels;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Threading;

namespace Gated.Layers.Recurrent;

/// <summary>
/// Gated recurrent unit, exactly as DESIGN.md writes it:
/// z = σ(W_z x + b_iz + U_z h + b_hz), r = σ(W_r x + b_ir + U_r h + b_hr),
/// n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn)) (reset after) or tanh(W_n x + b_n + U_n (r ⊙ h)) (reset before),
/// h' = z ⊙ h + (1 − z) ⊙ n.
/// Parameters (Keras layout, gate blocks z, r, n): kernel (I, 3H), recurrent_kernel (H, 3H), bias (3H) and,
/// for reset after, recurrent_bias (3H).
/// </summary>
public sealed class Gru : RecurrentLayer, IConfigurableLayer
{
    private const int Update = 0, Reset = 1, Candidate = 2, Extra = 3;
    private Parameter? _kernel;
    private Parameter? _recurrentKernel;
    private Parameter? _bias;
    private Parameter? _recurrentBias;

    public Gru(int units, bool returnSequences = false, GruVariant variant = GruVariant.ResetAfter, WeightInit init = WeightInit.Keras)
        : this(units, new RecurrentOptions { ReturnSequences = returnSequences, Init = init }, variant)
    {
    }

    public Gru(int units, RecurrentOptions options, GruVariant variant = GruVariant.ResetAfter)
        : base(units, options)
    {
        if (!Enum.IsDefined(variant))
        {
            throw new ArgumentOutOfRangeException(nameof(variant), variant, "Unknown GRU variant.");
        }

        Variant = variant;
    }

    public static string ConfigTypeName => "GRU";

    public override string TypeName => ConfigTypeName;

    public GruVariant Variant { get; }

    public override int StateCount => 1;

    protected override int GateCount => 3;

    // z, r, n and, per variant, U_n·h + b_hn (reset after) or r ⊙ h (reset before).
    protected override int CacheCount => 4;

    protected override Parameter KernelParameter => _kernel!;

    protected override Parameter RecurrentKernelParameter => _recurrentKernel!;

    protected override Parameter BiasParameter => _bias!;

    protected override Parameter? RecurrentBiasParameter => _recurrentBias;

    protected override bool SeparateRecurrentGateGradients => Variant == GruVariant.ResetAfter;

    protected override bool RecurrentBiasAddsToInput => false;

    public static Layer FromConfig(LayerConfig config) => new Gru(
        config.PositiveInt("units"),
        OptionsFromConfig(config),
        config.Choice("variant", ("reset_after", GruVariant.ResetAfter), ("reset_before", GruVariant.ResetBefore)));

    public override IReadOnlyDictionary<string, string> GetConfig()
    {
        var config = BaseConfig();
        config["variant"] = Variant == GruVariant.ResetAfter ? "reset_after" : "reset_before";
        return config;
    }

    // Products with the recurrent kernel: reset after takes all of U each way; reset before takes U_zr and
    // U_n separately, since U_n multiplies r ⊙ h.
    private static readonly RecurrentOperand[] ResetAfterOperands = [new(0, 3, false), new(0, 3, true)];
    private static readonly RecurrentOperand[] ResetBeforeOperands = [new(0, 2, false), new(2, 1, false), new(2, 1, true), new(0, 2, true)];
    private RecurrentOperand[]? _operands;

    // Column offsets and widths in units of H; scaled to this layer's H on first use.
    private protected override RecurrentOperand[] RecurrentOperands =>
        _operands ??= (Variant == GruVariant.ResetAfter ? ResetAfterOperands : ResetBeforeOperands)
            .Select(o => o with { ColumnOffset = o.ColumnOffset * Units, Columns = o.Columns * Units }).ToArray();

    internal override void StepForward(RecurrentWorkspace w, int s, BatchSlice rows)
    {
        if (Variant == GruVariant.ResetAfter)
        {
            // h_prev·U, then the bias and all the gate math in one pass (GateMath), in the GEMM's epilogue when U is packed.
            base.StepForward(w, s, rows);
            return;
        }

        int batch = rows.Count, h = Units, h3 = 3 * h;
        var hPrev = w.State(0, s, rows);
        var hNext = w.State(0, s + 1, rows);
        var recurrentInput = w.RecurrentInput(s, rows);
        var gh = w.StepGatesOf(rows);
        var gx = w.StepInputGates(s, rows);
        var z = w.Cache(Update, s, rows);
        var r = w.Cache(Reset, s, rows);
        var n = w.Cache(Candidate, s, rows);
        var extra = w.Cache(Extra, s, rows);

        // z, r = σ(gx + h_prev·U_zr); n = tanh(gx_n + (r ⊙ h_prev)·U_n).
        MultiplyRecurrent(w, 0, rows, recurrentInput, h, 0f, gh, h3);
        UpdateAndResetGates(gx, gh, z, r, batch, h);
        for (int i = 0; i < batch * h; i++)
        {
            extra[i] = r[i] * recurrentInput[i];
        }

        MultiplyRecurrent(w, 1, rows, extra, h, 0f, gh[(2 * h)..], h3);
        for (int b = 0; b < batch; b++)
        {
            var gxRow = gx.Slice(b * h3, h3);
            var ghRow = gh.Slice(b * h3, h3);
            for (int j = 0; j < h; j++)
            {
                n[(b * h) + j] = gxRow[(2 * h) + j] + ghRow[(2 * h) + j];
            }
        }

        Activations.Tanh(n, n);

        // h' = z ⊙ h + (1 − z) ⊙ n, written as n + z ⊙ (h − n), as GateMath does.
        for (int i = 0; i < hNext.Length; i++)
        {
            hNext[i] = n[i] + (z[i] * (hPrev[i] - n[i]));
        }
    }

    private protected override bool StepSplitsByUnits => Variant == GruVariant.ResetAfter;

    private protected override void StepForwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, int start, int count, ReadOnlySpan<float> gh, int ghRowStride) =>
        GateMath.GruResetAfterForward(
            rows.Count, Units, start, count, w.StepInputGates(s, rows), gh, ghRowStride, count, _recurrentBias!.Values, w.State(0, s, rows),
            w.Cache(Update, s, rows), w.Cache(Reset, s, rows), w.Cache(Candidate, s, rows), w.Cache(Extra, s, rows), w.State(0, s + 1, rows),
            GateMath.Vectorized);

    private protected override void StepBackwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units) =>
        GateMath.GruResetAfterBackward(
            rows.Count, Units, units.Start, units.Count, w.StateGradient(0, rows), w.State(0, s, rows), w.Cache(Update, s, rows),
            w.Cache(Reset, s, rows), w.Cache(Candidate, s, rows), w.Cache(Extra, s, rows), w.StepInputGateGradients(s, rows),
            w.StepRecurrentGateGradients(s, rows), GateMath.Vectorized);

    internal override void StepBackward(RecurrentWorkspace w, int s, BatchSlice rows)
    {
        if (Variant == GruVariant.ResetAfter)
        {
            // The gate gradients in one pass (GateMath), then dh_prev = dgh · Uᵀ.
            base.StepBackward(w, s, rows);
            return;
        }

        int batch = rows.Count, h = Units, h3 = 3 * h;
        var hPrev = w.State(0, s, rows);
        var recurrentInput = w.RecurrentInput(s, rows);
        var z = w.Cache(Update, s, rows);
        var r = w.Cache(Reset, s, rows);
        var n = w.Cache(Candidate, s, rows);
        var extra = w.Cache(Extra, s, rows);
        var dh = w.StateGradient(0, rows);
        var dRecurrent = w.RecurrentInputGradientOf(rows);
        var dgx = w.StepInputGateGradients(s, rows);
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < h; j++)
            {
                int i = (b * h) + j;
                dgx[(b * h3) + (2 * h) + j] = dh[i] * (1f - z[i]) * (1f - (n[i] * n[i]));
            }
        }

        // d(r ⊙ h_in) = dn_pre · U_nᵀ, then split into the reset gate and the recurrent input.
        var dResetState = w.ScratchOf(rows);
        MultiplyRecurrent(w, 2, rows, dgx[(2 * h)..], h3, 0f, dResetState, h);
        for (int b = 0; b < batch; b++)
        {
            int row = b * h3;
            for (int j = 0; j < h; j++)
            {
                int i = (b * h) + j;
                float g = dh[i];
                dgx[row + j] = g * (hPrev[i] - n[i]) * z[i] * (1f - z[i]);
                dgx[row + h + j] = dResetState[i] * recurrentInput[i] * r[i] * (1f - r[i]);
                dRecurrent[i] = dResetState[i] * r[i];
                dh[i] = g * z[i];
            }
        }

        MultiplyRecurrent(w, 3, rows, dgx, h3, 1f, dRecurrent, h);
    }

    internal override void AccumulateRecurrentKernelGradient(RecurrentWorkspace w, ReadOnlySpan<float> dgh)
    {
        if (Variant == GruVariant.ResetAfter)
        {
            base.AccumulateRecurrentKernelGradient(w, dgh);
            return;
        }

        // U_zr sees the recurrent input; U_n sees r ⊙ (recurrent input), cached per step.
        int rows = w.Steps * w.Batch, h = Units, h3 = 3 * h;
        var dU = _recurrentKernel!.Gradients;
        ParallelGemm.Multiply(true, false, h, 2 * h, rows, 1f, w.AllRecurrentInputs(), h, dgh, h3, 1f, dU, h3);
        ParallelGemm.Multiply(true, false, h, h, rows, 1f, w.Caches[Extra].AsSpan(0, rows * h), h, dgh[(2 * h)..], h3, 1f, dU[(2 * h)..], h3);
    }

    protected override void CreateParameters(int inputSize, SeededRandom random)
    {
        int h3 = 3 * Units;
        _kernel = AddParameter("kernel", inputSize, h3);
        _recurrentKernel = AddParameter("recurrent_kernel", Units, h3);
        _bias = AddParameter("bias", h3);
        _recurrentBias = Variant == GruVariant.ResetAfter ? AddParameter("recurrent_bias", h3) : null;
        InitializeKernels(inputSize, random);
    }

    // z = σ(gx_z + gh_z), r = σ(gx_r + gh_r); gx and gh rows are (3H) with blocks z, r, n.
    private static void UpdateAndResetGates(ReadOnlySpan<float> gx, ReadOnlySpan<float> gh, Span<float> z, Span<float> r, int batch, int h)
    {
        int h3 = 3 * h;
        for (int b = 0; b < batch; b++)
        {
            var gxRow = gx.Slice(b * h3, h3);
            var ghRow = gh.Slice(b * h3, h3);
            var zRow = z.Slice(b * h, h);
            var rRow = r.Slice(b * h, h);
            for (int j = 0; j < h; j++)
            {
                zRow[j] = gxRow[j] + ghRow[j];
                rRow[j] = gxRow[h + j] + ghRow[h + j];
            }
        }

        Activations.Sigmoid(z, z);
        Activations.Sigmoid(r, r);
    }
}
