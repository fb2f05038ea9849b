using Gated.Kernels;
using Gated.Layers.Recurrent.TimeLoop;

namespace Gated.Layers.Recurrent;

/// <summary>
/// The GRU step, reset before (Cho et al. 2014, Keras reset_after=False, ONNX linear_before_reset=0):
///     z = σ(W_z x + U_z h + b_z)                    update gate
///     r = σ(W_r x + U_r h + b_r)                    reset gate
///     n = tanh(W_n x + U_n (r ⊙ h) + b_n)           candidate: the reset gate scales the state before U_n
///     h' = z ⊙ h + (1 − z) ⊙ n                      previous and candidate state mixed by the update gate
/// One bias per gate. U_n multiplies r ⊙ h, which needs h·U_r first, so a step takes two products with U and the
/// gate math between them: the loop hands it whole rows (<see cref="ICoupledCell"/>).
/// Caches per step: z, r, n and r ⊙ h (the left side of U_n's product, and of its weight gradient).
/// </summary>
internal sealed class GruResetBeforeCell(int units, RecurrentWeights weights) : ICoupledCell
{
    private const int Update = 0, Reset = 1, Candidate = 2, ResetState = 3;

    // Operand indices: U_zr and U_n forward, then U_n and U_zr backward.
    private const int ForwardUpdateReset = 0, ForwardCandidate = 1, BackwardCandidate = 2, BackwardUpdateReset = 3;

    public int GateCount => 3;

    public int StateCount => 1;

    public int CacheCount => 4;

    public RecurrentWeights Weights => weights;

    public RecurrentOperand[] Operands { get; } =
    [
        new(0, 2 * units, false),
        new(2 * units, units, false, ResetState),
        new(2 * units, units, true),
        new(0, 2 * units, true),
    ];

    public bool SeparateRecurrentGateGradients => false;

    // One bias per gate: there is no recurrent bias.
    public bool RecurrentBiasAddsToInput => false;

    public void Forward(RecurrentWorkspace w, int s, BatchSlice rows, RecurrentProducts products)
    {
        int batch = rows.Count, h = units, h3 = 3 * h;
        var hPrev = w.State(0, s, rows);
        var hNext = w.State(0, s + 1, rows);
        var recurrentInput = w.RecurrentInput(s, rows);
        var gh = w.StepGatesOf(rows);
        var gx = w.StepInputGates(s, rows);
        var z = w.Cache(Update, s, rows);
        var r = w.Cache(Reset, s, rows);
        var n = w.Cache(Candidate, s, rows);
        var resetState = w.Cache(ResetState, s, rows);

        // z, r = σ(gx + h_prev·U_zr); n = tanh(gx_n + (r ⊙ h_prev)·U_n).
        products.Multiply(ForwardUpdateReset, rows, recurrentInput, h, 0f, gh, h3);
        UpdateAndResetGates(gx, gh, z, r, batch, h);
        for (int i = 0; i < batch * h; i++)
        {
            resetState[i] = r[i] * recurrentInput[i];
        }

        products.Multiply(ForwardCandidate, rows, resetState, h, 0f, gh[(2 * h)..], h3);
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

        // h' = z ⊙ h + (1 − z) ⊙ n, written as n + z ⊙ (h − n), as the reset-after pass does.
        for (int i = 0; i < hNext.Length; i++)
        {
            hNext[i] = n[i] + (z[i] * (hPrev[i] - n[i]));
        }
    }

    public void Backward(RecurrentWorkspace w, int s, BatchSlice rows, RecurrentProducts products)
    {
        int batch = rows.Count, h = units, h3 = 3 * h;
        var hPrev = w.State(0, s, rows);
        var recurrentInput = w.RecurrentInput(s, rows);
        var z = w.Cache(Update, s, rows);
        var r = w.Cache(Reset, s, rows);
        var n = w.Cache(Candidate, s, rows);
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
        products.Multiply(BackwardCandidate, rows, dgx[(2 * h)..], h3, 0f, dResetState, h);
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

        products.Multiply(BackwardUpdateReset, rows, dgx, h3, 1f, dRecurrent, h);
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
