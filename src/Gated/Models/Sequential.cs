using System.Collections.Concurrent;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Training;

namespace Gated.Models;

/// <summary>
/// A stack of layers trained as one, with the Keras workflow: Build, Compile, Fit, Evaluate, Predict.
/// After Build, all parameters live in one flat buffer (and all gradients in another), so an optimizer
/// update is one loop. Compile, Fit, Evaluate and TrainOnBatch are the <see cref="Trainer"/>'s.
/// </summary>
/// <remarks>
/// Predict may be called from many threads at once: each call borrows a <see cref="Predictor"/> (layers of its own
/// that read this model's weights) from a pool, so predictions run in parallel and give the bits they give alone, also
/// while another thread trains (a prediction sees whole optimizer steps only). Fit, Evaluate and TrainOnBatch (here or
/// on <see cref="Trainer"/>) use the model's own layers, so they are serialized among themselves. For a model with a
/// stateful recurrent layer, whose states live in its layers, Predict is serialized with them instead.
/// </remarks>
public sealed class Sequential : ITrainableModel
{
    private readonly List<Layer> _layers = [];
    private float[] _parameters = [];
    private float[] _gradients = [];
    private int[]? _inputShape;
    private int[] _batchOutputShape = [];
    private readonly ConcurrentBag<Predictor> _predictors = [];
    private readonly Tensor[] _output = new Tensor[1];
    private static readonly string[] OutputNames = ["output"];

    /// <summary>A model of the given layers, in order; more can be added until Build.</summary>
    public Sequential(params IEnumerable<Layer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        Trainer = new Trainer(this);
        foreach (var layer in layers)
        {
            Add(layer);
        }
    }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Per-sample input shape (no batch axis) given to Build.</summary>
    public int[] InputShape => _inputShape ?? throw new InvalidOperationException("The model is not built; call Build first.");

    /// <summary>Per-sample output shape (no batch axis): the last layer's.</summary>
    public int[] OutputShape => _layers.Count == 0 ? InputShape : _layers[^1].OutputShape;

    /// <summary>Whether Build has run.</summary>
    public bool IsBuilt => _inputShape is not null;

    /// <summary>The trainer that runs Compile, Fit, Evaluate and TrainOnBatch on this model; callbacks see it.</summary>
    public Trainer Trainer { get; }

    /// <summary>The optimizer given to Compile; null before.</summary>
    public Optimizer? Optimizer => Trainer.Optimizer;

    /// <summary>The loss given to Compile; null before.</summary>
    public Loss? Loss => Trainer.Loss;

    /// <summary>The metrics given to Compile.</summary>
    public IReadOnlyList<Metric> Metrics => Trainer.Metrics;

    /// <summary>How many parameters all layers hold together.</summary>
    public long ParameterCount => _parameters.Length;

    /// <summary>
    /// Dynamic int8 inference (PyTorch's quantize_dynamic): every Dense and recurrent layer, also inside Bidirectional
    /// and TimeDistributed, multiplies in int8 from now on — weights per output column with float scales, each input and
    /// state row quantized as it comes, exact int32 sums, biases and gate math in float; Embedding tables are int8 with
    /// a scale per dimension. Predict, and predictors and
    /// streams created after this call, run quantized; training is refused (the float weights stay, unchanged).
    /// Returns how many layers were quantized.
    /// </summary>
    public int QuantizeInt8()
    {
        lock (Trainer.Gate)
        {
            int quantized = _layers.Count(l => l.QuantizeInt8());
            _predictors.Clear();
            return quantized;
        }
    }

    /// <summary>Whether <see cref="QuantizeInt8"/> has run.</summary>
    public bool IsQuantized => _layers.Any(l => l.IsQuantized);

    /// <summary>Every parameter, layer by layer in the order of <see cref="Layer.Parameters"/>.</summary>
    public Span<float> ParameterValues => _parameters;

    /// <summary>The gradients, in the layout of <see cref="ParameterValues"/>.</summary>
    public Span<float> ParameterGradients => _gradients;

    /// <summary>Appends a layer; only before Build, and each layer once.</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (IsBuilt)
        {
            throw new InvalidOperationException("Cannot add layers to a model that is already built.");
        }

        if (_layers.Contains(layer))
        {
            throw new ArgumentException("This layer is already in the model.", nameof(layer));
        }

