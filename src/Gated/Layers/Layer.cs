using Gated.Kernels;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// A layer owns its parameters, a Forward that keeps what its Backward needs, and a Backward that returns the
/// input gradient and adds into its parameters' gradients. Shapes exclude the batch axis.
/// </summary>
public abstract class Layer
{
    private readonly List<Parameter> _parameters = [];
    private Tensor?[] _results = new Tensor?[2];
    private int[]? _inputShape;
    private int[]? _outputShape;

    /// <summary>Layer kind as shown by Summary() and stored in model files ("GRU", "Dense").</summary>
    public abstract string TypeName { get; }

    /// <summary>
    /// The layer's name in a functional model (Summary, "Connected to", the logs of a model output it gives, model files);
    /// null gives a name from the type ("gru", "gru_1", ...) when a model is built.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>Per-sample input shape (no batch axis).</summary>
    /// <exception cref="InvalidOperationException">The layer is not built yet.</exception>
    public int[] InputShape => _inputShape ?? throw NotBuilt();

    /// <summary>Per-sample output shape (no batch axis).</summary>
    /// <exception cref="InvalidOperationException">The layer is not built yet.</exception>
    public int[] OutputShape => _outputShape ?? throw NotBuilt();

    /// <summary>Whether <see cref="Build"/> has run, so the shapes are known and the parameters exist.</summary>
    public bool IsBuilt => _outputShape is not null;

    /// <summary>The layer's trainable tensors, wrapped layers' included, in the order they were added; empty until built.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The number of trainable scalars, the sum of the parameters' lengths; 0 until built.</summary>
    public long ParameterCount => _parameters.Sum(p => (long)p.Length);

    /// <summary>Creates and initialises the parameters for inputs of the given per-sample shape.</summary>
    public void Build(int[] inputShape, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(random);
        if (IsBuilt)
        {
            throw new InvalidOperationException($"{TypeName} layer is already built for input {Tensor.FormatShape(InputShape)}.");
        }

        _inputShape = (int[])inputShape.Clone();
        _outputShape = BuildCore(_inputShape, random);
    }

    /// <summary>Runs the layer on a batch. With training, keeps what Backward needs.</summary>
    public abstract Tensor Forward(Tensor input, bool training = false);

    /// <summary>
    /// Runs the layer with the (B, T) mask (1 = real step, 0 = padding) that an earlier layer produced. Layers
    /// that do not use masks run <see cref="Forward(Tensor, bool)"/>.
    /// </summary>
    public virtual Tensor ForwardMasked(Tensor input, Tensor? mask, bool training) => Forward(input, training);

    /// <summary>
    /// The mask of this layer's output, given its input and the input's mask. By default a mask passes through
    /// while the output keeps its time axis, as in Keras.
    /// </summary>
    public virtual Tensor? ComputeMask(Tensor input, Tensor? mask) => mask is not null && OutputShape.Length >= 2 ? mask : null;

    /// <summary>Given dLoss/dOutput of the last training Forward, adds parameter gradients and returns dLoss/dInput.</summary>
    public abstract Tensor Backward(Tensor outputGradient);

    /// <summary>
    /// Backward for a layer whose input is the model's data, which needs no gradient (as PyTorch skips inputs that do
    /// not require one): adds the parameter gradients only. Layers whose input gradient costs a product skip it.
    /// </summary>
    internal virtual void BackwardParameters(Tensor outputGradient) => Backward(outputGradient);

    /// <summary>The generator behind the layer's randomness (dropout masks), if any; checkpoints save its state.</summary>
    internal virtual SeededRandom? RandomStream => null;

    /// <summary>The layer's hyper-parameters, enough to rebuild it (stored in model files).</summary>
    public abstract IReadOnlyDictionary<string, string> GetConfig();

    /// <summary>When true, the time axis of a (time, features) input may differ from the one built for.</summary>
    protected virtual bool AcceptsAnySequenceLength => false;

    /// <summary>Whether inference runs on int8 products (<see cref="QuantizeInt8"/>).</summary>
    internal virtual bool IsQuantized => false;

    /// <summary>
    /// Dynamic int8 inference from now on for a layer with weight matrices (Dense, the recurrent layers, Embedding, and
    /// layers that hold them); training it is then refused. Returns whether the layer has anything to quantize.
    /// </summary>
    internal virtual bool QuantizeInt8() => false;

