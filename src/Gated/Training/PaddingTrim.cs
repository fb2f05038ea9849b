using Gated.Tensors;

namespace Gated.Training;

/// <summary>
/// Cuts a batch's trailing padding, as PyTorch users do in a collate function: per group (a variable-length input
/// and the targets of the outputs whose length follows it), the steps after the last one where any sample of the
/// input or of those targets is not 0. The model checks that this changes nothing before it trims (the padding is
/// masked and the losses ignore class 0), so a trimmed step costs what its real tokens cost, not the longest
/// sequence's. Cut batches live in buffers kept per length, so steady-state steps allocate nothing.
/// </summary>
internal sealed class PaddingTrim
{
    private readonly int[] _inputs;
    private readonly int[][] _targets;
    private readonly Dictionary<(bool Target, int Index, int Samples, int Steps), Tensor> _buffers = [];

    /// <summary>Groups: inputs[g] (an input index) and targets[g] (target indices that share its time axis).</summary>
    public PaddingTrim(int[] inputs, int[][] targets)
    {
        _inputs = inputs;
        _targets = targets;
    }

    /// <summary>Replaces each grouped tensor of x and y (samples, time, …) by its first steps, the longest real sequence of its group.</summary>
    public void Apply(Tensor[] x, Tensor[] y)
    {
        for (int g = 0; g < _inputs.Length; g++)
        {
            int steps = RealSteps(x[_inputs[g]]);
            foreach (int k in _targets[g])
            {
                steps = Math.Max(steps, RealSteps(y[k]));
            }

            steps = Math.Max(steps, 1);
            x[_inputs[g]] = Cut(x[_inputs[g]], steps, false, _inputs[g]);
            foreach (int k in _targets[g])
            {
                y[k] = Cut(y[k], steps, true, k);
            }
        }
    }

    // 1 + the last step (axis 1) where any sample has a value other than 0; 0 when all are 0.
    private static int RealSteps(Tensor t)
    {
        int samples = t.Shape[0], steps = t.Shape[1], width = t.Length / Math.Max(1, samples * steps);
        var data = t.Data.AsSpan();
        int real = 0;
        for (int b = 0; b < samples && real < steps; b++)
        {
            var row = data.Slice(b * steps * width, steps * width);
            int last = row.LastIndexOfAnyExcept(0f);
            if (last >= 0)
            {
                real = Math.Max(real, (last / width) + 1);
            }
        }

        return real;
    }

    private Tensor Cut(Tensor t, int steps, bool target, int index)
    {
        int samples = t.Shape[0], full = t.Shape[1];
        if (steps >= full)
        {
            return t;
        }

        if (!_buffers.TryGetValue((target, index, samples, steps), out var cut))
        {
            int[] shape = (int[])t.Shape.Clone();
            shape[1] = steps;
            cut = _buffers[(target, index, samples, steps)] = new Tensor(shape);
        }

        int width = t.Length / (samples * full);
        for (int b = 0; b < samples; b++)
        {
            t.Data.AsSpan(b * full * width, steps * width).CopyTo(cut.Data.AsSpan(b * steps * width, steps * width));
        }

        return cut;
    }
}
