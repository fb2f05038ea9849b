using Gated.Kernels;
using Gated.Threading;

namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>
/// Runs a cell over a sequence, forward and back (backpropagation through time), written once for every cell.
/// Forward: x (B, T, I) → (T, B, I) in processing order, the input projection for all steps as one GEMM
/// (T·B, I) · W (I, G·H), then the steps, each a product h·U (B, H) · (H, G·H) and the cell's gate math. Backward
/// mirrors it, then takes the weight gradients as GEMMs over all steps. Steps run split by batch rows (each
/// slice of the batch on its own thread from the first step to the last) or, for large H, split by units
/// (RecurrentTimeLoop.UnitSplit.cs). The layer around it owns the options, states, masks and dropout masks and
/// puts them in the workspace before a run.
/// </summary>
internal sealed partial class RecurrentTimeLoop
{
    // Below this many multiply-adds per step and slice, a second thread costs more than it saves.
    private const int MinimumSliceWork = 8192;

    private readonly IRecurrentCell _cell;
    private readonly IUnitwiseCell? _unitwise;
    private readonly ICoupledCell? _coupled;
    private readonly bool _goBackwards;
    private readonly bool _returnSequences;
    private readonly bool _zeroOutputForMask;
    private readonly Action<int> _forwardSlice;
    private readonly Action<int> _backwardSlice;
    private int _sliceCount = 1;

    /// <summary>
    /// A loop for `cell` with H = units, reading the sequence from its end when goBackwards. A padded step outputs
    /// zeros when zeroOutputForMask, else the previous step's output (Keras's zero_output_for_mask).
    /// </summary>
    public RecurrentTimeLoop(IRecurrentCell cell, int units, bool goBackwards, bool returnSequences, bool zeroOutputForMask = true)
    {
        _cell = cell;
        _unitwise = cell as IUnitwiseCell;
        _coupled = cell as ICoupledCell;
        if ((_unitwise is null) == (_coupled is null))
        {
            throw new ArgumentException("A cell is either unitwise or coupled.", nameof(cell));
        }

        Units = units;
        _goBackwards = goBackwards;
        _returnSequences = returnSequences;
        _zeroOutputForMask = zeroOutputForMask;
        _forwardSlice = RunForwardSlice;
        _backwardSlice = RunBackwardSlice;
        _forwardUnits = RunForwardUnits;
        _backwardUnits = RunBackwardUnits;
    }

    /// <summary>H.</summary>
    public int Units { get; }

    /// <summary>The buffers of the layer's Forward and Backward (a stream has its own).</summary>
    public RecurrentWorkspace Work { get; } = new();

    /// <summary>The cell's parameters.</summary>
    public RecurrentWeights Weights => _cell.Weights;

    /// <summary>The cell's products with the recurrent kernel.</summary>
    public RecurrentOperand[] Operands => _cell.Operands;

    /// <summary>Sizes a workspace for a run of `batch` sequences of `steps` steps of `inputSize` features.</summary>
    public RecurrentWorkspace Prepare(RecurrentWorkspace w, int batch, int steps, int inputSize, bool training)
    {
        w.Prepare(batch, steps, inputSize, Units, _cell.GateCount, _cell.StateCount, _cell.CacheCount, _cell.Operands.Length, training);
        return w;
    }

