using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Training;

namespace Gated.Models;

/// <summary>
/// A stack of layers trained as one, with the Keras workflow: Build, Compile, Fit, Evaluate, Predict.
/// After Build, all parameters live in one flat buffer (and all gradients in another), so an optimizer
/// update is one loop.
/// </summary>
public sealed class Sequential
{
    private readonly List<Layer> _layers = [];

    // Reused between training steps so that a steady-state step allocates nothing: the loss gradient, and Fit's
    // gathered batches (full ones, and the shorter last one of an epoch).
    private Tensor? _lossGradient;
    private Tensor? _batchX, _batchY, _tailX, _tailY;
    private float[] _parameters = [];
    private float[] _gradients = [];
    private int[]? _inputShape;

    public Sequential(params IEnumerable<Layer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers)
        {
            Add(layer);
        }
    }

    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Per-sample input shape (no batch axis) given to Build.</summary>
    public int[] InputShape => _inputShape ?? throw new InvalidOperationException("The model is not built; call Build first.");

    public int[] OutputShape => _layers.Count == 0 ? InputShape : _layers[^1].OutputShape;

    public bool IsBuilt => _inputShape is not null;

    public Optimizer? Optimizer { get; private set; }

    public Loss? Loss { get; private set; }

    public long ParameterCount => _parameters.Length;

    /// <summary>Every parameter, layer by layer in the order of <see cref="Layer.Parameters"/>.</summary>
    public Span<float> ParameterValues => _parameters;

    public Span<float> ParameterGradients => _gradients;

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
    }

    public IReadOnlyList<Metric> Metrics { get; private set; } = [];

    public void Compile(Optimizer optimizer, Loss loss, params IEnumerable<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(metrics);
        var list = metrics.ToList();
        var names = list.Select(m => m.Name).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count || names.Contains("loss"))
        {
            throw new ArgumentException($"Metric names must be distinct and not 'loss': {string.Join(", ", names)}.", nameof(metrics));
        }

        Optimizer = optimizer;
        Loss = loss;
        Metrics = list;
    }

    /// <summary>Runs the model on x (N, ...) in batches; returns (N, ...output).</summary>
    public Tensor Predict(Tensor x, int batchSize = 32)
    {
        CheckInputs(x, nameof(x));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int n = x.Shape[0];
        int[] outputShape = [n, .. OutputShape];
        if (FollowsInputLength(x))
        {
            outputShape[1] = x.Shape[1];
        }

        var output = new Tensor(outputShape);
        int perSample = output.Length / Math.Max(n, 1);
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            var batch = count == n ? x : x.SliceBatch(start, count);
            var y = ForwardAll(batch, training: false);
            y.Data.AsSpan().CopyTo(output.Data.AsSpan(start * perSample, count * perSample));
        }

        return output;
    }

    /// <summary>Mean loss over x, y computed in batches (sample-weighted, so it does not depend on batchSize).</summary>
    public double Evaluate(Tensor x, Tensor y, int batchSize = 32) => EvaluateWithMetrics(x, y, batchSize)["loss"];

    /// <summary>Loss and every compiled metric over x, y, keyed by name ("loss", "accuracy", ...).</summary>
    public IReadOnlyDictionary<string, double> EvaluateWithMetrics(Tensor x, Tensor y, int batchSize = 32)
    {
        var loss = Loss ?? throw new InvalidOperationException("Compile the model before Evaluate.");
        CheckPairs(x, y);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int n = x.Shape[0];
        double sum = 0;
        foreach (var metric in Metrics)
        {
            metric.Reset();
        }

        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            var prediction = ForwardAll(x.SliceBatch(start, count), training: false);
            var target = y.SliceBatch(start, count).Data;
            sum += loss.Compute(prediction.Data, target, []) * count;
            foreach (var metric in Metrics)
            {
                metric.Update(prediction.Data, target, count);
            }
        }

        var results = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = sum / n };
        foreach (var metric in Metrics)
        {
            results[metric.Name] = metric.Result();
        }

        return results;
    }

    /// <summary>One optimizer step on one batch; returns the batch's loss before the step.</summary>
    public float TrainOnBatch(Tensor x, Tensor y)
    {
        var optimizer = Optimizer ?? throw new InvalidOperationException("Compile the model before training.");
        CheckPairs(x, y);
        Array.Clear(_gradients);
        var prediction = ForwardAll(x, training: true);
        var gradient = _lossGradient is not null && _lossGradient.Shape.AsSpan().SequenceEqual(prediction.Shape) ? _lossGradient : _lossGradient = new Tensor(prediction.Shape);
        double loss = Loss!.Compute(prediction.Data, y.Data, gradient.Data);
        for (int m = 0; m < Metrics.Count; m++)
        {
            Metrics[m].Update(prediction.Data, y.Data, x.Shape[0]);
        }

        try
        {
            SetReuse(true);
            for (int i = _layers.Count - 1; i >= 0; i--)
            {
                gradient = _layers[i].Backward(gradient);
            }
        }
        finally
        {
            SetReuse(false);
        }

        optimizer.Step(_parameters, _gradients);
        return (float)loss;
    }

    /// <summary>
    /// Trains for the given epochs with Keras semantics: validationSplit takes the last samples (before any
    /// shuffling) for validation; the training part is reshuffled every epoch when shuffle is on, from seed.
    /// Training starts at initialEpoch when continuing a run restored from a checkpoint.
    /// </summary>
    public History Fit(
        Tensor x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0, bool shuffle = true,
        ulong seed = 0, IReadOnlyList<FitCallback>? callbacks = null, int initialEpoch = 0)
    {
        if (Optimizer is null)
        {
            throw new InvalidOperationException("Compile the model before Fit.");
        }

        CheckPairs(x, y);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(initialEpoch);
        if (initialEpoch >= epochs)
        {
            throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, $"Must be below epochs ({epochs}).");
        }

        if (!(validationSplit >= 0 && validationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "Validation split must be in [0, 1).");
        }

        int n = x.Shape[0];
        int trainCount = (int)Math.Floor(n * (1.0 - validationSplit));
        int validationCount = n - trainCount;
        if (trainCount == 0 || (validationSplit > 0 && validationCount == 0))
        {
            throw new ArgumentException(
                $"Validation split {validationSplit} of {n} samples leaves {trainCount} for training and {validationCount} for validation; both must be at least 1.",
                nameof(validationSplit));
        }

        callbacks ??= [];
        Tensor? validationX = validationCount > 0 ? x.SliceBatch(trainCount, validationCount) : null;
        Tensor? validationY = validationCount > 0 ? y.SliceBatch(trainCount, validationCount) : null;
        // A fresh run starts from seed; a resumed one (initialEpoch > 0) continues the restored shuffling state.
        var run = initialEpoch == 0
            ? new TrainingRunState(seed, trainCount)
            : TrainingRun ?? throw new InvalidOperationException($"Resuming at epoch {initialEpoch} needs TrainingRun restored from a checkpoint.");
        if (run.Order.Length != trainCount || run.CompletedEpochs != initialEpoch)
        {
            throw new InvalidOperationException(
                $"The restored run finished {run.CompletedEpochs} epochs over {run.Order.Length} training samples; this Fit starts at epoch {initialEpoch} with {trainCount}.");
        }

        TrainingRun = run;
        int batches = (trainCount + batchSize - 1) / batchSize;
        var history = new History();
        foreach (var callback in callbacks)
        {
            callback.Model = this;
            callback.StopTraining = false;
            callback.OnTrainBegin(epochs, batches, trainCount, validationCount);
        }

        for (int epoch = initialEpoch; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var callback in callbacks)
            {
                callback.OnEpochBegin(epoch);
            }

            if (shuffle)
            {
                run.Random.Shuffle(run.Order);
            }

            foreach (var metric in Metrics)
            {
                metric.Reset();
            }

            double lossSum = 0;
            int seen = 0;
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize;
                int count = Math.Min(batchSize, trainCount - start);
                var indices = run.Order.AsSpan(start, count);
                bool full = count == batchSize;
                float loss = TrainOnBatch(Gather(x, indices, ref full ? ref _batchX : ref _tailX), Gather(y, indices, ref full ? ref _batchY : ref _tailY));
                if (!float.IsFinite(loss))
                {
                    throw new ArithmeticException(
                        $"Training diverged: the loss became {loss} in epoch {epoch + 1}, batch {b + 1}. Try a smaller learning rate or gradient clipping.");
                }

                lossSum += (double)loss * count;
                seen += count;
                foreach (var callback in callbacks)
                {
                    callback.OnBatchEnd(epoch, b, lossSum / seen);
                }
            }

            var logs = new EpochLogs(epoch, 0);
            logs.Set("loss", lossSum / seen);
            foreach (var metric in Metrics)
            {
                logs.Set(metric.Name, metric.Result());
            }

            if (validationX is not null)
            {
                foreach (var (name, value) in EvaluateWithMetrics(validationX, validationY!, batchSize))
                {
                    logs.Set("val_" + name, value);
                }
            }

            logs = logs.WithSeconds(clock.Elapsed.TotalSeconds);
            run.CompletedEpochs = epoch + 1;
            history.Add(logs);
            foreach (var callback in callbacks)
            {
                callback.OnEpochEnd(logs);
            }

            if (callbacks.Any(c => c.StopTraining))
            {
                break;
            }
        }

        foreach (var callback in callbacks)
        {
            callback.OnTrainEnd();
        }

        return history;
    }

    /// <summary>
    /// The shuffling state of the current Fit run (generator and sample order), kept so a checkpoint can resume
    /// it; null before the first Fit. Set it (from a checkpoint) before calling Fit with initialEpoch.
    /// </summary>
    public TrainingRunState? TrainingRun { get; set; }

    /// <summary>A Keras-style table of layers, output shapes and parameter counts.</summary>
    public string Summary()
    {
        var rows = new List<(string Name, string Shape, long Count)>();
        var seen = new Dictionary<string, int>();
        foreach (var layer in _layers)
        {
            string baseName = layer.TypeName.ToLowerInvariant();
            int index = seen.TryGetValue(baseName, out int k) ? k : 0;
            seen[baseName] = index + 1;
            string name = index == 0 ? baseName : $"{baseName}_{index}";
            string shape = layer.IsBuilt ? "(None, " + string.Join(", ", layer.OutputShape) + ")" : "?";
            rows.Add(($"{name} ({layer.TypeName})", shape, layer.IsBuilt ? layer.ParameterCount : 0));
        }

        int nameWidth = Math.Max(20, rows.Max(r => r.Name.Length) + 2);
        int shapeWidth = Math.Max(20, rows.Max(r => r.Shape.Length) + 2);
        var text = new StringBuilder();
        string rule = new('─', nameWidth + shapeWidth + 12);
        text.AppendLine(CultureInfo.InvariantCulture, $"{"Layer (type)".PadRight(nameWidth)}{"Output Shape".PadRight(shapeWidth)}{"Param #",12}");
        text.AppendLine(rule);
        foreach (var (name, shape, count) in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{name.PadRight(nameWidth)}{shape.PadRight(shapeWidth)}{count,12:N0}");
        }

        text.AppendLine(rule);
        text.AppendLine(CultureInfo.InvariantCulture, $"Total params: {rows.Sum(r => r.Count):N0}");
        return text.ToString();
    }

    // A sequence output takes its length from the batch when the first layer accepts any length.
    private bool FollowsInputLength(Tensor x) => _layers[^1].OutputShape.Length > 1 && _layers[0].AcceptsVariableTime && x.Rank >= 2;

    // The result belongs to the last layer and is overwritten by the next call: callers use or copy it at once.
    private Tensor ForwardAll(Tensor x, bool training)
    {
        // Masks flow as in Keras: a layer such as Embedding(maskZero) makes one, later layers use or pass it on.
        var current = x;
        Tensor? mask = null;
        try
        {
            SetReuse(true);
            foreach (var layer in _layers)
            {
                var nextMask = layer.ComputeMask(current, mask);
                current = layer.ForwardMasked(current, mask, training);
                mask = nextMask;
            }
        }
        finally
        {
            SetReuse(false);
        }

        return current;
    }

    private void SetReuse(bool reuse)
    {
        foreach (var layer in _layers)
        {
            layer.ReusesResults = reuse;
        }
    }

    private void CheckInputs(Tensor x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        int[] expected = InputShape;
        bool ok = x.Rank == expected.Length + 1 && x.Rank >= 2
            && (x.Shape[^1] == expected[^1] || (expected.Length == 1 && _layers[0].AcceptsVariableTime && x.Shape[1] > 0));
        if (!ok)
        {
            throw new ArgumentException(
                $"Model expects input (samples, {string.Join(", ", expected)}), got {Tensor.FormatShape(x.Shape)}.", name);
        }
    }

    private void CheckPairs(Tensor x, Tensor y)
    {
        CheckInputs(x, nameof(x));
        ArgumentNullException.ThrowIfNull(y);
        if (y.Rank == 0 || y.Shape[0] != x.Shape[0])
        {
            throw new ArgumentException($"x has {x.Shape[0]} samples but y has shape {Tensor.FormatShape(y.Shape)}.", nameof(y));
        }

        Span<int> outputShape = stackalloc int[OutputShape.Length + 1];
        outputShape[0] = x.Shape[0];
        OutputShape.CopyTo(outputShape[1..]);
        if (FollowsInputLength(x))
        {
            outputShape[1] = x.Shape[1];
        }

        (Loss ?? Loss.MeanSquaredError).CheckTargetShape(outputShape, y.Shape);

        if (x.Shape[0] == 0)
        {
            throw new ArgumentException("x has no samples.", nameof(x));
        }
    }

    // The samples at indices, into a buffer reused while the batch size stays (every batch but an epoch's last).
    private static Tensor Gather(Tensor source, ReadOnlySpan<int> indices, ref Tensor? buffer)
    {
        int perSample = source.Length / source.Shape[0];
        if (buffer is null || buffer.Shape[0] != indices.Length || !buffer.Shape.AsSpan(1).SequenceEqual(source.Shape.AsSpan(1)))
        {
            int[] shape = (int[])source.Shape.Clone();
            shape[0] = indices.Length;
            buffer = new Tensor(shape);
        }

        var result = buffer;
        for (int i = 0; i < indices.Length; i++)
        {
            source.Data.AsSpan(indices[i] * perSample, perSample).CopyTo(result.Data.AsSpan(i * perSample, perSample));
        }

        return result;
    }
}
