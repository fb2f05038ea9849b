using Gated.Layers;
using Gated.Layers.Recurrent.TimeLoop;
using Gated.Randomness;
using Xunit;

namespace Gated.Tests.Layers.Recurrent.TimeLoop;

/// <summary>
/// The time loop with a linear test cell, h' = x·W + h·U + b (no activation), whose states and gradients can be
/// worked out by hand: forward in both directions, backpropagation through time, and a double-precision
/// recurrence on shapes that take the packed (more than four rows) and the in-place products.
/// </summary>
public class RecurrentTimeLoopTests
{
    // B = 2, T = 3, I = 1, H = 1 with W = 2, U = 0.5, b = 1: b0 reads [1, 0, -1], b1 reads [0.5, 2, 0].
    private static readonly float[] TinyInput = [1, 0, -1, 0.5f, 2, 0];

    [Fact]
    public void ForwardStatesMatchAHandComputation()
    {
        var (loop, _) = TinyLoop(goBackwards: false, returnSequences: true, training: false);

        loop.Forward(TinyInput);

        // b0: 2·1 + 1 = 3; 0.5·3 + 0 + 1 = 2.5; 0.5·2.5 − 2 + 1 = 0.25.  b1: 1 + 1 = 2; 1 + 4 + 1 = 6; 3 + 0 + 1 = 4.
        var output = new float[6];
        loop.CopySequenceOutputs(output);
        Assert.Equal([3f, 2.5f, 0.25f, 2f, 6f, 4f], output);

        // The states, time-major (T+1, B, H), start from zeros.
        Assert.Equal([0f, 0f, 3f, 2f, 2.5f, 6f, 0.25f, 4f], loop.Work.States[0].AsSpan(0, 8).ToArray());
    }

    [Fact]
    public void GoingBackwardsReadsTheSequenceFromItsEnd()
    {
        var (loop, _) = TinyLoop(goBackwards: true, returnSequences: true, training: false);

        loop.Forward(TinyInput);

        // b0 reads [-1, 0, 1]: −2 + 1 = −1; −0.5 + 1 = 0.5; 0.25 + 2 + 1 = 3.25.
        // b1 reads [0, 2, 0.5]: 1; 0.5 + 4 + 1 = 5.5; 2.75 + 1 + 1 = 4.75. Outputs stay in processing order.
        var output = new float[6];
        loop.CopySequenceOutputs(output);
        Assert.Equal([-1f, 0.5f, 3.25f, 1f, 5.5f, 4.75f], output);
    }

    [Fact]
    public void BackwardGivesTheHandComputedGradientsOfTheLastState()
    {
        var (loop, cell) = TinyLoop(goBackwards: false, returnSequences: false, training: true);
        loop.Forward(TinyInput);

        // Loss = h_3 summed over the batch. h_3 = U³h_0 + W(U²x_1 + U x_2 + x_3) + b(U² + U + 1), so dpre_t = U^(3−t).
        var dx = new float[6];
        loop.Backward([1f, 1f], dx);

        // dx_t = W·U^(3−t) = 0.5, 1, 2 in both rows.
        Assert.Equal([0.5f, 1f, 2f, 0.5f, 1f, 2f], dx);
        // dW = Σ U^(3−t) x_t: b0 0.25 + 0 − 1 = −0.75, b1 0.125 + 1 + 0 = 1.125.
        Assert.Equal([0.375f], cell.Weights.Kernel.Gradients.ToArray());
        // dU = Σ dpre_t · h_(t−1): b0 2.5 + 0.5·3 + 0 = 4, b1 6 + 0.5·2 + 0 = 7.
        Assert.Equal([11f], cell.Weights.RecurrentKernel.Gradients.ToArray());
        // db = Σ dpre_t = 1.75 per row.
        Assert.Equal([3.5f], cell.Weights.Bias.Gradients.ToArray());
        // The initial states' gradient U³ is left in the state gradients.
        Assert.Equal([0.125f, 0.125f], loop.Work.StateGradients[0].AsSpan(0, 2).ToArray());
    }

