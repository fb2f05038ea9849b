using Gated.Kernels;
using Gated.Threading;

namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>
/// The split by hidden units. For large H, each thread owns a fixed slice of units for the whole sequence: it
/// multiplies the full state by only its units' columns of U (so each core streams 1/P of the recurrent kernel
/// per step instead of all of it, as a batch split would) and runs those units' gate math; the threads meet at a
/// spin barrier after every step, since the next step reads every unit. Backward mirrors it: each thread takes its
/// units' gate gradients, then, after a barrier, its units' columns of dh_prev = dgates · Uᵀ.
/// Every value is computed exactly as on one thread (whole GEMM tiles, one FMA chain per column on the 1–4-row
/// path, column-independent gate math), so results are the same bits whatever the split.
/// The packed forward step with its gate math in the GEMM's epilogue lives here too: a batch split runs it on all units.
/// </summary>
internal sealed partial class RecurrentTimeLoop
{
    // A time loop or streaming step splits by units from this many units up: below, the hand-off per step costs
    // about what it saves.
    private const int UnitSplitMinUnits = 256;

    // A streaming step of at most this many rows splits by units: the row path reads U in place, so each part reads
    // only its columns. A larger one runs whole (its GEMM packs U at every call; parts would each pack theirs).
    private const int UnitSplitMaxStreamRows = Gemm.RowPathMaxRows;

    private readonly SpinBarrier _barrier = new();
    private readonly Action<int> _forwardUnits;
    private readonly Action<int> _backwardUnits;
    private int _unitChunk;
    private RecurrentWorkspace? _unitWork;
    private int _unitSplitRunning;

    /// <summary>How many parts the last time loop (Forward or Backward) or streaming step split its units into; 1 when it did not.</summary>
    public int LastUnitParts { get; private set; } = 1;

    // Gives the units per part (chunk) for a run and returns how many parts that makes; 1 means split the batch
    // instead. Masks and recurrent dropout act per row of the batch, so those runs keep the batch split.
    private int PlanUnitParts(RecurrentWorkspace w, out int chunk)
    {
        int threads = Math.Min(Parallelism.Threads, Environment.ProcessorCount);
        chunk = Units;
        if (_unitwise is null || Units < UnitSplitMinUnits || w.Valid is not null || w.HasRecurrentDropout || threads < 2)
        {
            return 1;
        }

        chunk = UnitSlice.ChunkSize(Units, threads);
        return UnitSlice.PartCount(Units, chunk);
    }

    // Runs Forward's (or Backward's) time loop split by units; false when it should run split by batch instead.
    private bool TryRunTimeLoopByUnits(RecurrentWorkspace w, bool backward)
    {
        LastUnitParts = 1;
        int parts = PlanUnitParts(w, out int chunk);
        if (parts < 2)
        {
            return false;
        }

        // Resetting the barrier under a running job would leave its parts waiting forever: a layer's calls must not
        // overlap (a model serializes its own), and one that does fails here instead of hanging.
        if (Interlocked.CompareExchange(ref _unitSplitRunning, 1, 0) != 0)
        {
            throw new InvalidOperationException("This recurrent layer is already running on another thread; calls on one layer must not overlap.");
        }

        try
        {
            w.EnsureUnitParts(parts);
            _unitChunk = chunk;
            w.UsePacked = w.Batch > Gemm.RowPathMaxRows;
            _barrier.Reset(parts);
            _unitWork = w;
            bool ran = WorkerPool.Shared.TryRunTogether(parts, backward ? _backwardUnits : _forwardUnits);
            LastUnitParts = ran ? parts : 1;
            return ran;
        }
        finally
        {
            _unitWork = null;
            Volatile.Write(ref _unitSplitRunning, 0);
        }
    }