    /// <summary>
    /// The forward time loop over x (B, T, I), with the initial states, validity and dropout masks already in
    /// <see cref="Work"/>: leaves the states of every step (and the caches) there.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input)
    {
        var w = Work;
        int batch = w.Batch, steps = w.Steps, inputSize = w.InputSize;
        // x (B,T,I) → (T,B,I) in processing order, times the input-dropout mask of each sequence.
        TimeMajor.FromBatchMajor(input, w.Inputs, batch, steps, inputSize, _goBackwards);
        if (w.Valid is float[] validSteps)
        {
            // Padding is never read: whatever it holds (even NaN) must not reach the caches or the gradients.
            for (int i = 0; i < validSteps.Length; i++)
            {
                if (validSteps[i] == 0)
                {
                    w.Inputs.AsSpan(i * inputSize, inputSize).Clear();
                }
            }
        }

        if (w.HasInputDropout)
        {
            for (int s = 0; s < steps; s++)
            {
                RowMath.MultiplyRows(w.Inputs.AsSpan(s * batch * inputSize, batch * inputSize), w.InputDropoutMask.AsSpan(0, batch * inputSize));
            }
        }

        // Input projection for every step at once: (T·B, I) · kernel (I, G·H) + bias.
        int g = w.GateWidth;
        var gates = w.InputGates.AsSpan(0, steps * batch * g);
        if (Weights.Int8 is { } int8)
        {
            // Quantized (inference only; the layer refuses training): every product in int8, the bias added by the
            // product itself, the steps split by batch rows, never packed.
            ParallelInt8Gemm.Multiply(w.Inputs, inputSize, steps * batch, int8.Kernel, InputBias(w), gates, g);
            w.UsePacked = false;
            LastUnitParts = 1;
            _sliceCount = SliceCount(batch);
            WorkerPool.Shared.Run(_sliceCount, _forwardSlice);
            return;
        }

        // + bias: the product sets each tile of the gates to it as it first reaches the tile (one pass over them, not two).
        ParallelGemm.Multiply(false, false, steps * batch, g, inputSize, 1f, w.Inputs, inputSize, Weights.Kernel.Values, g, 1f, gates, g, InputBias(w));

        if (!TryRunTimeLoopByUnits(w, backward: false))
        {
            PackOperands(w, backward: false);
            _sliceCount = SliceCount(batch);
            WorkerPool.Shared.Run(_sliceCount, _forwardSlice);
        }
    }

    /// <summary>Every step's output h (B, T, H) in processing order (zero or repeated at padded steps); after <see cref="Forward"/>.</summary>
    public void CopySequenceOutputs(Span<float> output)
    {
        var w = Work;
        int block = w.Batch * Units;
        // Keras's go_backwards returns outputs in processing order (the reversed sequence): no reversal here.
        var outputs = w.Valid is null ? w.States[0].AsSpan(block, w.Steps * block) : w.Outputs.AsSpan(0, w.Steps * block);
        TimeMajor.ToBatchMajor(outputs, output, w.Batch, w.Steps, Units, reverse: false);
    }

    /// <summary>
    /// Backpropagation through time after a training <see cref="Forward"/>. outputGradient is (B, T, H) with
    /// sequences, or (B, H) for the last output only; w.StateGradients hold the gradients flowing into the final
    /// states on entry and those of the initial states on exit. Adds the parameter gradients; writes dx (B, T, I) into
    /// inputGradient, or skips it when inputGradient is empty (a model's first layer, whose input is data).
    /// </summary>
    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        var w = Work;
        int batch = w.Batch, steps = w.Steps, inputSize = w.InputSize, g = w.GateWidth, block = batch * Units;
        if (_returnSequences)
        {
            TimeMajor.FromBatchMajor(outputGradient, w.OutputGradients.AsSpan(0, steps * block), batch, steps, Units, reverse: false);
        }
        else
        {
            RowMath.Add(outputGradient, w.StateGradients[0].AsSpan(0, block));
        }

        if (!TryRunTimeLoopByUnits(w, backward: true))
        {
            PackOperands(w, backward: true);
            _sliceCount = SliceCount(batch);
            WorkerPool.Shared.Run(_sliceCount, _backwardSlice);
        }

        // Weight gradients as GEMMs over all steps, then dx = dgx · kernelᵀ.
        int rows = steps * batch;
        var dgx = w.InputGateGradients.AsSpan(0, rows * g);
        var dgh = _cell.SeparateRecurrentGateGradients ? w.RecurrentGateGradients.AsSpan(0, rows * g) : dgx;
        ParallelGemm.Multiply(true, false, inputSize, g, rows, 1f, w.Inputs, inputSize, dgx, g, 1f, Weights.Kernel.Gradients, g);
        AccumulateRecurrentKernelGradient(w, dgh);
        var biasSums = w.StepGates.AsSpan(0, g);
        ColumnSums.Compute(dgx, rows, g, biasSums);
        RowMath.Add(biasSums, Weights.Bias.Gradients);
        if (_cell.SeparateRecurrentGateGradients)
        {
            ColumnSums.Compute(dgh, rows, g, biasSums);
        }

        if (Weights.RecurrentBias is Parameter recurrentBias)
        {
            RowMath.Add(biasSums, recurrentBias.Gradients);
        }

