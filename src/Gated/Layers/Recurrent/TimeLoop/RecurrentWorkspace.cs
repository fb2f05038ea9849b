using Gated.Kernels;

namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>
/// The buffers of one recurrent run, all time-major (step, batch, ...), kept between Forward and Backward.
/// They grow when a larger batch or sequence arrives and are reused otherwise; a streaming run owns its own.
/// </summary>
internal sealed class RecurrentWorkspace
{
    public int Batch { get; private set; }

    public int Steps { get; private set; }

    public int InputSize { get; private set; }

    public int Units { get; private set; }

    /// <summary>G·H: the width of the stacked gate pre-activations.</summary>
    public int GateWidth { get; private set; }

    /// <summary>x (after input dropout) as (T, B, I), in processing order.</summary>
    public float[] Inputs { get; private set; } = [];

    /// <summary>x·kernel + bias for every step, (T, B, G·H).</summary>
    public float[] InputGates { get; private set; } = [];

    /// <summary>The current step's recurrent pre-activations, (B, G·H).</summary>
    public float[] StepGates { get; private set; } = [];

    /// <summary>Per state kind (h; h and c): states before and after every step, (T+1, B, H).</summary>
    public float[][] States { get; private set; } = [];

    /// <summary>h_prev ⊙ recurrent-dropout mask for every step, (T, B, H); used only with recurrent dropout.</summary>
    public float[] DroppedStates { get; private set; } = [];

    public bool HasRecurrentDropout { get; set; }

    /// <summary>
    /// Outputs in processing order, (T, B, H), zero at padded steps; written only when the batch has padding
    /// (otherwise the outputs are the states h_1..h_T and are read there).
    /// </summary>
    public float[] Outputs { get; private set; } = [];

    /// <summary>1 for a real step, 0 for padding, (T, B); null when every step is real.</summary>
    public float[]? Valid { get; set; }

    /// <summary>Cell-specific per-step values the backward pass needs (gates, candidates), (T, B, H) each.</summary>
    public float[][] Caches { get; private set; } = [];

    public float[] InputDropoutMask { get; private set; } = [];

    public float[] RecurrentDropoutMask { get; private set; } = [];

    public bool HasInputDropout { get; set; }

    /// <summary>dLoss/d(pre-activation) of the input projection and of the recurrent projection, (T, B, G·H).</summary>
    public float[] InputGateGradients { get; private set; } = [];

    public float[] RecurrentGateGradients { get; private set; } = [];

    /// <summary>Per state kind: the running gradient of the state, (B, H).</summary>
    public float[][] StateGradients { get; private set; } = [];

    /// <summary>Per state kind: gradients of padded rows held aside while the cell runs a step back, (B, H).</summary>
    public float[][] HeldGradients { get; private set; } = [];

    /// <summary>
    /// Output gradients of padded steps not yet passed on, (B, H): with zero_output_for_mask false a padded step repeats
    /// the previous output, so its gradient belongs to the last real step before it.
    /// </summary>
    public float[] CarriedOutputGradients { get; private set; } = [];

    /// <summary>dLoss/d(recurrent input) of the current step, (B, H).</summary>
    public float[] RecurrentInputGradient { get; private set; } = [];

    /// <summary>Scratch space for a step, (B, H).</summary>
    public float[] Scratch { get; private set; } = [];

    public float[] OutputGradients { get; private set; } = [];

    public float[] InputGradients { get; private set; } = [];

    /// <summary>The cell's recurrent-kernel operands, packed once per Forward or Backward (see <see cref="RecurrentOperand"/>).</summary>
    public PackedMatrix[] Packed { get; private set; } = [];

    /// <summary>True while <see cref="Packed"/> holds the current phase's operands; false runs the products on the unpacked kernel.</summary>
    public bool UsePacked { get; set; }

    private UnitOperands[] _unitOperands = [];

