using Gated.Layers.Recurrent.TimeLoop;
using Xunit;

namespace Gated.Tests.Layers.Recurrent.TimeLoop;

/// <summary>
/// RecurrentWorkspace: Prepare sizes every buffer for (T, B, ...) and reuses them for smaller runs; the per-step,
/// per-slice views land at ((s·B) + row)·width in the time-major buffers.
/// </summary>
public class RecurrentWorkspaceTests
{
    [Fact]
    public void PrepareSizesTheBuffers()
    {
        var w = new RecurrentWorkspace();
        w.Prepare(batch: 3, steps: 4, inputSize: 5, units: 2, gates: 3, stateCount: 2, cacheCount: 1, operandCount: 2, training: true);

        Assert.Equal(6, w.GateWidth);
        Assert.Equal(4 * 3 * 5, w.Inputs.Length);
        Assert.Equal(4 * 3 * 6, w.InputGates.Length);
        Assert.Equal(3 * 6, w.StepGates.Length);
        Assert.Equal(2, w.States.Length);
        Assert.All(w.States, s => Assert.Equal(5 * 3 * 2, s.Length));
        Assert.Single(w.Caches);
        Assert.Equal(4 * 3 * 2, w.Caches[0].Length);
        Assert.Equal(2, w.Packed.Length);
        Assert.Equal(4 * 3 * 6, w.InputGateGradients.Length);
        Assert.Equal(4 * 3 * 5, w.InputGradients.Length);
    }

    [Fact]
    public void ASmallerRunReusesTheBuffersAndALargerOneGrowsThem()
    {
        var w = new RecurrentWorkspace();
        w.Prepare(batch: 4, steps: 5, inputSize: 3, units: 2, gates: 1, stateCount: 1, cacheCount: 0, operandCount: 2, training: false);
        float[] inputs = w.Inputs, states = w.States[0];
        Assert.Empty(w.InputGateGradients);

        w.Prepare(batch: 2, steps: 3, inputSize: 3, units: 2, gates: 1, stateCount: 1, cacheCount: 0, operandCount: 2, training: false);
        Assert.Same(inputs, w.Inputs);
        Assert.Same(states, w.States[0]);
        Assert.Equal(2, w.Batch);
        Assert.Equal(3, w.Steps);

        w.Prepare(batch: 8, steps: 5, inputSize: 3, units: 2, gates: 1, stateCount: 1, cacheCount: 0, operandCount: 2, training: false);
        Assert.NotSame(inputs, w.Inputs);
        Assert.Equal(5 * 8 * 3, w.Inputs.Length);
        Assert.Equal(6 * 8 * 2, w.States[0].Length);
    }

    [Fact]
    public void SliceViewsLandAtTheirTimeMajorOffsets()
    {
        var w = new RecurrentWorkspace();
        w.Prepare(batch: 3, steps: 4, inputSize: 5, units: 2, gates: 3, stateCount: 2, cacheCount: 1, operandCount: 2, training: true);
        var rows = new BatchSlice(1, 2);

        // State 1 before step 2, rows 1..2: offset ((2·3) + 1)·2 = 14, length 2·2.
        w.State(1, 2, rows).Fill(7f);
        Assert.Equal(Enumerable.Range(0, w.States[1].Length).Select(i => i is >= 14 and < 18 ? 7f : 0f), w.States[1]);

        // Step 3's input gates, rows 1..2: offset ((3·3) + 1)·6 = 60, length 2·6 (the end of the buffer).
        w.StepInputGates(3, rows).Fill(1f);
        Assert.Equal(12, w.InputGates.Count(v => v == 1f));
        Assert.Equal(1f, w.InputGates[60]);
        Assert.Equal(0f, w.InputGates[59]);

        // The one-step (B, ...) buffers are offset by the row only.
        w.StateGradient(0, rows).Fill(3f);
        Assert.Equal([0f, 0f, 3f, 3f, 3f, 3f], w.StateGradients[0]);
        w.StepGatesOf(rows).Fill(2f);
        Assert.Equal(Enumerable.Repeat(0f, 6).Concat(Enumerable.Repeat(2f, 12)), w.StepGates);

        // A whole step: state 0 before step 2 is values [12, 18) of (T+1, B, H).
        w.State(0, 2).Fill(5f);
        Assert.Equal(Enumerable.Range(0, w.States[0].Length).Select(i => i is >= 12 and < 18 ? 5f : 0f), w.States[0]);
    }
}