        if (inputGradient.IsEmpty)
        {
            // A model's first layer: its input is data, so dx = dgx · kernelᵀ, a (T·B, I) product, is not needed.
            return;
        }

        var dxTimeMajor = w.InputGradients.AsSpan(0, rows * inputSize);
        ParallelGemm.Multiply(false, true, rows, inputSize, g, 1f, dgx, g, Weights.Kernel.Values, g, 0f, dxTimeMajor, inputSize);
        if (w.HasInputDropout)
        {
            for (int s = 0; s < steps; s++)
            {
                RowMath.MultiplyRows(dxTimeMajor.Slice(s * batch * inputSize, batch * inputSize), w.InputDropoutMask.AsSpan(0, batch * inputSize));
            }
        }

        TimeMajor.ToBatchMajor(dxTimeMajor, inputGradient, batch, steps, inputSize, _goBackwards);
    }

    /// <summary>
    /// One streaming step on a stream's own workspace: input (B, I) → states advanced in place, h written to output
    /// (B, H). Everything it writes is the workspace's, so streams of one layer may step on different threads at once.
    /// </summary>
    public void StreamStep(RecurrentWorkspace w, ReadOnlySpan<float> input, Span<float> output)
    {
        int g = w.GateWidth;
        var gates = w.InputGates.AsSpan(0, w.Batch * g);
        // A streaming step of a few rows has no batch to split: large H splits its units (each part then reads only
        // its columns of the weights). Int8 steps run whole (the split reads float columns).
        var int8 = Weights.Int8;
        if (int8 is null)
        {
            // The float products add onto the bias (an int8 product adds it itself).
            RowMath.BroadcastRows(InputBias(w), gates, w.Batch);
        }

        int parts = w.Batch <= UnitSplitMaxStreamRows && int8 is null ? PlanUnitParts(w, out w.StreamUnitChunk) : 1;
        if (parts > 1)
        {
            // The input goes where the parts can read it; a stream never packs (it would pack at every step).
            input.CopyTo(w.Inputs);
            w.UsePacked = false;
            w.StreamUnits ??= StreamUnitsOf(w);
            WorkerPool.Shared.Run(parts, w.StreamUnits);
            LastUnitParts = parts;
        }
        else
        {
            LastUnitParts = 1;
            if (int8 is null)
            {
                Gemm.Multiply(false, false, w.Batch, g, w.InputSize, 1f, input, w.InputSize, Weights.Kernel.Values, g, 1f, gates, g);
            }
            else
            {
                w.UsePacked = false;
                Int8Gemm.Multiply(input, w.InputSize, w.Batch, int8.Kernel, InputBias(w), gates, g);
            }

            StepForward(w, 0, BatchSlice.All(w.Batch));
        }

        for (int k = 0; k < _cell.StateCount; k++)
        {
            w.State(k, 1).CopyTo(w.State(k, 0));
        }

        w.State(0, 0).CopyTo(output);
    }

    // In its own method: a lambda over StreamStep's parameter would allocate its closure at every step.
    private Action<int> StreamUnitsOf(RecurrentWorkspace w) => part => RunStreamUnits(w, part);

    // One step of the cell for one slice of the batch. A unitwise cell's product h·U is taken here: packed, with the
    // gate math in the GEMM's epilogue, or on the kernel in place; a coupled cell asks for its products itself.
    private void StepForward(RecurrentWorkspace w, int s, BatchSlice rows)
    {
        if (_coupled is not null)
        {
            _coupled.Forward(w, s, rows, Products(w));
            return;
        }

        int g = w.GateWidth;
        var all = new UnitSlice(0, Units);
        if (w.UsePacked)
        {
            FusedStepForward(w, s, rows, all, w.UnitPart(0).Forward, rows.Start * g);
            return;
        }

        var gh = w.StepGatesOf(rows);
        Products(w).Multiply(0, rows, w.RecurrentInput(s, rows), Units, 0f, gh, g);
        _unitwise!.ForwardUnits(w, s, rows, all, gh, g);
    }

    // One step back for one slice: a unitwise cell's gate gradients for every unit, then dh_prev = dgates · Uᵀ (its
    // operand 1); a coupled cell takes its products itself.
    private void StepBackward(RecurrentWorkspace w, int s, BatchSlice rows)
    {
        if (_coupled is not null)
        {
            _coupled.Backward(w, s, rows, Products(w));
            return;
        }

        _unitwise!.BackwardUnits(w, s, rows, new UnitSlice(0, Units));
        var dGates = _cell.SeparateRecurrentGateGradients ? w.StepRecurrentGateGradients(s, rows) : w.StepInputGateGradients(s, rows);
        Products(w).Multiply(1, rows, dGates, w.GateWidth, 0f, w.RecurrentInputGradientOf(rows), Units);
    }

    private RecurrentProducts Products(RecurrentWorkspace w) => new(w, Weights, _cell.Operands);

    // recurrent_kernel += (left side of each forward operand over all steps)ᵀ · dgh of its columns.
    private void AccumulateRecurrentKernelGradient(RecurrentWorkspace w, ReadOnlySpan<float> dgh)
    {
        int rows = w.Steps * w.Batch, h = Units, g = w.GateWidth;
        var dU = Weights.RecurrentKernel.Gradients;
        foreach (var operand in _cell.Operands)
        {
            if (operand.Backward)
            {
                continue;
            }

            var left = operand.LeftCache == RecurrentOperand.RecurrentInput ? w.AllRecurrentInputs() : w.Caches[operand.LeftCache].AsSpan(0, rows * h);
            ParallelGemm.Multiply(true, false, h, operand.Columns, rows, 1f, left, h, dgh[operand.ColumnOffset..], g, 1f, dU[operand.ColumnOffset..], g);
        }
    }

    // Packs this phase's operands once for all steps. Batches of at most four rows skip it: their products
    // stream the kernel unpacked anyway (the row path of Gemm).
    private void PackOperands(RecurrentWorkspace w, bool backward)
    {
        w.UsePacked = w.Batch > Gemm.RowPathMaxRows;
        if (!w.UsePacked)
        {
            return;
        }

        if (!backward && _unitwise is not null)
        {
            // The forward product goes through the gate-math epilogue, on U with its gate columns interleaved.
            w.EnsureUnitParts(1);
            PackForwardUnits(w, w.UnitPart(0), new UnitSlice(0, Units));
            return;
        }

        var u = Weights.RecurrentKernel.Values;
        var operands = _cell.Operands;
        for (int i = 0; i < operands.Length; i++)
        {
            var (offset, columns, isBackward, _) = operands[i];
            if (isBackward == backward)
            {
                w.Packed[i].Pack(backward, backward ? columns : Units, backward ? Units : columns, u[offset..], w.GateWidth);
            }
        }
    }

    // How many batch slices run the time loop: one per thread, while each keeps enough work per step.
    private int SliceCount(int batch)
    {
        long perRow = (long)_cell.GateCount * Units * Units;
        int byWork = (int)Math.Clamp(perRow * batch / MinimumSliceWork, 1, batch);
        return Math.Max(1, Math.Min(Math.Min(Parallelism.Threads, batch), byWork));
    }

    private void RunForwardSlice(int slice)
    {
        var rows = BatchSlice.Part(Work.Batch, _sliceCount, slice);
        for (int s = 0; s < Work.Steps; s++)
        {
            RunStep(Work, s, rows);
        }
    }

    private void RunBackwardSlice(int slice)
    {
        var w = Work;
        var rows = BatchSlice.Part(w.Batch, _sliceCount, slice);
        int block = w.Batch * Units;
        w.CarriedOutputGradientOf(rows).Clear();
        for (int s = w.Steps - 1; s >= 0; s--)
        {
            BackStep(w, s, rows, _returnSequences ? w.OutputGradients.AsSpan(s * block, block) : default);
        }
    }

    // The bias added to every input projection row: bias, plus recurrent_bias when it adds the same way (summed into
    // the workspace's buffer, so concurrent streams never write the same memory).
    private ReadOnlySpan<float> InputBias(RecurrentWorkspace w)
    {
        var bias = Weights.Bias.Values;
        if (Weights.RecurrentBias is not Parameter recurrent || !_cell.RecurrentBiasAddsToInput)
        {
            return bias;
        }

        var recurrentValues = recurrent.Values;
        var combined = w.CombinedBias.AsSpan(0, bias.Length);
        for (int k = 0; k < combined.Length; k++)
        {
            combined[k] = bias[k] + recurrentValues[k];
        }

        return combined;
    }

    private void RunStep(RecurrentWorkspace w, int s, BatchSlice rows)
    {
        int h = Units;
        if (w.HasRecurrentDropout)
        {
            var dropped = w.RecurrentInput(s, rows);
            w.State(0, s, rows).CopyTo(dropped);
            RowMath.MultiplyRows(dropped, w.RecurrentDropoutMaskOf(rows));
        }

        StepForward(w, s, rows);

        // Without padding the outputs are the states h_1..h_T themselves (CopySequenceOutputs reads them there).
        if (w.Valid is float[] valid)
        {
            var output = w.Output(s, rows);
            w.State(0, s + 1, rows).CopyTo(output);
            // Padded rows: the state is carried through; the output is zero, or (Keras's zero_output_for_mask false) the
            // previous step's output, itself zero before the first real step.
            for (int b = rows.Start; b < rows.End; b++)
            {
                if (valid[(s * w.Batch) + b] == 0)
                {
                    int local = (b - rows.Start) * h;
                    for (int k = 0; k < _cell.StateCount; k++)
                    {
                        w.State(k, s, rows).Slice(local, h).CopyTo(w.State(k, s + 1, rows).Slice(local, h));
                    }

                    if (_zeroOutputForMask || s == 0)
                    {
                        output.Slice(local, h).Clear();
                    }
                    else
                    {
                        w.Output(s - 1, rows).Slice(local, h).CopyTo(output.Slice(local, h));
                    }
                }
            }
        }
    }

    // dOutputs is the whole step's (B, H) output gradient, or empty when only the last state has one.
    private void BackStep(RecurrentWorkspace w, int s, BatchSlice rows, ReadOnlySpan<float> dOutputs)
    {
        int h = Units;
        var dh = w.StateGradient(0, rows);
        float[]? valid = w.Valid;
        if (!dOutputs.IsEmpty)
        {
            var dOutput = dOutputs.Slice(rows.Start * h, rows.Count * h);
            var carried = w.CarriedOutputGradientOf(rows);
            for (int b = rows.Start; b < rows.End; b++)
            {
                int local = (b - rows.Start) * h;
                if (valid is null || valid[(s * w.Batch) + b] != 0)
                {
                    RowMath.Add(dOutput.Slice(local, h), dh.Slice(local, h));
                    if (!_zeroOutputForMask && valid is not null)
                    {
                        // The padded steps after this one repeated its output: their gradients land here.
                        RowMath.Add(carried.Slice(local, h), dh.Slice(local, h));
                        carried.Slice(local, h).Clear();
                    }
                }
                else if (!_zeroOutputForMask)
                {
                    // A repeated output's gradient flows to the step it repeats (lost before the first real step: a constant zero).
                    RowMath.Add(dOutput.Slice(local, h), carried.Slice(local, h));
                }
            }
        }

        // Padded rows pass their state gradients straight through; the cell sees zeros there.
        if (valid is not null)
        {
            for (int b = rows.Start; b < rows.End; b++)
            {
                if (valid[(s * w.Batch) + b] == 0)
                {
                    int local = (b - rows.Start) * h;
                    for (int k = 0; k < _cell.StateCount; k++)
                    {
                        var d = w.StateGradient(k, rows).Slice(local, h);
                        d.CopyTo(w.HeldGradient(k, rows).Slice(local, h));
                        d.Clear();
                    }
                }
            }
        }

        StepBackward(w, s, rows);

        // dh_prev = direct part + d(recurrent input) ⊙ recurrent-dropout mask.
        var dRecurrent = w.RecurrentInputGradientOf(rows);
        if (w.HasRecurrentDropout)
        {
            RowMath.MultiplyRows(dRecurrent, w.RecurrentDropoutMaskOf(rows));
        }

        RowMath.Add(dRecurrent, dh);
        if (valid is not null)
        {
            for (int b = rows.Start; b < rows.End; b++)
            {
                if (valid[(s * w.Batch) + b] == 0)
                {
                    int local = (b - rows.Start) * h;
                    for (int k = 0; k < _cell.StateCount; k++)
                    {
                        w.HeldGradient(k, rows).Slice(local, h).CopyTo(w.StateGradient(k, rows).Slice(local, h));
                    }
                }
            }
        }
    }
}