    private void RunForwardUnits(int part)
    {
        var w = _unitWork!;
        var units = UnitSlice.Part(Units, _unitChunk, part);
        var all = BatchSlice.All(w.Batch);
        int ghOffset = PartGatesOffset(w, units);
        try
        {
            var operands = w.UnitPart(part);
            if (w.UsePacked)
            {
                PackForwardUnits(w, operands, units);
            }

            for (int s = 0; s < w.Steps; s++)
            {
                if (w.UsePacked)
                {
                    FusedStepForward(w, s, all, units, operands.Forward, ghOffset);
                }
                else
                {
                    UnpackedStepForwardUnits(w, s, units, ghOffset);
                }

                if (!_barrier.SignalAndWait())
                {
                    return;
                }
            }
        }
        catch
        {
            _barrier.Break();
            throw;
        }
    }

    private void RunBackwardUnits(int part)
    {
        var w = _unitWork!;
        var units = UnitSlice.Part(Units, _unitChunk, part);
        int batch = w.Batch, h = Units, g = w.GateWidth, block = batch * h;
        try
        {
            var operand = w.UnitPart(part).Backward;
            if (w.UsePacked)
            {
                // dh_prev[:, units] = dgates (B, G·H) · (rows `units` of U)ᵀ.
                operand.Pack(true, g, units.Count, Weights.RecurrentKernel.Values[(units.Start * g)..], g);
            }

            var dh = w.StateGradients[0].AsSpan(0, block);
            var dRecurrent = w.RecurrentInputGradient.AsSpan(0, block);
            var all = BatchSlice.All(batch);
            for (int s = w.Steps - 1; s >= 0; s--)
            {
                if (_returnSequences)
                {
                    AddUnits(w.OutputGradients.AsSpan(s * block, block), dh, batch, units);
                }

                _unitwise!.BackwardUnits(w, s, all, units);

                // dh_prev needs every unit's gate gradients of this step.
                if (!_barrier.SignalAndWait())
                {
                    return;
                }

                var dGates = _cell.SeparateRecurrentGateGradients ? w.StepRecurrentGateGradients(s, all) : w.StepInputGateGradients(s, all);
                var dPart = dRecurrent[units.Start..];
                if (w.UsePacked)
                {
                    Gemm.Multiply(false, batch, 1f, dGates, g, operand, 0f, dPart, h);
                }
                else
                {
                    Gemm.Multiply(false, true, batch, units.Count, g, 1f, dGates, g, Weights.RecurrentKernel.Values[(units.Start * g)..], g, 0f, dPart, h);
                }

                AddUnits(dRecurrent, dh, batch, units);
            }
        }
        catch
        {
            _barrier.Break();
            throw;
        }
    }

    // One streaming step split by units: each part adds its units' columns of the input projection (onto the bias
    // already in w.InputGates), takes its columns of the recurrent product and runs their gate math. No barrier:
    // the step ends when the job does. Reads only the stream's workspace, never the loop's fields of a run.
    private void RunStreamUnits(RecurrentWorkspace w, int part)
    {
        var units = UnitSlice.Part(Units, w.StreamUnitChunk, part);
        int batch = w.Batch, h = Units, g = w.GateWidth, inputSize = w.InputSize;
        var kernel = Weights.Kernel.Values;
        var gx = w.InputGates.AsSpan(0, batch * g);
        for (int gate = 0; gate < _cell.GateCount; gate++)
        {
            int column = (gate * h) + units.Start;
            Gemm.Multiply(false, false, batch, units.Count, inputSize, 1f, w.Inputs, inputSize, kernel[column..], g, 1f, gx[column..], g);
        }

        UnpackedStepForwardUnits(w, 0, units, PartGatesOffset(w, units));
    }

    // destination += source on units `units` of every row of two (B, H) blocks.
    private void AddUnits(ReadOnlySpan<float> source, Span<float> destination, int batch, UnitSlice units)
    {
        for (int b = 0; b < batch; b++)
        {
            int offset = (b * Units) + units.Start;
            RowMath.Add(source.Slice(offset, units.Count), destination.Slice(offset, units.Count));
        }
    }

    // Where part `units`' share of the step scratch starts: (B, G·count) each, after the shares of the parts before it.
    private int PartGatesOffset(RecurrentWorkspace w, UnitSlice units) => w.Batch * _cell.GateCount * units.Start;

