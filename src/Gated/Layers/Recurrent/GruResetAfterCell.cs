using Gated.Kernels;
using Gated.Layers.Recurrent.TimeLoop;

namespace Gated.Layers.Recurrent;

/// <summary>
/// The GRU step, reset after (PyTorch, cuDNN, Keras reset_after=True, ONNX linear_before_reset=1):
///     z = σ(W_z x + b_iz + U_z h + b_hz)            update gate
///     r = σ(W_r x + b_ir + U_r h + b_hr)            reset gate
///     n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn))   candidate: the reset gate scales the recurrent product
///     h' = z ⊙ h + (1 − z) ⊙ n                      previous and candidate state mixed by the update gate
/// The loop supplies gx = W x + b_i and gh = U h; every unit reads only its own columns, so the gate math runs on
/// any run of units (<see cref="GateMath.GruResetAfterForward"/>, h' computed as n + z ⊙ (h − n)).
/// Caches per step: z, r, n and U_n h + b_hn.
/// </summary>
internal sealed class GruResetAfterCell(int units, RecurrentWeights weights) : IUnitwiseCell
{
    private const int Update = 0, Reset = 1, Candidate = 2, RecurrentCandidate = 3;

    public int GateCount => 3;

    public int StateCount => 1;

    public int CacheCount => 4;

    public RecurrentWeights Weights => weights;

    // All of U each way: h·U forward, dgates·Uᵀ backward.
    public RecurrentOperand[] Operands { get; } = [new(0, 3 * units, false), new(0, 3 * units, true)];

    // dgh's n block is dgx's scaled by r.
    public bool SeparateRecurrentGateGradients => true;

    // b_hn sits inside r ⊙ (…), so the recurrent bias goes into the gate math instead.
    public bool RecurrentBiasAddsToInput => false;

    public void ForwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units, ReadOnlySpan<float> gh, int ghRowStride)
    {
        var step = Step(w, s, rows, units);
        step.InputGates = w.StepInputGates(s, rows);
        step.RecurrentGates = gh;
        step.RecurrentRowStride = ghRowStride;
        step.RecurrentGateStride = units.Count;
        step.RecurrentBias = weights.RecurrentBias!.Values;
        step.NextState = w.State(0, s + 1, rows);
        GateMath.GruResetAfterForward(step, GateMath.Vectorized);
    }

    public void BackwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units)
    {
        var step = Step(w, s, rows, units);
        step.StateGradient = w.StateGradient(0, rows);
        step.InputGateGradients = w.StepInputGateGradients(s, rows);
        step.RecurrentGateGradients = w.StepRecurrentGateGradients(s, rows);
        GateMath.GruResetAfterBackward(step, GateMath.Vectorized);
    }

    // What both directions read: the rows and units, h and the caches of step s.
    private static GruGateSpans Step(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units) => new()
    {
        Rows = rows.Count,
        Units = w.Units,
        Start = units.Start,
        Count = units.Count,
        PreviousState = w.State(0, s, rows),
        Update = w.Cache(Update, s, rows),
        Reset = w.Cache(Reset, s, rows),
        Candidate = w.Cache(Candidate, s, rows),
        RecurrentCandidate = w.Cache(RecurrentCandidate, s, rows),
    };
}