    /// <summary>
    /// The packed recurrent-kernel operands of part `part` of a split by units (part 0 also serves the whole forward
    /// product of a batch split, whose gate columns are interleaved the same way); see <see cref="EnsureUnitParts"/>.
    /// </summary>
    public UnitOperands UnitPart(int part) => _unitOperands[part];

    /// <summary>Makes room for this many parts; called before the parts' threads start, which then only read the array.</summary>
    public void EnsureUnitParts(int parts)
    {
        if (_unitOperands.Length >= parts)
        {
            return;
        }

        var grown = new UnitOperands[parts];
        _unitOperands.CopyTo(grown, 0);
        for (int i = _unitOperands.Length; i < parts; i++)
        {
            grown[i] = new UnitOperands();
        }

        _unitOperands = grown;
    }

    /// <summary>One part's operands: its units' columns of every gate of U, gathered and packed (forward), and its units' rows of U, transposed (backward).</summary>
    internal sealed class UnitOperands
    {
        private float[] _gathered = [];

        public PackedMatrix Forward { get; } = new();

        public PackedMatrix Backward { get; } = new();

        /// <summary>A buffer of at least `length` floats to gather the forward columns in before packing.</summary>
        public float[] Gathered(int length) => _gathered = Ensure(_gathered, length);
    }

    public bool HadInitialStates { get; set; }

    /// <summary>bias + recurrent_bias, (G·H), when the cell adds both to the input projection.</summary>
    public float[] CombinedBias { get; private set; } = [];

    /// <summary>A stream's units per part when its steps split by units (a field: the step passes it by reference).</summary>
    public int StreamUnitChunk;

    /// <summary>A stream's body for its parts, created at its first split step.</summary>
    public Action<int>? StreamUnits { get; set; }

    public bool Trained { get; set; }

    public void Prepare(int batch, int steps, int inputSize, int units, int gates, int stateCount, int cacheCount, int operandCount, bool training)
    {
        if (Packed.Length != operandCount)
        {
            Packed = new PackedMatrix[operandCount];
            for (int i = 0; i < operandCount; i++)
            {
                Packed[i] = new PackedMatrix();
            }
        }

        Batch = batch;
        Steps = steps;
        InputSize = inputSize;
        Units = units;
        GateWidth = gates * units;
        int block = batch * units;
        int sequence = steps * block;
        Inputs = Ensure(Inputs, steps * batch * inputSize);
        InputGates = Ensure(InputGates, steps * batch * GateWidth);
        StepGates = Ensure(StepGates, batch * GateWidth);
        States = EnsureAll(States, stateCount, (steps + 1) * block);
        Outputs = Ensure(Outputs, sequence);
        Caches = EnsureAll(Caches, cacheCount, sequence);
        InputDropoutMask = Ensure(InputDropoutMask, batch * inputSize);
        RecurrentDropoutMask = Ensure(RecurrentDropoutMask, block);
        StateGradients = EnsureAll(StateGradients, stateCount, block);
        HeldGradients = EnsureAll(HeldGradients, stateCount, block);
        RecurrentInputGradient = Ensure(RecurrentInputGradient, block);
        CarriedOutputGradients = Ensure(CarriedOutputGradients, block);
        Scratch = Ensure(Scratch, block);
        CombinedBias = Ensure(CombinedBias, GateWidth);
        if (training)
        {
            InputGateGradients = Ensure(InputGateGradients, steps * batch * GateWidth);
            RecurrentGateGradients = Ensure(RecurrentGateGradients, steps * batch * GateWidth);
            OutputGradients = Ensure(OutputGradients, sequence);
            InputGradients = Ensure(InputGradients, steps * batch * inputSize);
        }
    }

    public void EnsureDroppedStates() => DroppedStates = Ensure(DroppedStates, Steps * Batch * Units);

    /// <summary>State kind k before step s (s = 0 is the initial state), (B, H).</summary>
    public Span<float> State(int k, int s) => States[k].AsSpan(s * Batch * Units, Batch * Units);

