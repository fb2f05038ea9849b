using Gated.Kernels;
using Gated.Layers.Recurrent.TimeLoop;

namespace Gated.Layers.Recurrent;

/// <summary>
/// The LSTM step (Hochreiter &amp; Schmidhuber), as Keras and PyTorch compute it, gate blocks i, f, g, o:
///     i = σ(W_i x + U_i h + b_i), f = σ(W_f x + U_f h + b_f), o = σ(W_o x + U_o h + b_o)   input, forget, output gates
///     g = tanh(W_g x + U_g h + b_g)                                                          cell candidate
///     c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
/// Every unit reads only its own columns (<see cref="GateMath.LstmForward"/> on any run of units). States h and c;
/// caches per step: i, f, g, o and tanh(c').
/// </summary>
internal sealed class LstmCell(int units, RecurrentWeights weights) : IUnitwiseCell
{
    private const int InputGate = 0, ForgetGate = 1, CellCandidate = 2, OutputGate = 3, CellTanh = 4;
    private const int Hidden = 0, Cell = 1;

    public int GateCount => 4;

    public int StateCount => 2;

    public int CacheCount => 5;

    public RecurrentWeights Weights => weights;

    public RecurrentOperand[] Operands { get; } = [new(0, 4 * units, false), new(0, 4 * units, true)];

    public bool SeparateRecurrentGateGradients => false;

    // PyTorch's b_hh adds to b_ih.
    public bool RecurrentBiasAddsToInput => true;

    public void ForwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units, ReadOnlySpan<float> gh, int ghRowStride)
    {
        var step = Step(w, s, rows, units);
        step.InputGates = w.StepInputGates(s, rows);
        step.RecurrentGates = gh;
        step.RecurrentRowStride = ghRowStride;
        step.RecurrentGateStride = units.Count;
        step.NextCell = w.State(Cell, s + 1, rows);
        step.NextState = w.State(Hidden, s + 1, rows);
        GateMath.LstmForward(step, GateMath.Vectorized);
    }

    public void BackwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units)
    {
        var step = Step(w, s, rows, units);
        step.StateGradient = w.StateGradient(Hidden, rows);
        step.CellGradient = w.StateGradient(Cell, rows);
        step.InputGateGradients = w.StepInputGateGradients(s, rows);
        GateMath.LstmBackward(step, GateMath.Vectorized);
    }

    // What both directions read: the rows and units, c and the caches of step s.
    private static LstmGateSpans Step(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units) => new()
    {
        Rows = rows.Count,
        Units = w.Units,
        Start = units.Start,
        Count = units.Count,
        PreviousCell = w.State(Cell, s, rows),
        InputGate = w.Cache(InputGate, s, rows),
        ForgetGate = w.Cache(ForgetGate, s, rows),
        CellCandidate = w.Cache(CellCandidate, s, rows),
        OutputGate = w.Cache(OutputGate, s, rows),
        CellTanh = w.Cache(CellTanh, s, rows),
    };
}