    // Units `units` of step s for every row, on the kernel in place (1–4 rows): gh (B, G·count) = h_s · U[:, units'
    // columns of every gate], gate blocks side by side, then the gate math.
    private void UnpackedStepForwardUnits(RecurrentWorkspace w, int s, UnitSlice units, int ghOffset)
    {
        int batch = w.Batch, h = Units, width = _cell.GateCount * units.Count;
        var all = BatchSlice.All(batch);
        var hPrev = w.RecurrentInput(s, all);
        var gh = w.StepGates.AsSpan(ghOffset, batch * width);
        var u = Weights.RecurrentKernel.Values;
        for (int gate = 0; gate < _cell.GateCount; gate++)
        {
            Gemm.Multiply(false, false, batch, units.Count, h, 1f, hPrev, h, u[((gate * h) + units.Start)..], w.GateWidth, 0f, gh[(gate * units.Count)..], width);
        }

        _unitwise!.ForwardUnits(w, s, all, units, gh, width);
    }

    // Rows `rows`, units `units` of step s on a packed operand (see PackForwardUnits): the GEMM hands each group of
    // GateGroupUnits units to the gate math as soon as its columns are final, while they are still in cache.
    private void FusedStepForward(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units, PackedMatrix operand, int ghOffset)
    {
        int gates = _cell.GateCount, width = gates * units.Count;
        var epilogue = new GateEpilogue(_unitwise!, gates, w, s, rows.Start, units.Start, ghOffset, width);
        Gemm.Multiply(rows.Count, w.RecurrentInput(s, rows), Units, operand, w.StepGates.AsSpan(ghOffset, rows.Count * width), width, gates * GateGroupUnits, ref epilogue);
    }

    // Units per gate group of the packed forward operand. The gate math reads gx and writes five caches row by row:
    // a group's rows must be long runs (128 floats, 512 bytes) for the prefetchers, yet short enough that the group's
    // products are still in cache when its gate math runs.
    private const int GateGroupUnits = 128;

    /// <summary>
    /// Packs U[:, units' columns of every gate] as (H, G·count) with the gates interleaved by groups of GateGroupUnits
    /// units (z of units 0–127, r of 0–127, n of 0–127, z of 128–255, …), so each group's gate pre-activations are
    /// complete as soon as the GEMM has passed its columns, and the epilogue can turn them into states then.
    /// </summary>
    private void PackForwardUnits(RecurrentWorkspace w, RecurrentWorkspace.UnitOperands operands, UnitSlice units)
    {
        int h = Units, gates = _cell.GateCount, width = gates * units.Count;
        var u = Weights.RecurrentKernel.Values;
        var gathered = operands.Gathered(h * width);
        for (int row = 0; row < h; row++)
        {
            int column = row * width;
            for (int group = units.Start; group < units.End; group += GateGroupUnits)
            {
                int count = Math.Min(GateGroupUnits, units.End - group);
                for (int gate = 0; gate < gates; gate++, column += count)
                {
                    u.Slice((row * w.GateWidth) + (gate * h) + group, count).CopyTo(gathered.AsSpan(column, count));
                }
            }
        }

        operands.Forward.Pack(false, h, width, gathered, width);
    }

    // Runs the cell's gate math on a group of the fused GEMM's output: columns [column, column + columns) of rows
    // [row, row + rows) of the product are G gate blocks of columns / G units each.
    private readonly struct GateEpilogue(IUnitwiseCell cell, int gates, RecurrentWorkspace w, int step, int firstRow, int firstUnit, int ghOffset, int ghRowStride)
        : IGemmEpilogue
    {
        public void Apply(int row, int rows, int column, int columns) =>
            cell.ForwardUnits(
                w, step, new BatchSlice(firstRow + row, rows), new UnitSlice(firstUnit + (column / gates), columns / gates),
                w.StepGates.AsSpan(ghOffset + (row * ghRowStride) + column), ghRowStride);
    }
}