    [Theory]
    [InlineData(2, 3, false)]
    [InlineData(6, 3, false)]
    [InlineData(6, 20, true)]
    [InlineData(9, 37, false)]
    public void ForwardMatchesADoubleRecurrence(int batch, int units, bool goBackwards)
    {
        const int steps = 4, inputs = 3;
        var random = new SeededRandom((ulong)((batch * 100) + units));
        var cell = new LinearCell(inputs, units);
        Fill(cell.Weights.Kernel.Values, random);
        Fill(cell.Weights.RecurrentKernel.Values, random);
        Fill(cell.Weights.Bias.Values, random);
        var x = new float[batch * steps * inputs];
        Fill(x, random);

        var loop = new RecurrentTimeLoop(cell, units, goBackwards, returnSequences: true);
        var w = loop.Prepare(loop.Work, batch, steps, inputs, training: false);
        Fill(w.State(0, 0), random);
        var h0 = w.State(0, 0).ToArray();
        loop.Forward(x);
        var output = new float[batch * steps * units];
        loop.CopySequenceOutputs(output);

        float[] kernel = cell.Weights.Kernel.Values.ToArray(), recurrent = cell.Weights.RecurrentKernel.Values.ToArray(), bias = cell.Weights.Bias.Values.ToArray();
        for (int b = 0; b < batch; b++)
        {
            var h = h0.AsSpan(b * units, units).ToArray().Select(v => (double)v).ToArray();
            for (int s = 0; s < steps; s++)
            {
                int t = goBackwards ? steps - 1 - s : s;
                var next = new double[units];
                for (int j = 0; j < units; j++)
                {
                    double sum = bias[j];
                    for (int i = 0; i < inputs; i++)
                    {
                        sum += (double)x[(((b * steps) + t) * inputs) + i] * kernel[(i * units) + j];
                    }

                    for (int k = 0; k < units; k++)
                    {
                        sum += h[k] * recurrent[(k * units) + j];
                    }

                    next[j] = sum;
                }

                h = next;
                for (int j = 0; j < units; j++)
                {
                    float actual = output[(((b * steps) + s) * units) + j];
                    Assert.True(Math.Abs(actual - h[j]) <= 1e-5 * Math.Max(1, Math.Abs(h[j])), $"B {batch}, H {units}, row {b}, step {s}, unit {j}: {actual} vs {h[j]}");
                }
            }
        }
    }

    private static (RecurrentTimeLoop Loop, LinearCell Cell) TinyLoop(bool goBackwards, bool returnSequences, bool training)
    {
        var cell = new LinearCell(inputs: 1, units: 1);
        cell.Weights.Kernel.Values[0] = 2f;
        cell.Weights.RecurrentKernel.Values[0] = 0.5f;
        cell.Weights.Bias.Values[0] = 1f;
        var loop = new RecurrentTimeLoop(cell, 1, goBackwards, returnSequences);
        loop.Prepare(loop.Work, batch: 2, steps: 3, inputSize: 1, training);
        return (loop, cell);
    }

    private static void Fill(Span<float> values, SeededRandom random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextUniform(-0.5f, 0.5f);
        }
    }

    // h' = gx + gh: a SimpleRnnCell without its activation, so every number above can be checked by hand.
    private sealed class LinearCell(int inputs, int units) : IUnitwiseCell
    {
        public int GateCount => 1;

        public int StateCount => 1;

        public int CacheCount => 0;

        public RecurrentWeights Weights { get; } = new(
            new Parameter("kernel", [inputs, units]), new Parameter("recurrent_kernel", [units, units]), new Parameter("bias", [units]), null);

        public RecurrentOperand[] Operands { get; } = [new(0, units, false), new(0, units, true)];

        public bool SeparateRecurrentGateGradients => false;

        public bool RecurrentBiasAddsToInput => true;

        public void ForwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units, ReadOnlySpan<float> gh, int ghRowStride)
        {
            int h = w.Units;
            var gx = w.StepInputGates(s, rows);
            var next = w.State(0, s + 1, rows);
            for (int b = 0; b < rows.Count; b++)
            {
                for (int k = 0; k < units.Count; k++)
                {
                    next[(b * h) + units.Start + k] = gx[(b * h) + units.Start + k] + gh[(b * ghRowStride) + k];
                }
            }
        }

        // dpre = dh; dh ← 0, since h_prev reaches the loss only through U (the loop adds dpre·Uᵀ).
        public void BackwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units)
        {
            int h = w.Units;
            var dh = w.StateGradient(0, rows);
            var dgx = w.StepInputGateGradients(s, rows);
            for (int b = 0; b < rows.Count; b++)
            {
                for (int k = 0; k < units.Count; k++)
                {
                    int i = (b * h) + units.Start + k;
                    dgx[i] = dh[i];
                    dh[i] = 0f;
                }
            }
        }
    }
}