    /// <summary>The parameters a quantized layer holds in int8 (Dense's kernel; a recurrent layer's two kernels; Embedding's table), with their matrices.</summary>
    internal virtual IEnumerable<(Parameter Parameter, QuantizedMatrix Matrix)> Int8Parameters => [];

    /// <summary>Quantized from a model file: the int8 matrices of <see cref="Int8Parameters"/>, keyed by parameter (whose values hold q · s).</summary>
    /// <exception cref="ArgumentException">A matrix does not fit its parameter, or the layer has no int8 form.</exception>
    internal virtual void LoadInt8(IReadOnlyDictionary<Parameter, QuantizedMatrix> matrices) =>
        throw new ArgumentException($"{TypeName} has no int8 weights.", nameof(matrices));

    /// <summary>parameter's matrix in a file's int8 matrices when there is one of the parameter's (rows, columns); otherwise null.</summary>
    private protected static QuantizedMatrix? Int8Of(IReadOnlyDictionary<Parameter, QuantizedMatrix> matrices, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        return matrices.TryGetValue(parameter, out var matrix) && matrix.Rows == parameter.Shape[0] && matrix.Columns == parameter.Shape[1] ? matrix : null;
    }

    /// <summary>Makes this copy (whose parameters are views of source's, <see cref="Models.LayerChain.ShareLayer"/>) run on source's int8 weights too.</summary>
    internal virtual void ShareInt8Of(Layer source)
    {
    }

    /// <summary>True for layers whose per-sample input is a (time) sequence of token indices (Embedding).</summary>
    internal virtual bool TakesTokenSequences => false;

    /// <summary>True for layers whose output's time axis is their own (RepeatVector, Reshape), not the batch's.</summary>
    internal virtual bool SetsOutputLength => false;

    /// <summary>Whether a batch may bring a sequence length other than the built one (its axis 1).</summary>
    internal bool AcceptsVariableTime => TakesTokenSequences || (InputShape.Length > 1 && AcceptsAnySequenceLength);

    /// <summary>
    /// Checks the per-sample input shape, creates the parameters (<see cref="AddParameter"/>) and initialises them
    /// from <paramref name="random"/>; returns the per-sample output shape. Called once, by <see cref="Build"/>.
    /// </summary>
    /// <param name="inputShape">Per-sample input shape (no batch axis); a copy the layer may keep.</param>
    /// <param name="random">The model's weight-initialisation generator.</param>
    protected abstract int[] BuildCore(int[] inputShape, SeededRandom random);

    /// <summary>
    /// Set by <see cref="Models.Sequential"/> around its own loops (training steps, prediction batches), which use
    /// each result before the layer's next call: the layer may then hand back the same tensors call after call,
    /// so a steady-state training step allocates nothing. A layer called directly always returns new tensors.
    /// </summary>
    internal bool ReusesResults { get; set; }

    /// <summary>Slots of <see cref="ResultTensor"/>; a layer of several inputs uses BackwardResult + k for input k.</summary>
    private protected const int ForwardResult = 0, BackwardResult = 1;

    /// <summary>
    /// The tensor a Forward (slot 0) or Backward (slot 1) returns: a new zeroed one, or, while
    /// <see cref="ReusesResults"/>, last call's when the shape is the same. Callers overwrite every value.
    /// </summary>
    private protected Tensor ResultTensor(int slot, ReadOnlySpan<int> shape)
    {
        if (!ReusesResults)
        {
            return new Tensor(shape.ToArray());
        }

        if (slot >= _results.Length)
        {
            Array.Resize(ref _results, slot + 1);
        }

        var cached = _results[slot];
        if (cached is null || !cached.Shape.AsSpan().SequenceEqual(shape))
        {
            cached = _results[slot] = new Tensor(shape.ToArray());
        }

        return cached;
    }

    /// <summary>Creates a zeroed parameter, adds it to <see cref="Parameters"/> and returns it for initialisation.</summary>
    /// <param name="name">Keras-style name, unique within the layer ("kernel", "bias").</param>
    /// <param name="shape">The parameter's shape, e.g. (I, 3H) for a GRU kernel.</param>
    protected Parameter AddParameter(string name, params int[] shape)
    {
        var parameter = new Parameter(name, shape);
        _parameters.Add(parameter);
        return parameter;
    }

