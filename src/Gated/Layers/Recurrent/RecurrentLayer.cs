using System.Globalization;
using Gated.Layers.Initializers;
using Gated.Layers.Recurrent.TimeLoop;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers.Recurrent;

/// <summary>
/// The public face of GRU, LSTM and SimpleRNN: options (Keras's meanings), initial, final and stateful states,
/// masks and lengths, dropout masks (one per sequence, as Keras), configuration for model files, and streams.
/// The numbers come from two internal parts: a cell, one step of the recurrence (<see cref="GruResetAfterCell"/>,
/// <see cref="GruResetBeforeCell"/>, <see cref="LstmCell"/>, <see cref="SimpleRnnCell"/>), and the time loop that
/// runs any cell over a sequence forward and back (<see cref="RecurrentTimeLoop"/>). A subclass creates its
/// parameters and its cell. Kernels are (I, G·H) and recurrent kernels (H, G·H) with gate blocks side by side
/// (Keras layout).
/// </summary>
public abstract class RecurrentLayer : Layer
{
    // Immutable, so one instance serves every unmasked call.
    private static readonly RecurrentInputs NoInputs = new();

    private RecurrentTimeLoop? _loop;
    private SeededRandom? _dropoutRandom;
    private Tensor[]? _finalStates;
    private Tensor[]? _statefulStates;
    private RecurrentInputs? _callInputs;
    private Tensor[]? _initialStateGradients;
    private Tensor?[]? _callStateGradients;

    /// <summary>Checks the shared options; the subclass adds its own.</summary>
    /// <param name="units">H, the size of the hidden state.</param>
    /// <param name="options">The shared options; null for Keras's defaults.</param>
    protected RecurrentLayer(int units, RecurrentOptions? options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        options ??= new RecurrentOptions();
        options.Validate();
        Units = units;
        Options = options;
    }

    /// <summary>H, the size of the hidden state.</summary>
    public int Units { get; }

    /// <summary>The options shared by every recurrent layer (Keras's meanings and defaults).</summary>
    public RecurrentOptions Options { get; }

    /// <summary>Output every step's state (batch, time, H) rather than the last one (batch, H).</summary>
    public bool ReturnSequences => Options.ReturnSequences;

    /// <summary>How the weights are initialised: Keras's defaults or PyTorch's.</summary>
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

    /// <summary>The input kernel (I, G·H), gate column blocks in Gated's (Keras) order. The layer must be built.</summary>
    public Parameter Kernel => Loop.Weights.Kernel;

    /// <summary>The recurrent kernel (H, G·H), gate blocks as <see cref="Kernel"/>. The layer must be built.</summary>
    public Parameter RecurrentKernel => Loop.Weights.RecurrentKernel;

    /// <summary>The input bias (G·H), or the only bias of a layer without <see cref="RecurrentBias"/>. The layer must be built.</summary>
    public Parameter Bias => Loop.Weights.Bias;

    /// <summary>
    /// The recurrent bias (G·H) of a reset-after GRU or of an LSTM or SimpleRNN built with separateRecurrentBias (PyTorch's
    /// b_hh); null for a layer with one bias. The layer must be built.
    /// </summary>
    public Parameter? RecurrentBias => Loop.Weights.RecurrentBias;

    /// <summary>How many parts the last time loop or streaming step split its units into; 1 when it did not.</summary>
    internal int LastUnitParts => _loop?.LastUnitParts ?? 1;

    internal override SeededRandom? RandomStream => _dropoutRandom;

    /// <inheritdoc/>
    protected override bool AcceptsAnySequenceLength => true;

    private RecurrentTimeLoop Loop => _loop ?? throw new InvalidOperationException($"{TypeName} layer is not built yet.");

    /// <summary>Lets a sibling (Bidirectional's backward copy) draw its dropout masks from this layer's generator, so one stream is saved and restored.</summary>
    internal void ShareRandomStream(RecurrentLayer source) => _dropoutRandom = source._dropoutRandom;

