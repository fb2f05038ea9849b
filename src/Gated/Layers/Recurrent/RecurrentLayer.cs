using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using Gated.Kernels;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Threading;

namespace Gated.Layers.Recurrent;

/// <summary>
/// The time loop shared by GRU, LSTM and SimpleRNN. A subclass supplies one step's gate math forward and
/// backward; this class owns everything around it: the input projection for all steps as one GEMM, the
/// weight gradients as GEMMs over all steps, goBackwards, masks and lengths, input and recurrent dropout
/// (one mask per sequence, as Keras), initial and final states, stateful mode and the streaming step API.
/// Kernels are (I, G·H) and recurrent kernels (H, G·H) with gate blocks side by side (Keras layout).
/// </summary>
public abstract partial class RecurrentLayer : Layer
{
    // Below this many multiply-adds per step and slice, a second thread costs more than it saves.
    private const int MinimumSliceWork = 8192;

    // Immutable, so one instance serves every unmasked call.
    private static readonly RecurrentInputs NoInputs = new();

    private readonly RecurrentWorkspace _work = new();
    private readonly Action<int> _forwardSlice;
    private readonly Action<int> _backwardSlice;
    private readonly Action<int> _streamUnits;
    private readonly Action<int> _forwardUnits;
    private readonly Action<int> _backwardUnits;
    private int _sliceCount = 1;
    private SeededRandom? _dropoutRandom;
    private float[] _combinedBias = [];
    private Tensor[]? _finalStates;
    private Tensor[]? _statefulStates;

    protected RecurrentLayer(int units, RecurrentOptions? options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        options ??= new RecurrentOptions();
        options.Validate();
        Units = units;
        Options = options;
        _forwardSlice = RunForwardSlice;
        _backwardSlice = RunBackwardSlice;
        _streamUnits = RunStreamUnits;
        _forwardUnits = RunForwardUnits;
        _backwardUnits = RunBackwardUnits;
    }

    /// <summary>H, the size of the hidden state.</summary>
    public int Units { get; }

    public RecurrentOptions Options { get; }

    /// <summary>Output every step's state (batch, time, H) rather than the last one (batch, H).</summary>
    public bool ReturnSequences => Options.ReturnSequences;

    public WeightInit Init => Options.Init;

    /// <summary>How many state tensors the cell carries: 1 (h) or 2 (h and c).</summary>
    public abstract int StateCount { get; }

    /// <summary>The states after the last step of the most recent Forward (the last real step's with a mask), (B, H) each.</summary>
    public IReadOnlyList<Tensor> FinalStates => _finalStates ?? throw new InvalidOperationException("Call Forward before reading FinalStates.");

    /// <summary>The hidden state h after the most recent Forward, (B, H).</summary>
    public Tensor FinalState => FinalStates[0];

    /// <summary>dLoss/d(initial state) per state kind after Backward, when Forward was given initial states; otherwise null.</summary>
    public IReadOnlyList<Tensor>? InitialStateGradients { get; private set; }

    /// <summary>dLoss/dh0 after Backward (see <see cref="InitialStateGradients"/>).</summary>
    public Tensor? InitialStateGradient => InitialStateGradients?[0];

    /// <summary>G: gate blocks in the kernels (GRU 3, LSTM 4, SimpleRNN 1).</summary>
    protected abstract int GateCount { get; }

    /// <summary>Per-step values (T, B, H) the cell keeps for its backward pass.</summary>
    protected abstract int CacheCount { get; }

    /// <summary>The input kernel (I, G·H).</summary>
    protected abstract Parameter KernelParameter { get; }

    /// <summary>The recurrent kernel (H, G·H).</summary>
    protected abstract Parameter RecurrentKernelParameter { get; }

    /// <summary>True when the recurrent pre-activation gradient differs from the input one (GRU's reset gate).</summary>
    protected virtual bool SeparateRecurrentGateGradients => false;

    internal override SeededRandom? RandomStream => _dropoutRandom;

    /// <summary>Lets a sibling (Bidirectional's backward copy) draw its dropout masks from this layer's generator, so one stream is saved and restored.</summary>
    internal void ShareRandomStream(RecurrentLayer source) => _dropoutRandom = source._dropoutRandom;

