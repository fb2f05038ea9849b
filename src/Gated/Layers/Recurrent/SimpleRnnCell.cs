using Gated.Kernels;
using Gated.Layers.Recurrent.TimeLoop;

namespace Gated.Layers.Recurrent;

/// <summary>
/// The plain (Elman) recurrent step: h' = act(W x + U h + b), act tanh or ReLU. Every unit reads only its own
/// column, so it runs on any run of units. No caches: the derivative is taken from h' itself.
/// </summary>
internal sealed class SimpleRnnCell(int units, RecurrentWeights weights, bool relu) : IUnitwiseCell
{
    public int GateCount => 1;

    public int StateCount => 1;

    public int CacheCount => 0;

    public RecurrentWeights Weights => weights;

    public RecurrentOperand[] Operands { get; } = [new(0, units, false), new(0, units, true)];

    public bool SeparateRecurrentGateGradients => false;

    // PyTorch's b_hh adds to b_ih.
    public bool RecurrentBiasAddsToInput => true;

    // h' = act(gh + gx) for the units of the rows.
    public void ForwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units, ReadOnlySpan<float> gh, int ghRowStride)
    {
        int h = w.Units;
        var gx = w.StepInputGates(s, rows);
        var next = w.State(0, s + 1, rows);
        for (int b = 0; b < rows.Count; b++)
        {
            var row = next.Slice((b * h) + units.Start, units.Count);
            var x = gx.Slice((b * h) + units.Start, units.Count);
            var u = gh.Slice(b * ghRowStride, units.Count);
            for (int k = 0; k < row.Length; k++)
            {
                row[k] = u[k] + x[k];
            }

            Activate(row);
        }
    }

    // dgx = dh ⊙ act'(pre-activation), from the output y = act(pre); dh ← 0 (h_prev reaches the loss only through U).
    public void BackwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units)
    {
        int h = w.Units;
        var hNext = w.State(0, s + 1, rows);
        var dh = w.StateGradient(0, rows);
        var dgx = w.StepInputGateGradients(s, rows);
        for (int b = 0; b < rows.Count; b++)
        {
            int offset = (b * h) + units.Start;
            var y = hNext.Slice(offset, units.Count);
            var dRow = dh.Slice(offset, units.Count);
            var dPre = dgx.Slice(offset, units.Count);
            for (int k = 0; k < dRow.Length; k++)
            {
                float v = y[k];
                dPre[k] = relu ? (v > 0 ? dRow[k] : 0f) : dRow[k] * (1f - (v * v));
                dRow[k] = 0f;
            }
        }
    }

    private void Activate(Span<float> values)
    {
        if (!relu)
        {
            Activations.Tanh(values, values);
            return;
        }

        for (int k = 0; k < values.Length; k++)
        {
            values[k] = MathF.Max(values[k], 0f);
        }
    }
}