    /// <summary>
    /// Makes a wrapped layer's parameters part of this layer's (wrappers such as Bidirectional, TimeDistributed);
    /// a scope such as "forward" keeps their full names unique.
    /// </summary>
    protected void AddParametersOf(Layer inner, string? scope = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        foreach (var parameter in inner.Parameters)
        {
            if (!string.IsNullOrEmpty(scope))
            {
                parameter.Scope = scope + "/" + parameter.Scope;
            }

            _parameters.Add(parameter);
        }
    }

    /// <summary>
    /// How many tensors one call gives in a functional model: 1, or the output and the final states of a recurrent
    /// layer with return_state. A chain (Sequential) takes only layers of one output.
    /// </summary>
    public virtual int OutputCount => 1;

    /// <summary>
    /// Builds the layer for one call in a functional model and returns the per-sample shape of each output. A layer of
    /// one input builds from it; a layer already built (a second call of a shared layer) checks that the shapes are the
    /// ones it was built for.
    /// </summary>
    internal virtual int[][] BuildCall(IReadOnlyList<int[]> inputShapes, SeededRandom random)
    {
        if (inputShapes.Count != 1)
        {
            throw new ArgumentException($"{TypeName} takes one input, got {inputShapes.Count}.", nameof(inputShapes));
        }

        BuildOrCheck(inputShapes[0], random);
        return [OutputShape];
    }

    /// <summary>
    /// One call's forward pass in a functional model: outputs and their masks from the inputs and theirs. By default the
    /// single-input path: <see cref="ComputeMask(Tensor, Tensor?)"/>, then <see cref="ForwardMasked"/>.
    /// </summary>
    internal virtual void ForwardCall(Tensor[] inputs, Tensor?[] masks, bool training, Tensor[] outputs, Tensor?[] outputMasks)
    {
        outputMasks[0] = ComputeMask(inputs[0], masks[0]);
        outputs[0] = ForwardMasked(inputs[0], masks[0], training);
    }

    /// <summary>
    /// One call's backward pass: from dLoss/d(each output) (zeros for an output nothing used) to dLoss/d(each input),
    /// adding into the parameters' gradients. The input gradients may be the layer's own tensors, valid until its next call.
    /// </summary>
    internal virtual void BackwardCall(Tensor[] outputGradients, Tensor[] inputGradients) =>
        inputGradients[0] = Backward(outputGradients[0]);

    /// <summary>Builds for inputShape, or, when already built, checks that inputShape is the shape it was built for.</summary>
    private protected void BuildOrCheck(int[] inputShape, SeededRandom random)
    {
        if (!IsBuilt)
        {
            Build(inputShape, random);
        }
        else if (!InputShape.AsSpan().SequenceEqual(inputShape))
        {
            throw new ArgumentException(
                $"{TypeName} is built for input {Tensor.FormatShape(InputShape)}; a call with {Tensor.FormatShape(inputShape)} cannot share it.", nameof(inputShape));
        }
    }

    /// <summary>Records the shapes of a layer built by a path other than <see cref="Build"/> (a layer of several inputs).</summary>
    private protected void MarkBuilt(int[] inputShape, int[] outputShape)
    {
        if (IsBuilt)
        {
            throw new InvalidOperationException($"{TypeName} layer is already built for input {Tensor.FormatShape(InputShape)}.");
        }

        _inputShape = (int[])inputShape.Clone();
        _outputShape = outputShape;
    }

    /// <summary>Checks a batch against the built per-sample shape and returns its batch size.</summary>
    protected int CheckInput(Tensor input, string argumentName = "input")
    {
        ArgumentNullException.ThrowIfNull(input, argumentName);
        int[] expected = InputShape;
        bool ok = input.Rank == expected.Length + 1;
        for (int i = 0; ok && i < expected.Length; i++)
        {
            ok = input.Shape[i + 1] == expected[i] || (i == 0 && expected.Length > 1 && AcceptsAnySequenceLength && input.Shape[1] > 0);
        }

        if (!ok)
        {
            string time = AcceptsAnySequenceLength && expected.Length > 1 ? "time" : expected[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new ArgumentException(
                $"{TypeName} expects input (batch, {string.Join(", ", [time, .. expected[1..].Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))])}), got {Tensor.FormatShape(input.Shape)}.", argumentName);
        }

        return input.Shape[0];
    }

    private InvalidOperationException NotBuilt() => new($"{TypeName} layer is not built yet; add it to a model or call Build.");
}