        _layers.Add(layer);
    }

    /// <summary>Builds every layer for inputs of the given per-sample shape, initialising weights from seed.</summary>
    public void Build(int[] inputShape, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (IsBuilt)
        {
            throw new InvalidOperationException("The model is already built.");
        }

        if (_layers.Count == 0)
        {
            throw new InvalidOperationException("The model has no layers.");
        }

        if (inputShape.Length == 0 || inputShape.Any(d => d < 1))
        {
            throw new ArgumentException($"Input shape must have positive dimensions, got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        foreach (var layer in _layers.Where(l => l.OutputCount != 1))
        {
            throw new InvalidOperationException(
                $"{layer.TypeName} gives {layer.OutputCount} tensors (return_state); a Sequential chains layers of one output: use a functional Model.");
        }

        var random = new SeededRandom(seed);
        int[] shape = inputShape;
        foreach (var layer in _layers)
        {
            layer.Build(shape, random);
            shape = layer.OutputShape;
        }

        _inputShape = (int[])inputShape.Clone();
        int total = checked((int)_layers.Sum(l => l.ParameterCount));
        _parameters = new float[total];
        _gradients = new float[total];
        int offset = 0;
        foreach (var parameter in _layers.SelectMany(l => l.Parameters))
        {
            parameter.MoveTo(_parameters, _gradients, offset);
            offset += parameter.Length;
        }

        _batchOutputShape = new int[OutputShape.Length + 1];
    }

    /// <summary>Sets the optimizer, the loss and the metrics (distinct names, none called "loss") for training.</summary>
    public void Compile(Optimizer optimizer, Loss loss, params IEnumerable<Metric> metrics) => Trainer.Compile(optimizer, loss, metrics);

    /// <summary>
    /// Runs the model on x (N, ...) in batches; returns (N, ...output). Safe to call from many threads at once, and
    /// while another thread trains; every call gives the bits a lone call gives with the same weights.
    /// </summary>
    public Tensor Predict(Tensor x, int batchSize = 32)
    {
        if (HasStatefulLayer())
        {
            // The carried states are the model's own layers': one call at a time, on them.
            lock (Trainer.Gate)
            {
                return LayerChain.Predict(_layers, InputShape, x, batchSize, nameof(x));
            }
        }

        CheckInputs(x, nameof(x));
        if (!_predictors.TryTake(out var predictor))
        {
            predictor = CreatePredictor();
        }

        try
        {
            return predictor.Predict(x, batchSize);
        }
        finally
        {
            _predictors.Add(predictor);
        }
    }

    /// <summary>
    /// A predictor for one thread at a time, sharing this model's weights (nothing is copied, so it sees later
    /// training too) with workspaces of its own; see <see cref="Predictor"/>. The model must be built.
    /// </summary>
    /// <exception cref="NotSupportedException">A layer cannot be recreated from its configuration (a user's type not registered with <see cref="LayerRegistry"/>).</exception>
    public Predictor CreatePredictor()
    {
        _ = InputShape;
        return new Predictor(this);
    }

    /// <summary>
    /// A stream that advances <paramref name="batch"/> sequences through the whole model one timestep at a time, with
    /// states of its own; see <see cref="ModelStream"/>. Shorthand for CreatePredictor().CreateStream(batch).
    /// </summary>
    /// <param name="batch">How many sequences advance together.</param>
    /// <exception cref="NotSupportedException">A layer cannot run one step at a time (Bidirectional, go_backwards); the message names it.</exception>
    public ModelStream CreateStream(int batch)
    {
        _ = InputShape;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        return new ModelStream(new Predictor(this), batch);
    }

    /// <summary>Mean loss over x, y computed in batches (sample-weighted, so it does not depend on batchSize).</summary>
    public double Evaluate(Tensor x, Tensor y, int batchSize = 32) => Trainer.Evaluate(x, y, batchSize);

    /// <summary>Loss and every compiled metric over x, y, keyed by name ("loss", "accuracy", ...).</summary>
    public IReadOnlyDictionary<string, double> EvaluateWithMetrics(Tensor x, Tensor y, int batchSize = 32) =>
        Trainer.EvaluateWithMetrics(x, y, batchSize);

    /// <summary>One optimizer step on one batch; returns the batch's loss before the step.</summary>
    public float TrainOnBatch(Tensor x, Tensor y) => Trainer.TrainOnBatch(x, y);

    /// <summary>
    /// Trains for the given epochs with Keras semantics: validationSplit takes the last samples (before any
    /// shuffling) for validation; the training part is reshuffled every epoch when shuffle is on, from seed.
    /// Training starts at initialEpoch when continuing a run restored from a checkpoint.
    /// </summary>
    public History Fit(
        Tensor x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0, bool shuffle = true,
        ulong seed = 0, IReadOnlyList<FitCallback>? callbacks = null, int initialEpoch = 0) =>
        Trainer.Fit(x, y, epochs, batchSize, validationSplit, shuffle, seed, callbacks, initialEpoch);

    /// <summary>
    /// The shuffling state of the current Fit run (generator and sample order), kept so a checkpoint can resume
    /// it; null before the first Fit. Set it (from a checkpoint) before calling Fit with initialEpoch.
    /// </summary>
    public TrainingRunState? TrainingRun
    {
        get => Trainer.TrainingRun;
        set => Trainer.TrainingRun = value;
    }

    /// <summary>A Keras-style table of layers, output shapes and parameter counts.</summary>
    public string Summary()
    {
        var rows = new List<(string Name, string Shape, long Count, string? Connected)>();
        var seen = new Dictionary<string, int>();
        foreach (var layer in _layers)
        {
            string baseName = layer.TypeName.ToLowerInvariant();
            int index = seen.TryGetValue(baseName, out int k) ? k : 0;
            seen[baseName] = index + 1;
            string name = index == 0 ? baseName : $"{baseName}_{index}";
            string shape = layer.IsBuilt ? "(None, " + string.Join(", ", layer.OutputShape) + ")" : "?";
            rows.Add(($"{name} ({layer.TypeName})", shape, layer.IsBuilt ? layer.ParameterCount : 0, null));
        }

        return SummaryTable.Format(rows, rows.Sum(r => r.Count));
    }

    /// <summary>One input.</summary>
    int ITrainableModel.InputCount => 1;

    /// <summary>One output, named "output".</summary>
    IReadOnlyList<string> ITrainableModel.OutputNames => OutputNames;

    /// <summary>Runs every layer on the batch; the result belongs to the last layer and is overwritten by the next call.</summary>
    IReadOnlyList<Tensor> ITrainableModel.Forward(IReadOnlyList<Tensor> inputs, bool training)
    {
        lock (Trainer.Gate)
        {
            _output[0] = Forward(inputs[0], training);
            return _output;
        }
    }

    /// <summary>Runs every layer's Backward, last to first, from dLoss/dOutput.</summary>
    void ITrainableModel.Backward(IReadOnlyList<Tensor> outputGradients)
    {
        lock (Trainer.Gate)
        {
            var gradient = outputGradients[0];
            try
            {
                SetReuse(true);
                for (int i = _layers.Count - 1; i > 0; i--)
                {
                    gradient = _layers[i].Backward(gradient);
                }

                // The first layer's input is the data: its gradient would be thrown away.
                _layers[0].BackwardParameters(gradient);
            }
            finally
            {
                SetReuse(false);
            }
        }
    }

    /// <summary>Throws unless there is one input, (samples, InputShape...), with any length when the first layer accepts one.</summary>
    void ITrainableModel.CheckInputs(IReadOnlyList<Tensor> inputs, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(inputs, parameterName);
        if (inputs.Count != 1)
        {
            throw new ArgumentException($"A Sequential takes one input tensor, got {inputs.Count}.", parameterName);
        }

        CheckInputs(inputs[0], parameterName);
    }

    /// <summary>(samples, OutputShape...), with x's length on a sequence output that follows it.</summary>
    ReadOnlySpan<int> ITrainableModel.OutputShapeOf(IReadOnlyList<Tensor> inputs, int output) => BatchOutputShape(inputs[0]);

    // Filled in place so that training checks shapes without allocating.
    private int[] BatchOutputShape(Tensor x) => LayerChain.BatchOutputShape(_layers, x, _batchOutputShape);

    // The result belongs to the last layer and is overwritten by the next call: callers use or copy it at once.
    private Tensor Forward(Tensor x, bool training) => LayerChain.Forward(_layers, x, training);

    private void SetReuse(bool reuse) => LayerChain.SetReuse(_layers, reuse);

    private bool HasStatefulLayer()
    {
        foreach (var layer in _layers)
        {
            if (layer is Layers.Recurrent.RecurrentLayer { Options.Stateful: true }
                || (layer is Layers.Recurrent.Bidirectional { ForwardLayer.Options.Stateful: true }))
            {
                return true;
            }
        }

        return false;
    }

    private void CheckInputs(Tensor x, string name) => LayerChain.CheckInputs(_layers, InputShape, x, name);
}