    /// <summary>Forgets the states a stateful layer carries between batches.</summary>
    public void ResetStates() => _statefulStates = null;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false) => Forward(input, NoInputs, training);

    /// <inheritdoc/>
    public override Tensor ForwardMasked(Tensor input, Tensor? mask, bool training) => Forward(input, mask is null ? NoInputs : new RecurrentInputs { Mask = mask }, training);

    /// <summary>Runs the sequence from an initial hidden state (B, H), or zeros when null.</summary>
    /// <param name="input">The sequences, (B, T, I).</param>
    /// <param name="initialState">h_0, (B, H); null for zeros.</param>
    /// <param name="training">Whether to apply dropout and keep what Backward needs.</param>
    /// <returns>(B, T, H) with <see cref="ReturnSequences"/>, otherwise (B, H).</returns>
    public Tensor Forward(Tensor input, Tensor? initialState, bool training = false) =>
        Forward(input, new RecurrentInputs { InitialStates = initialState is null ? null : [initialState] }, training);

    /// <inheritdoc/>
    internal override bool IsQuantized => Loop.Weights.Int8 is not null;

    /// <summary>
    /// Dynamic int8 inference from now on (PyTorch's quantize_dynamic): W and the blocks of U per output column in int8,
    /// the inputs and states quantized per row at each product, int32 sums, biases and gate math in float; streams too.
    /// Training is refused; the float weights stay.
    /// </summary>
    internal override bool QuantizeInt8()
    {
        Loop.Weights.Int8 = RecurrentInt8Weights.Of(Loop.Weights, Loop.Operands);
        return true;
    }

    /// <inheritdoc/>
    internal override void ShareInt8Of(Layer source) => Loop.Weights.Int8 = ((RecurrentLayer)source).Loop.Weights.Int8;

    /// <inheritdoc/>
    internal override IEnumerable<(Parameter Parameter, Kernels.QuantizedMatrix Matrix)> Int8Parameters =>
        Loop.Weights.Int8 is { } int8 ? [(Kernel, int8.Kernel), (RecurrentKernel, int8.RecurrentKernel)] : [];

    /// <inheritdoc/>
    internal override void LoadInt8(IReadOnlyDictionary<Parameter, Kernels.QuantizedMatrix> matrices)
    {
        if (Int8Of(matrices, Kernel) is not { } kernel || Int8Of(matrices, RecurrentKernel) is not { } recurrent)
        {
            throw new ArgumentException($"A quantized {TypeName} holds its kernel and recurrent kernel in int8.", nameof(matrices));
        }

        Loop.Weights.Int8 = RecurrentInt8Weights.From(kernel, recurrent, Loop.Operands);
    }

    /// <summary>Runs the sequence. input (B, T, I); see <see cref="RecurrentInputs"/> for states, masks and lengths.</summary>
    /// <param name="input">The sequences, (B, T, I).</param>
    /// <param name="inputs">Initial states, mask or lengths.</param>
    /// <param name="training">Whether to apply dropout and keep what Backward needs.</param>
    /// <returns>(B, T, H) with <see cref="ReturnSequences"/>, otherwise (B, H).</returns>
    public Tensor Forward(Tensor input, RecurrentInputs inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int batch = CheckInput(input);
        if (training && IsQuantized)
        {
            throw new InvalidOperationException($"A quantized {TypeName} layer only infers; train the float model and quantize it again.");
        }

        int steps = input.Shape[1];
        int inputSize = InputShape[1];
        int h = Units;
        var loop = Loop;
        var w = loop.Prepare(loop.Work, batch, steps, inputSize, training);
        w.Trained = false;
        w.Valid = BuildValidity(inputs, batch, steps);
        SetInitialStates(w, inputs.InitialStates, batch);
        PrepareDropout(w, batch, inputSize, training);
        loop.Forward(input.Data);

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

        var output = ResultTensor(ForwardResult, [batch, steps, h]);
        loop.CopySequenceOutputs(output.Data);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor outputGradient) => Backward(outputGradient, null);

    /// <summary>
    /// Backpropagation through time. outputGradient matches Forward's output; finalStateGradients optionally
    /// adds gradients flowing into the final states (for a consumer of <see cref="FinalStates"/>).
    /// </summary>
    /// <param name="outputGradient">dLoss/d(output), shaped as Forward's output.</param>
    /// <param name="finalStateGradients">dLoss/d(final state) per state kind; null entries for none.</param>
    /// <returns>dLoss/d(input), (B, T, I).</returns>
    public Tensor Backward(Tensor outputGradient, IReadOnlyList<Tensor?>? finalStateGradients) =>
        Backward(outputGradient, finalStateGradients, inputGradient: true)!;

    /// <inheritdoc/>
    internal override void BackwardParameters(Tensor outputGradient) => Backward(outputGradient, null, inputGradient: false);

    // Backpropagation through time; dLoss/d(input) only when asked for (null otherwise).
    private Tensor? Backward(Tensor outputGradient, IReadOnlyList<Tensor?>? finalStateGradients, bool inputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var loop = Loop;
        var w = loop.Work;
        if (!w.Trained)
        {
            throw new InvalidOperationException($"{TypeName} Backward needs a Forward with training: true first.");
        }

        int batch = w.Batch, steps = w.Steps, h = Units, block = batch * h;
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

        var dx = inputGradient ? ResultTensor(BackwardResult, [batch, steps, w.InputSize]) : null;
        loop.Backward(outputGradient.Data, dx is null ? [] : dx.Data);
        InitialStateGradients = w.HadInitialStates ? CopyStateGradients(w) : null;
        return dx;
    }

    // In its own method: a lambda over Backward's locals would allocate its closure on every call, used or not. Inside a
    // model's loops the tensors of the last call are refilled (as FinalStates), so a steady-state step allocates nothing.
    private Tensor[] CopyStateGradients(RecurrentWorkspace w)
    {
        var gradients = _initialStateGradients;
        if (!ReusesResults || gradients is null || gradients[0].Shape[0] != w.Batch)
        {
            gradients = _initialStateGradients = new Tensor[StateCount];
            for (int k = 0; k < StateCount; k++)
            {
                gradients[k] = new Tensor(w.Batch, Units);
            }
        }

        for (int k = 0; k < StateCount; k++)
        {
            w.StateGradients[k].AsSpan(0, w.Batch * Units).CopyTo(gradients[k].Data);
        }

        return gradients;
    }

    /// <summary>
    /// A runner that advances a batch of states one step at a time with no allocation per step, for real-time
    /// inference. Dropout is off; states start at zero.
    /// </summary>
    /// <param name="batch">How many sequences advance together.</param>
    public RecurrentStream CreateStream(int batch)
    {
        var loop = Loop;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        var w = loop.Prepare(new RecurrentWorkspace(), batch, 1, InputShape[1], training: false);
        return new RecurrentStream(this, loop, w);
    }

    /// <summary>1, or with return_state the output and then each final state.</summary>
    public override int OutputCount => Options.ReturnState ? 1 + StateCount : 1;

    /// <summary>
    /// A call takes the sequence and optionally its initial states (Keras's initial_state: h, or h and c, each (units)),
    /// and gives the output and, with return_state, the final states.
    /// </summary>
    internal override int[][] BuildCall(IReadOnlyList<int[]> inputShapes, SeededRandom random)
    {
        if (inputShapes.Count != 1 && inputShapes.Count != 1 + StateCount)
        {
            throw new ArgumentException(
                $"{TypeName} takes the sequence and optionally {StateCount} initial state(s), got {inputShapes.Count} inputs.", nameof(inputShapes));
        }

        for (int k = 1; k < inputShapes.Count; k++)
        {
            if (inputShapes[k].Length != 1 || inputShapes[k][0] != Units)
            {
                throw new ArgumentException(
                    $"{TypeName} initial state {k - 1} must be ({Units}) per sample, got {Tensor.FormatShape(inputShapes[k])}.", nameof(inputShapes));
            }
        }

        BuildOrCheck(inputShapes[0], random);
        var shapes = new int[OutputCount][];
        shapes[0] = OutputShape;
        for (int k = 1; k < shapes.Length; k++)
        {
            shapes[k] = [Units];
        }

        return shapes;
    }

    internal override void ForwardCall(Tensor[] inputs, Tensor?[] masks, bool training, Tensor[] outputs, Tensor?[] outputMasks)
    {
        var mask = masks[0];
        outputMasks[0] = ComputeMask(inputs[0], mask);
        if (inputs.Length == 1)
        {
            outputs[0] = ForwardMasked(inputs[0], mask, training);
        }
        else
        {
            _callInputs ??= new RecurrentInputs { InitialStates = new Tensor[StateCount] };
            var states = (Tensor[])_callInputs.InitialStates!;
            Array.Copy(inputs, 1, states, 0, StateCount);
            outputs[0] = Forward(inputs[0], mask is null ? _callInputs : _callInputs with { Mask = mask }, training);
        }

        for (int k = 1; k < outputs.Length; k++)
        {
            outputs[k] = FinalStates[k - 1];
            outputMasks[k] = null;
        }
    }

    internal override void BackwardCall(Tensor[] outputGradients, Tensor[] inputGradients)
    {
        _callStateGradients ??= new Tensor?[StateCount];
        for (int k = 0; k < StateCount; k++)
        {
            _callStateGradients[k] = k + 1 < outputGradients.Length ? outputGradients[k + 1] : null;
        }

        inputGradients[0] = Backward(outputGradients[0], _callStateGradients);
        for (int k = 1; k < inputGradients.Length; k++)
        {
            inputGradients[k] = InitialStateGradients![k - 1];
        }
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
        ["zero_output_for_mask"] = Options.ZeroOutputForMask ? "true" : "false",
        ["return_state"] = Options.ReturnState ? "true" : "false",
    };

    /// <summary>Reads the options that <see cref="BaseConfig"/> wrote.</summary>
    /// <param name="config">A saved layer configuration.</param>
    protected static RecurrentOptions OptionsFromConfig(LayerConfig config) => new()
    {
        ReturnSequences = config.Bool("return_sequences"),
        GoBackwards = config.Bool("go_backwards"),
        Stateful = config.Bool("stateful"),
        Dropout = (float)config.Number("dropout", 0, 0.999999),
        RecurrentDropout = (float)config.Number("recurrent_dropout", 0, 0.999999),
        Init = config.Choice("init", ("keras", WeightInit.Keras), ("pytorch", WeightInit.PyTorch)),
        // Files written before the option existed hold models that output zeros at masked steps.
        ZeroOutputForMask = !config.Has("zero_output_for_mask") || config.Bool("zero_output_for_mask"),
        ReturnState = config.Has("return_state") && config.Bool("return_state"),
    };

    /// <summary>Checks the per-sample input (time, features), creates the cell with its parameters, and the dropout generator.</summary>
    protected sealed override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length != 2 || inputShape[1] < 1)
        {
            throw new ArgumentException($"{TypeName} expects per-sample input (time, features), got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        var cell = CreateCell(inputShape[1], random);
        _loop = new RecurrentTimeLoop(cell, Units, Options.GoBackwards, ReturnSequences, Options.ZeroOutputForMask);
        if (Options.Dropout > 0 || Options.RecurrentDropout > 0)
        {
            _dropoutRandom = new SeededRandom(random.NextUInt64());
        }

        return ReturnSequences ? [inputShape[0], Units] : [Units];
    }

    /// <summary>Adds the layer's parameters (initialised from random) and returns the cell that computes its steps.</summary>
    private protected abstract IRecurrentCell CreateCell(int inputSize, SeededRandom random);

    /// <summary>Keras defaults (glorot-uniform kernel, orthogonal recurrent kernel) or PyTorch's U(±1/√H) for every tensor; biases are the subclass's.</summary>
    private protected void InitializeWeights(RecurrentWeights weights, int inputSize, int gateCount, SeededRandom random)
    {
        int g = gateCount * Units;
        if (Init == WeightInit.Keras)
        {
            WeightInitializers.GlorotUniform(weights.Kernel.Values, inputSize, g, random);
            WeightInitializers.Orthogonal(weights.RecurrentKernel.Values, Units, g, random);
        }
        else
        {
            float limit = 1f / MathF.Sqrt(Units);
            foreach (var p in Parameters)
            {
                WeightInitializers.Uniform(p.Values, limit, random);
            }
        }
    }

    /// <summary>Kernel, recurrent kernel, bias and the optional recurrent bias of G gate blocks, added in that order.</summary>
    private protected RecurrentWeights AddWeights(int inputSize, int gateCount, bool recurrentBias)
    {
        int g = gateCount * Units;
        return new RecurrentWeights(
            AddParameter("kernel", inputSize, g),
            AddParameter("recurrent_kernel", Units, g),
            AddParameter("bias", g),
            recurrentBias ? AddParameter("recurrent_bias", g) : null);
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

    private void SetInitialStates(RecurrentWorkspace w, IReadOnlyList<Tensor>? initial, int batch)
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
            var target = w.State(k, 0);
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

    private void PrepareDropout(RecurrentWorkspace w, int batch, int inputSize, bool training)
    {
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
}