    /// <summary>All steps' recurrent inputs as one (T·B, H) matrix, for the weight-gradient GEMM.</summary>
    public ReadOnlySpan<float> AllRecurrentInputs() =>
        HasRecurrentDropout ? DroppedStates.AsSpan(0, Steps * Batch * Units) : States[0].AsSpan(0, Steps * Batch * Units);

    public Span<float> Cache(int k, int s) => Caches[k].AsSpan(s * Batch * Units, Batch * Units);

    /// <summary>State kind k before step s, the rows of one slice.</summary>
    public Span<float> State(int k, int s, BatchSlice rows) => States[k].AsSpan(Offset(s, rows, Units), rows.Count * Units);

    /// <summary>What multiplies the recurrent kernel at step s: h_prev, or h_prev ⊙ mask with recurrent dropout.</summary>
    public Span<float> RecurrentInput(int s, BatchSlice rows) =>
        HasRecurrentDropout ? DroppedStates.AsSpan(Offset(s, rows, Units), rows.Count * Units) : State(0, s, rows);

    public Span<float> Cache(int k, int s, BatchSlice rows) => Caches[k].AsSpan(Offset(s, rows, Units), rows.Count * Units);

    public Span<float> Output(int s, BatchSlice rows) => Outputs.AsSpan(Offset(s, rows, Units), rows.Count * Units);

    public Span<float> StepInputGates(int s, BatchSlice rows) => InputGates.AsSpan(Offset(s, rows, GateWidth), rows.Count * GateWidth);

    public Span<float> StepInputGateGradients(int s, BatchSlice rows) => InputGateGradients.AsSpan(Offset(s, rows, GateWidth), rows.Count * GateWidth);

    public Span<float> StepRecurrentGateGradients(int s, BatchSlice rows) => RecurrentGateGradients.AsSpan(Offset(s, rows, GateWidth), rows.Count * GateWidth);

    /// <summary>The slice's rows of the one-step scratch for recurrent pre-activations, (rows, G·H).</summary>
    public Span<float> StepGatesOf(BatchSlice rows) => StepGates.AsSpan(rows.Start * GateWidth, rows.Count * GateWidth);

    public Span<float> StateGradient(int k, BatchSlice rows) => StateGradients[k].AsSpan(rows.Start * Units, rows.Count * Units);

    public Span<float> HeldGradient(int k, BatchSlice rows) => HeldGradients[k].AsSpan(rows.Start * Units, rows.Count * Units);

    public Span<float> CarriedOutputGradientOf(BatchSlice rows) => CarriedOutputGradients.AsSpan(rows.Start * Units, rows.Count * Units);

    public Span<float> RecurrentInputGradientOf(BatchSlice rows) => RecurrentInputGradient.AsSpan(rows.Start * Units, rows.Count * Units);

    public Span<float> ScratchOf(BatchSlice rows) => Scratch.AsSpan(rows.Start * Units, rows.Count * Units);

    public Span<float> RecurrentDropoutMaskOf(BatchSlice rows) => RecurrentDropoutMask.AsSpan(rows.Start * Units, rows.Count * Units);

    // Where a slice's rows start in a time-major (T, B, width) buffer at step s.
    private int Offset(int s, BatchSlice rows, int width) => ((s * Batch) + rows.Start) * width;

    private static float[] Ensure(float[] buffer, int length) => buffer.Length >= length ? buffer : new float[length];

    private static float[][] EnsureAll(float[][] buffers, int count, int length)
    {
        if (buffers.Length != count)
        {
            buffers = new float[count][];
            for (int i = 0; i < count; i++)
            {
                buffers[i] = [];
            }
        }

        for (int i = 0; i < count; i++)
        {
            buffers[i] = Ensure(buffers[i], length);
        }

        return buffers;
    }
}