    /// <summary>Forgets the states a stateful layer carries between batches.</summary>
    public void ResetStates() => _statefulStates = null;

    public override Tensor Forward(Tensor input, bool training = false) => Forward(input, NoInputs, training);

    public override Tensor ForwardMasked(Tensor input, Tensor? mask, bool training) => Forward(input, mask is null ? NoInputs : new RecurrentInputs { Mask = mask }, training);

    /// <summary>Runs the sequence from an initial hidden state (B, H), or zeros when null.</summary>
    public Tensor Forward(Tensor input, Tensor? initialState, bool training = false) =>
        Forward(input, new RecurrentInputs { InitialStates = initialState is null ? null : [initialState] }, training);

    /// <summary>Runs the sequence. input (B, T, I); see <see cref="RecurrentInputs"/> for states, masks and lengths.</summary>
    public Tensor Forward(Tensor input, RecurrentInputs inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int batch = CheckInput(input);
        int steps = input.Shape[1];
        int inputSize = InputShape[1];
        int h = Units;
        var w = _work;
        w.Prepare(batch, steps, inputSize, h, GateCount, StateCount, CacheCount, RecurrentOperands.Length, training);
        w.Trained = false;
        w.Valid = BuildValidity(inputs, batch, steps);
        SetInitialStates(inputs.InitialStates, batch);
        PrepareDropout(batch, inputSize, training);

        // x (B,T,I) → (T,B,I) in processing order, times the input-dropout mask of each sequence.
        ToTimeMajor(input.Data, w.Inputs, batch, steps, inputSize, Options.GoBackwards);
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
                MultiplyRows(w.Inputs.AsSpan(s * batch * inputSize, batch * inputSize), w.InputDropoutMask.AsSpan(0, batch * inputSize));
            }
        }

        // Input projection for every step at once: (T·B, I) · kernel (I, G·H) + bias.
        int g = w.GateWidth;
        var gates = w.InputGates.AsSpan(0, steps * batch * g);
        BroadcastRows(InputBias(), gates, steps * batch);
        ParallelGemm.Multiply(false, false, steps * batch, g, inputSize, 1f, w.Inputs, inputSize, KernelParameter.Values, g, 1f, gates, g);

        // The time loop: split by units for large H, otherwise each slice of the batch on its own thread from the
        // first step to the last.
        if (!TryRunTimeLoopByUnits(w, backward: false))
        {
            PackOperands(w, backward: false);
            _sliceCount = SliceCount(batch);
            WorkerPool.Shared.Run(_sliceCount, _forwardSlice);
        }

        w.Trained = training;
        w.HadInitialStates = inputs.InitialStates is not null;
        InitialStateGradients = null;
        // Inside Sequential's loops the final states are refilled in place (FinalStates documents "the most recent Forward").
        if (!ReusesResults || _finalStates is null || _finalStates[0].Shape[0] != batch)
        {
            _finalStates = new Tensor[StateCount];
            for (int k = 0; k < StateCount; k++)
            {
                _finalStates[k] = new Tensor(batch, h);
            }
        }

        for (int k = 0; k < StateCount; k++)
        {
            w.State(k, steps).CopyTo(_finalStates[k].Data);
        }

        if (Options.Stateful)
        {
            _statefulStates = _finalStates.Select(t => t.Clone()).ToArray();
        }

        if (!ReturnSequences)
        {
            var last = ResultTensor(ForwardResult, [batch, h]);
            _finalStates[0].Data.AsSpan().CopyTo(last.Data);
            return last;
        }

        // Keras's go_backwards returns outputs in processing order (the reversed sequence).
        var output = ResultTensor(ForwardResult, [batch, steps, h]);
        var outputs = w.Valid is null ? w.States[0].AsSpan(batch * h, steps * batch * h) : w.Outputs.AsSpan(0, steps * batch * h);
        FromTimeMajor(outputs, output.Data, batch, steps, h, reverse: false);
        return output;
    }

    public override Tensor Backward(Tensor outputGradient) => Backward(outputGradient, null);

    /// <summary>
    /// Backpropagation through time. outputGradient matches Forward's output; finalStateGradients optionally
    /// adds gradients flowing into the final states (for a consumer of <see cref="FinalStates"/>).
    /// </summary>
    public Tensor Backward(Tensor outputGradient, IReadOnlyList<Tensor?>? finalStateGradients)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var w = _work;
        if (!w.Trained)
        {
            throw new InvalidOperationException($"{TypeName} Backward needs a Forward with training: true first.");
        }

        int batch = w.Batch, steps = w.Steps, inputSize = w.InputSize, h = Units, g = w.GateWidth, block = batch * h;
        // Stack space: a collection expression in a conditional would allocate an array per call.
        Span<int> expected = stackalloc int[ReturnSequences ? 3 : 2];
        expected[0] = batch;
        expected[^1] = h;
        if (ReturnSequences)
        {
            expected[1] = steps;
        }

        if (!outputGradient.Shape.AsSpan().SequenceEqual(expected))
        {
            throw new ArgumentException(
                $"{TypeName} output gradient must be {Tensor.FormatShape(expected.ToArray())}, got {Tensor.FormatShape(outputGradient.Shape)}.", nameof(outputGradient));
        }

        for (int k = 0; k < StateCount; k++)
        {
            var d = w.StateGradients[k].AsSpan(0, block);
            d.Clear();
            if (finalStateGradients is not null && k < finalStateGradients.Count && finalStateGradients[k] is Tensor given)
            {
                if (given.Length != block)
                {
                    throw new ArgumentException($"Final state gradient {k} must be ({batch}, {h}).", nameof(finalStateGradients));
                }

                given.Data.AsSpan().CopyTo(d);
            }
        }

        var dOutputs = w.OutputGradients.AsSpan(0, steps * block);
        if (ReturnSequences)
        {
            ToTimeMajor(outputGradient.Data, dOutputs, batch, steps, h, reverse: false);
        }
        else
        {
            Add(outputGradient.Data, w.StateGradients[0].AsSpan(0, block));
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
        var dgh = SeparateRecurrentGateGradients ? w.RecurrentGateGradients.AsSpan(0, rows * g) : dgx;
        ParallelGemm.Multiply(true, false, inputSize, g, rows, 1f, w.Inputs, inputSize, dgx, g, 1f, KernelParameter.Gradients, g);
        AccumulateRecurrentKernelGradient(w, dgh);
        var inputBiasSums = w.StepGates.AsSpan(0, g);
        ColumnSums.Compute(dgx, rows, g, inputBiasSums);
        AccumulateInputBiasGradient(inputBiasSums);
        if (SeparateRecurrentGateGradients)
        {
            ColumnSums.Compute(dgh, rows, g, inputBiasSums);
        }

        AccumulateRecurrentBiasGradient(inputBiasSums);

        var dxTimeMajor = w.InputGradients.AsSpan(0, rows * inputSize);
        ParallelGemm.Multiply(false, true, rows, inputSize, g, 1f, dgx, g, KernelParameter.Values, g, 0f, dxTimeMajor, inputSize);
        if (w.HasInputDropout)
        {
            for (int s = 0; s < steps; s++)
            {
                MultiplyRows(dxTimeMajor.Slice(s * batch * inputSize, batch * inputSize), w.InputDropoutMask.AsSpan(0, batch * inputSize));
            }
        }

        var dx = ResultTensor(BackwardResult, [batch, steps, inputSize]);
        FromTimeMajor(dxTimeMajor, dx.Data, batch, steps, inputSize, Options.GoBackwards);

        InitialStateGradients = w.HadInitialStates ? CopyStateGradients(w) : null;
        return dx;
    }

    // In its own method: a lambda over Backward's locals would allocate its closure on every call, used or not.
    private Tensor[] CopyStateGradients(RecurrentWorkspace w)
    {
        var gradients = new Tensor[StateCount];
        for (int k = 0; k < StateCount; k++)
        {
            gradients[k] = new Tensor(w.StateGradients[k].AsSpan(0, w.Batch * Units).ToArray(), w.Batch, Units);
        }

        return gradients;
    }

    /// <summary>
    /// A runner that advances a batch of states one step at a time with no allocation per step, for real-time
    /// inference. Dropout is off; states start at zero.
    /// </summary>
    public RecurrentStream CreateStream(int batch)
    {
        if (!IsBuilt)
        {
            throw new InvalidOperationException($"{TypeName} layer is not built yet.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        var w = new RecurrentWorkspace();
        w.Prepare(batch, 1, InputShape[1], Units, GateCount, StateCount, CacheCount, RecurrentOperands.Length, training: false);
        return new RecurrentStream(this, w);
    }

    /// <summary>One streaming step: input (B, I) → states advanced in place, h written to output (B, H).</summary>
    internal void StreamStep(RecurrentWorkspace w, ReadOnlySpan<float> input, Span<float> output)
    {
        int g = w.GateWidth;
        var gates = w.InputGates.AsSpan(0, w.Batch * g);
        BroadcastRows(InputBias(), gates, w.Batch);
        // A streaming step of a few rows has no batch to split: large H splits its units (each part then reads only
        // its columns of the weights). Measured on 2 cores (B=1, I=64): H=256 1.3× faster, 512 1.7×, 1024 2.3×.
        int parts = w.Batch <= UnitSplitMaxStreamRows ? PlanUnitParts(w) : 1;
        if (parts > 1)
        {
            // The input goes where the parts can read it; a stream never packs (it would pack at every step).
            input.CopyTo(w.Inputs);
            w.UsePacked = false;
            _unitWork = w;
            WorkerPool.Shared.Run(parts, _streamUnits);
            _unitWork = null;
            LastUnitParts = parts;
        }
        else
        {
            LastUnitParts = 1;
            Gemm.Multiply(false, false, w.Batch, g, w.InputSize, 1f, input, w.InputSize, KernelParameter.Values, g, 1f, gates, g);
            StepForward(w, 0, BatchSlice.All(w.Batch));
        }

        for (int k = 0; k < StateCount; k++)
        {
            w.State(k, 1).CopyTo(w.State(k, 0));
        }

        w.State(0, 0).CopyTo(output);
    }

    /// <summary>
    /// One step of the cell for one slice of the batch: reads w.InputGates at s, w.RecurrentInput(s) and the
    /// states at s; writes states at s + 1 and its caches. Touches only the slice's rows (other threads own the rest).
    /// Cells whose units are independent (<see cref="StepSplitsByUnits"/>) take this one: on a packed kernel their gate
    /// math runs in the recurrent GEMM's epilogue; a cell that is not overrides it.
    /// </summary>
    internal virtual void StepForward(RecurrentWorkspace w, int s, BatchSlice rows)
    {
        int g = w.GateWidth;
        if (w.UsePacked)
        {
            FusedStepForward(w, s, rows, new UnitSlice(0, Units), w.UnitPart(0).Forward, rows.Start * g);
            return;
        }

        var gh = w.StepGatesOf(rows);
        MultiplyRecurrent(w, 0, rows, w.RecurrentInput(s, rows), Units, 0f, gh, g);
        StepForwardUnits(w, s, rows, 0, Units, gh, g);
    }

    /// <summary>
    /// One step back for one slice: w.StateGradients hold dLoss/d(states at s + 1) on entry; on exit they hold
    /// the gradient reaching the states at s directly (not through the recurrent input), and
    /// w.RecurrentInputGradient holds dLoss/d(recurrent input at s). Writes the gate gradients of step s.
    /// Cells whose units are independent take this one: their gate gradients for every unit, then the product with
    /// Uᵀ (their operand 1); a cell that is not overrides it.
    /// </summary>
    internal virtual void StepBackward(RecurrentWorkspace w, int s, BatchSlice rows)
    {
        StepBackwardUnits(w, s, rows, new UnitSlice(0, Units));
        var dGates = SeparateRecurrentGateGradients ? w.StepRecurrentGateGradients(s, rows) : w.StepInputGateGradients(s, rows);
        MultiplyRecurrent(w, 1, rows, dGates, w.GateWidth, 0f, w.RecurrentInputGradientOf(rows), Units);
    }

    /// <summary>The products with the recurrent kernel the cell's steps take, forward and backward (see <see cref="MultiplyRecurrent"/>).</summary>
    private protected abstract RecurrentOperand[] RecurrentOperands { get; }

    /// <summary>
    /// c (rows, ·) = a · operand + beta · c, where the operand is a column block of the recurrent kernel (or its
    /// transpose, for a backward operand). Runs on the operand packed for this Forward or Backward; a streaming
    /// step, which would pay for packing at every call, reads the kernel in place.
    /// </summary>
    private protected void MultiplyRecurrent(RecurrentWorkspace w, int operand, BatchSlice rows, ReadOnlySpan<float> a, int lda, float beta, Span<float> c, int ldc)
    {
        if (w.UsePacked)
        {
            Gemm.Multiply(false, rows.Count, 1f, a, lda, w.Packed[operand], beta, c, ldc);
            return;
        }

        var (offset, columns, backward) = RecurrentOperands[operand];
        var u = RecurrentKernelParameter.Values[offset..];
        int width = w.GateWidth;
        if (backward)
        {
            Gemm.Multiply(false, true, rows.Count, Units, columns, 1f, a, lda, u, width, beta, c, ldc);
        }
        else
        {
            Gemm.Multiply(false, false, rows.Count, columns, Units, 1f, a, lda, u, width, beta, c, ldc);
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

        if (!backward && StepSplitsByUnits)
        {
            // The forward product goes through the gate-math epilogue, on U with its gate columns interleaved.
            w.EnsureUnitParts(1);
            PackForwardUnits(w, w.UnitPart(0), new UnitSlice(0, Units));
            return;
        }

        var u = RecurrentKernelParameter.Values;
        var operands = RecurrentOperands;
        for (int i = 0; i < operands.Length; i++)
        {
            var (offset, columns, isBackward) = operands[i];
            if (isBackward == backward)
            {
                w.Packed[i].Pack(backward, backward ? columns : Units, backward ? Units : columns, u[offset..], w.GateWidth);
            }
        }
    }

    // How many batch slices run the time loop: one per thread, while each keeps enough work per step.
    private int SliceCount(int batch)
    {
        long perRow = (long)GateCount * Units * Units;
        int byWork = (int)Math.Clamp(perRow * batch / MinimumSliceWork, 1, batch);
        return Math.Max(1, Math.Min(Math.Min(Parallelism.Threads, batch), byWork));
    }

    private void RunForwardSlice(int slice)
    {
        var rows = BatchSlice.Part(_work.Batch, _sliceCount, slice);
        for (int s = 0; s < _work.Steps; s++)
        {
            RunStep(_work, s, rows);
        }
    }

    private void RunBackwardSlice(int slice)
    {
        var w = _work;
        var rows = BatchSlice.Part(w.Batch, _sliceCount, slice);
        int block = w.Batch * Units;
        for (int s = w.Steps - 1; s >= 0; s--)
        {
            BackStep(w, s, rows, ReturnSequences ? w.OutputGradients.AsSpan(s * block, block) : default);
        }
    }

    /// <summary>The bias (G·H) added to the input projection.</summary>
    protected abstract Parameter BiasParameter { get; }

    /// <summary>PyTorch's second bias b_hh (G·H), when the layer has one.</summary>
    protected virtual Parameter? RecurrentBiasParameter => null;

    /// <summary>True when recurrent_bias simply adds to the pre-activations (LSTM, SimpleRNN); GRU reset after scales it by r.</summary>
    protected virtual bool RecurrentBiasAddsToInput => true;

    /// <summary>The bias added to every input projection row: bias, plus recurrent_bias when it adds the same way.</summary>
    private ReadOnlySpan<float> InputBias()
    {
        var bias = BiasParameter.Values;
        if (RecurrentBiasParameter is not Parameter recurrent || !RecurrentBiasAddsToInput)
        {
            return bias;
        }

        var recurrentValues = recurrent.Values;
        for (int k = 0; k < _combinedBias.Length; k++)
        {
            _combinedBias[k] = bias[k] + recurrentValues[k];
        }

        return _combinedBias;
    }

    private void AccumulateInputBiasGradient(ReadOnlySpan<float> columnSums) => Add(columnSums, BiasParameter.Gradients);

    // Column sums of the recurrent gate gradients (equal to the input ones unless the cell keeps them separate).
    private void AccumulateRecurrentBiasGradient(ReadOnlySpan<float> columnSums)
    {
        if (RecurrentBiasParameter is Parameter recurrent)
        {
            Add(columnSums, recurrent.Gradients);
        }
    }

    /// <summary>recurrent_kernel += (recurrent inputs)ᵀ · dgh over all steps; GRU reset-before overrides for its n block.</summary>
    internal virtual void AccumulateRecurrentKernelGradient(RecurrentWorkspace w, ReadOnlySpan<float> dgh)
    {
        int rows = w.Steps * w.Batch;
        ParallelGemm.Multiply(true, false, Units, w.GateWidth, rows, 1f, w.AllRecurrentInputs(), Units, dgh, w.GateWidth, 1f, RecurrentKernelParameter.Gradients, w.GateWidth);
    }

    /// <summary>The options as strings for model files (the subclass adds its own keys).</summary>
    protected Dictionary<string, string> BaseConfig() => new()
    {
        ["units"] = Units.ToString(CultureInfo.InvariantCulture),
        ["return_sequences"] = ReturnSequences ? "true" : "false",
        ["go_backwards"] = Options.GoBackwards ? "true" : "false",
        ["stateful"] = Options.Stateful ? "true" : "false",
        ["dropout"] = Options.Dropout.ToString("R", CultureInfo.InvariantCulture),
        ["recurrent_dropout"] = Options.RecurrentDropout.ToString("R", CultureInfo.InvariantCulture),
        ["init"] = Init == WeightInit.Keras ? "keras" : "pytorch",
    };

    /// <summary>Reads the options that <see cref="BaseConfig"/> wrote.</summary>
    protected static RecurrentOptions OptionsFromConfig(LayerConfig config) => new()
    {
        ReturnSequences = config.Bool("return_sequences"),
        GoBackwards = config.Bool("go_backwards"),
        Stateful = config.Bool("stateful"),
        Dropout = (float)config.Number("dropout", 0, 0.999999),
        RecurrentDropout = (float)config.Number("recurrent_dropout", 0, 0.999999),
        Init = config.Choice("init", ("keras", WeightInit.Keras), ("pytorch", WeightInit.PyTorch)),
    };

    protected override bool AcceptsAnySequenceLength => true;

    /// <summary>Checks the per-sample input (time, features), creates the cell's parameters and the dropout generator.</summary>
    protected sealed override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length != 2 || inputShape[1] < 1)
        {
            throw new ArgumentException($"{TypeName} expects per-sample input (time, features), got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        CreateParameters(inputShape[1], random);
        _combinedBias = new float[GateCount * Units];
        if (Options.Dropout > 0 || Options.RecurrentDropout > 0)
        {
            _dropoutRandom = new SeededRandom(random.NextUInt64());
        }

        return ReturnSequences ? [inputShape[0], Units] : [Units];
    }

    protected abstract void CreateParameters(int inputSize, SeededRandom random);

    /// <summary>Keras defaults (glorot-uniform kernel, orthogonal recurrent kernel) or PyTorch's U(±1/√H) for every tensor; biases are the subclass's.</summary>
    protected void InitializeKernels(int inputSize, SeededRandom random)
    {
        int g = GateCount * Units;
        if (Init == WeightInit.Keras)
        {
            Initializers.WeightInitializers.GlorotUniform(KernelParameter.Values, inputSize, g, random);
            Initializers.WeightInitializers.Orthogonal(RecurrentKernelParameter.Values, Units, g, random);
        }
        else
        {
            float limit = 1f / MathF.Sqrt(Units);
            foreach (var p in Parameters)
            {
                Initializers.WeightInitializers.Uniform(p.Values, limit, random);
            }
        }
    }

    private void RunStep(RecurrentWorkspace w, int s, BatchSlice rows)
    {
        int h = Units;
        if (w.HasRecurrentDropout)
        {
            var dropped = w.RecurrentInput(s, rows);
            w.State(0, s, rows).CopyTo(dropped);
            MultiplyRows(dropped, w.RecurrentDropoutMaskOf(rows));
        }

        StepForward(w, s, rows);

        // Without padding the outputs are the states h_1..h_T themselves (Forward reads them there).
        if (w.Valid is float[] valid)
        {
            var output = w.Output(s, rows);
            w.State(0, s + 1, rows).CopyTo(output);
            // Padded rows: the state is carried through and the output is zero.
            for (int b = rows.Start; b < rows.End; b++)
            {
                if (valid[(s * w.Batch) + b] == 0)
                {
                    int local = (b - rows.Start) * h;
                    for (int k = 0; k < StateCount; k++)
                    {
                        w.State(k, s, rows).Slice(local, h).CopyTo(w.State(k, s + 1, rows).Slice(local, h));
                    }

                    output.Slice(local, h).Clear();
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
            for (int b = rows.Start; b < rows.End; b++)
            {
                if (valid is null || valid[(s * w.Batch) + b] != 0)
                {
                    int local = (b - rows.Start) * h;
                    Add(dOutput.Slice(local, h), dh.Slice(local, h));
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
                    for (int k = 0; k < StateCount; k++)
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
            MultiplyRows(dRecurrent, w.RecurrentDropoutMaskOf(rows));
        }

        Add(dRecurrent, dh);
        if (valid is not null)
        {
            for (int b = rows.Start; b < rows.End; b++)
            {
                if (valid[(s * w.Batch) + b] == 0)
                {
                    int local = (b - rows.Start) * h;
                    for (int k = 0; k < StateCount; k++)
                    {
                        w.HeldGradient(k, rows).Slice(local, h).CopyTo(w.StateGradient(k, rows).Slice(local, h));
                    }
                }
            }
        }
    }

    private float[]? BuildValidity(RecurrentInputs inputs, int batch, int steps)
    {
        if (inputs.Mask is not null && inputs.Lengths is not null)
        {
            throw new ArgumentException("Give a mask or lengths, not both.", nameof(inputs));
        }

        if (inputs.Mask is null && inputs.Lengths is null)
        {
            return null;
        }

        var valid = new float[steps * batch];
        if (inputs.Mask is Tensor mask)
        {
            if (mask.Rank != 2 || mask.Shape[0] != batch || mask.Shape[1] != steps)
            {
                throw new ArgumentException($"Mask must be (batch {batch}, time {steps}), got {Tensor.FormatShape(mask.Shape)}.", "mask");
            }

            for (int b = 0; b < batch; b++)
            {
                for (int t = 0; t < steps; t++)
                {
                    float m = mask.Data[(b * steps) + t];
                    if (m != 0 && m != 1)
                    {
                        throw new ArgumentException($"Mask values must be 0 or 1; mask[{b}, {t}] is {m}.", "mask");
                    }

                    valid[(ProcessingStep(t, steps) * batch) + b] = m;
                }
            }

            return valid;
        }

        var lengths = inputs.Lengths!;
        if (lengths.Count != batch)
        {
            throw new ArgumentException($"Lengths must give one length per sequence ({batch}), got {lengths.Count}.", "lengths");
        }

        for (int b = 0; b < batch; b++)
        {
            if (lengths[b] < 1 || lengths[b] > steps)
            {
                throw new ArgumentOutOfRangeException("lengths", lengths[b], $"Length of sequence {b} must be in [1, {steps}].");
            }

            for (int t = 0; t < lengths[b]; t++)
            {
                valid[(ProcessingStep(t, steps) * batch) + b] = 1;
            }
        }

        return valid;
    }

    private int ProcessingStep(int t, int steps) => Options.GoBackwards ? steps - 1 - t : t;

    private void SetInitialStates(IReadOnlyList<Tensor>? initial, int batch)
    {
        int block = batch * Units;
        if (initial is null && Options.Stateful && _statefulStates is not null)
        {
            if (_statefulStates[0].Shape[0] != batch)
            {
                throw new ArgumentException(
                    $"Stateful {TypeName} carries states for batch {_statefulStates[0].Shape[0]}, got batch {batch}; call ResetStates() first.", "input");
            }

            initial = _statefulStates;
        }

        if (initial is not null && initial.Count != StateCount)
        {
            throw new ArgumentException($"{TypeName} takes {StateCount} initial state(s), got {initial.Count}.", "initialStates");
        }

        for (int k = 0; k < StateCount; k++)
        {
            var target = _work.State(k, 0);
            if (initial is null)
            {
                target.Clear();
                continue;
            }

            var state = initial[k] ?? throw new ArgumentNullException("initialStates", $"Initial state {k} is null.");
            if (state.Rank != 2 || state.Shape[0] != batch || state.Shape[1] != Units)
            {
                throw new ArgumentException(
                    $"{TypeName} initial state must be (batch {batch}, units {Units}), got {Tensor.FormatShape(state.Shape)}.", "initialState");
            }

            state.Data.AsSpan(0, block).CopyTo(target);
        }
    }

    private void PrepareDropout(int batch, int inputSize, bool training)
    {
        var w = _work;
        w.HasInputDropout = training && Options.Dropout > 0;
        w.HasRecurrentDropout = training && Options.RecurrentDropout > 0;
        if (w.HasInputDropout)
        {
            FillDropoutMask(w.InputDropoutMask.AsSpan(0, batch * inputSize), Options.Dropout, _dropoutRandom!);
        }

        if (w.HasRecurrentDropout)
        {
            w.EnsureDroppedStates();
            FillDropoutMask(w.RecurrentDropoutMask.AsSpan(0, batch * Units), Options.RecurrentDropout, _dropoutRandom!);
        }
    }

    // Inverted dropout: keep with probability 1 − rate and scale by 1/(1 − rate), so inference needs no change.
    private static void FillDropoutMask(Span<float> mask, float rate, SeededRandom random)
    {
        float scale = 1f / (1f - rate);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextDouble() >= rate ? scale : 0f;
        }
    }

    // Multiplies each (B, F) block row-wise by a (B, F) mask: the same mask at every step of a sequence.
    private static void MultiplyRows(Span<float> values, ReadOnlySpan<float> mask)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= mask[i];
        }
    }

    protected static void BroadcastRows(ReadOnlySpan<float> row, Span<float> matrix, int rows)
    {
        for (int i = 0; i < rows; i++)
        {
            row.CopyTo(matrix.Slice(i * row.Length, row.Length));
        }
    }

    protected static void Add(ReadOnlySpan<float> source, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var sourceVectors = MemoryMarshal.Cast<float, Vector<float>>(source[..destination.Length]);
            var destinationVectors = MemoryMarshal.Cast<float, Vector<float>>(destination);
            for (int v = 0; v < destinationVectors.Length; v++)
            {
                destinationVectors[v] += sourceVectors[v];
            }

            i = destinationVectors.Length * Vector<float>.Count;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] += source[i];
        }
    }

    // (B, T, F) → (T, B, F), reversing time when the layer runs backwards.
    private static void ToTimeMajor(ReadOnlySpan<float> source, Span<float> destination, int batch, int steps, int features, bool reverse)
    {
        if (features == 1)
        {
            // One value per step (a univariate series): a plain transpose, not a copy call per value.
            for (int b = 0; b < batch; b++)
            {
                for (int t = 0; t < steps; t++)
                {
                    destination[((reverse ? steps - 1 - t : t) * batch) + b] = source[(b * steps) + t];
                }
            }

            return;
        }

        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                int s = reverse ? steps - 1 - t : t;
                source.Slice(((b * steps) + t) * features, features).CopyTo(destination.Slice(((s * batch) + b) * features, features));
            }
        }
    }

    // (T, B, F) → (B, T, F); with reverse, processing step s lands at time T − 1 − s.
    private static void FromTimeMajor(ReadOnlySpan<float> source, Span<float> destination, int batch, int steps, int features, bool reverse)
    {
        if (features == 1)
        {
            for (int s = 0; s < steps; s++)
            {
                int t = reverse ? steps - 1 - s : s;
                for (int b = 0; b < batch; b++)
                {
                    destination[(b * steps) + t] = source[(s * batch) + b];
                }
            }

            return;
        }

        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            for (int b = 0; b < batch; b++)
            {
                source.Slice(((s * batch) + b) * features, features).CopyTo(destination.Slice(((b * steps) + t) * features, features));
            }
        }
    }
}
