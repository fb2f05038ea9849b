using System.Diagnostics;
using Gated.Data;
using Gated.Tensors;

namespace Gated.Training;

/// <summary>
/// The Keras training workflow for any <see cref="ITrainableModel"/>: Compile, Fit (with validation split,
/// shuffling, callbacks and resuming), Evaluate and TrainOnBatch, for models of one input and output (the overloads
/// on tensors) or several (the overloads on lists, in the model's input and output order). With several outputs, each
/// has its loss, weight and metrics: the loss minimised and logged as "loss" is Σ weight·loss, and each output's loss
/// and metrics are logged as "NAME_loss" and "NAME_METRIC" (Keras's names). Once its buffers are sized, a training
/// step allocates nothing.
/// </summary>
/// <remarks>
/// Fit, Evaluate and TrainOnBatch reuse the model's workspaces and the trainer's buffers, so calls on one trainer
/// are serialized: a second thread waits until the first call returns. The optimizer writes the weights under
/// <see cref="WeightsLock"/>'s write lock, so a reader that holds its read lock (a Sequential's Predict, predictors and
/// streams) sees the weights before or after whole steps, never halfway through one.
/// </remarks>
public sealed class Trainer
{
    // Reused between training steps so that a steady-state step allocates nothing: the loss gradients, the one-tensor
    // lists of the single-input overloads, and Fit's gathered batches (full ones, and the shorter last one of an epoch).
    private Tensor[] _lossGradients = [];
    private double[] _outputLosses = [];
    private readonly Tensor[] _oneX = new Tensor[1], _oneY = new Tensor[1];
    private Tensor?[] _batchX = [], _batchY = [], _tailX = [], _tailY = [];
    private Tensor[] _gatheredX = [], _gatheredY = [];
    private Loss[] _losses = [];
    private double[] _lossWeights = [];
    private Metric[][] _metrics = [];

    /// <summary>
    /// Held by Fit, Evaluate and TrainOnBatch, and by a model that shares it (Sequential's Forward and Backward), so
    /// that no two calls use the model's own workspaces at once. Reentrant: a callback may call Evaluate.
    /// </summary>
    internal Lock Gate { get; } = new();

    /// <summary>
    /// Written only around the optimizer's step; readers of the weights outside <see cref="Gate"/> (a Sequential's
    /// Predict, its predictors and streams) hold the read lock for a whole call. Recursive, so a callback inside Fit may predict.
    /// </summary>
    internal ReaderWriterLockSlim WeightsLock { get; } = new(LockRecursionPolicy.SupportsRecursion);

    /// <summary>A trainer for model; call <see cref="Compile(Optimizer, Loss, IEnumerable{Metric})"/> before training or evaluating.</summary>
    public Trainer(ITrainableModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
    }

    /// <summary>The model this trainer updates.</summary>
    public ITrainableModel Model { get; }

    /// <summary>The optimizer given to Compile; null before.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss given to Compile (the first output's, when the outputs have losses of their own); null before.</summary>
    public Loss? Loss => _losses.Length > 0 ? _losses[0] : null;

    /// <summary>Each output's loss, in output order; empty before Compile.</summary>
    public IReadOnlyList<Loss> Losses => _losses;

    /// <summary>Each output's weight in the total loss, in output order; empty before Compile.</summary>
    public IReadOnlyList<double> LossWeights => _lossWeights;

    /// <summary>The metrics given to Compile (the first output's, for a model of several outputs), logged by Fit and Evaluate.</summary>
    public IReadOnlyList<Metric> Metrics => _metrics.Length > 0 ? _metrics[0] : [];

    /// <summary>Each output's metrics, in output order; empty before Compile.</summary>
    public IReadOnlyList<IReadOnlyList<Metric>> MetricsPerOutput => _metrics;

    /// <summary>
    /// The shuffling state of the current Fit run (generator and sample order), kept so a checkpoint can resume
    /// it; null before the first Fit. Set it (from a checkpoint) before calling Fit with initialEpoch.
    /// </summary>
    public TrainingRunState? TrainingRun { get; set; }

    /// <summary>
    /// Sets the optimizer, one loss for every output (Keras's single loss) and the metrics (distinct names, none called
    /// "loss") of a model of one output.
    /// </summary>
    /// <exception cref="ArgumentException">Metrics given for a model of several outputs: they need one set per output.</exception>
    public void Compile(Optimizer optimizer, Loss loss, params IEnumerable<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(metrics);
        int outputs = Model.OutputNames.Count;
        var list = metrics.ToList();
        if (outputs > 1 && list.Count > 0)
        {
            throw new ArgumentException(
                $"The model has {outputs} outputs: give metrics per output with Compile(optimizer, losses, lossWeights, metrics).", nameof(metrics));
        }

        Compile(optimizer, Enumerable.Repeat(loss, outputs).ToList(), null, outputs == 1 ? [list] : null);
    }

    /// <summary>
    /// Sets the optimizer and, per output in output order, its loss, its weight in the total loss (1 each when null)
    /// and its metrics (null for none; distinct names within an output, none called "loss").
    /// </summary>
    /// <exception cref="ArgumentException">A list does not have one entry per output, a weight is negative or not finite, or two logged names collide.</exception>
    public void Compile(Optimizer optimizer, IReadOnlyList<Loss> losses, IReadOnlyList<double>? lossWeights = null, IReadOnlyList<IReadOnlyList<Metric>>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(losses);
        var names = Model.OutputNames;
        int outputs = names.Count;
        CheckCount(losses.Count, outputs, "losses", nameof(losses));
        if (losses.Any(l => l is null))
        {
            throw new ArgumentNullException(nameof(losses), "A loss is null.");
        }

        var weights = lossWeights?.ToArray() ?? Enumerable.Repeat(1.0, outputs).ToArray();
        CheckCount(weights.Length, outputs, "loss weights", nameof(lossWeights));
        foreach (double w in weights)
        {
            if (!(double.IsFinite(w) && w >= 0))
            {
                throw new ArgumentException($"Loss weights must be finite and not negative, got {w}.", nameof(lossWeights));
            }
        }

        var perOutput = metrics?.Select(m => (m ?? []).ToArray()).ToArray() ?? Enumerable.Range(0, outputs).Select(_ => Array.Empty<Metric>()).ToArray();
        CheckCount(perOutput.Length, outputs, "metric lists", nameof(metrics));
        var logged = new List<string> { "loss" };
        for (int k = 0; k < outputs; k++)
        {
            if (outputs > 1)
            {
                logged.Add(names[k] + "_loss");
            }

            logged.AddRange(perOutput[k].Select(m => MetricLogName(names, k, m)));
        }

        if (perOutput.SelectMany(m => m).Distinct().Count() != perOutput.Sum(m => m.Length))
        {
            throw new ArgumentException("Each metric object keeps its own running state: give every output its own instances.", nameof(metrics));
        }

        var duplicate = logged.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Logged names must be distinct: '{duplicate.Key}' comes twice ({string.Join(", ", logged)}).", nameof(metrics));
        }

        Optimizer = optimizer;
        _losses = [.. losses];
        _lossWeights = weights;
        _metrics = perOutput;
        _outputLosses = new double[outputs];
        _lossGradients = new Tensor[outputs];
    }

    /// <summary>Mean loss over x, y computed in batches (sample-weighted, so it does not depend on batchSize).</summary>
    public double Evaluate(Tensor x, Tensor y, int batchSize = 32) => EvaluateWithMetrics(x, y, batchSize)["loss"];

    /// <summary>Mean total loss over a model's inputs and targets (one tensor per input and per output), in batches.</summary>
    public double Evaluate(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize = 32) => EvaluateWithMetrics(x, y, batchSize)["loss"];

    /// <summary>Loss and every compiled metric over x, y, keyed by name ("loss", "accuracy", ...).</summary>
    public IReadOnlyDictionary<string, double> EvaluateWithMetrics(Tensor x, Tensor y, int batchSize = 32) =>
        EvaluateWithMetrics([x], [y], batchSize);

    /// <summary>
    /// The total loss, and for several outputs each output's loss, and every compiled metric over x, y (one tensor per
    /// input and per output), keyed by the names Fit logs.
    /// </summary>
    public IReadOnlyDictionary<string, double> EvaluateWithMetrics(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize = 32)
    {
        lock (Gate)
        {
            return EvaluateWithMetricsSerialized(x, y, batchSize);
        }
    }

    private IReadOnlyDictionary<string, double> EvaluateWithMetricsSerialized(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize, PaddingTrim? trim = null)
    {
        RequireCompiled("Evaluate");
        int n = CheckBatch(x, y);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var sums = new double[_losses.Length];
        ResetMetrics();
        var xs = new Tensor[x.Count];
        var ys = new Tensor[y.Count];
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            for (int i = 0; i < xs.Length; i++)
            {
                xs[i] = x[i].SliceBatch(start, count);
            }

            for (int k = 0; k < ys.Length; k++)
            {
                ys[k] = y[k].SliceBatch(start, count);
            }

            trim?.Apply(xs, ys);
            var predictions = Model.Forward(xs, training: false);
            for (int k = 0; k < _losses.Length; k++)
            {
                var target = ys[k].Data;
                sums[k] += _losses[k].Compute(predictions[k].Data, target, []) * count;
                foreach (var metric in _metrics[k])
                {
                    metric.Update(predictions[k].Data, target, count);
                }
            }
        }

        var results = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = 0 };
        for (int k = 0; k < sums.Length; k++)
        {
            results["loss"] += _lossWeights[k] * sums[k] / n;
            if (sums.Length > 1)
            {
                results[Model.OutputNames[k] + "_loss"] = sums[k] / n;
            }
        }

        AddMetricResults(results);
        return results;
    }

    /// <summary>One optimizer step on one batch; returns the batch's loss before the step.</summary>
    public float TrainOnBatch(Tensor x, Tensor y)
    {
        lock (Gate)
        {
            _oneX[0] = x;
            _oneY[0] = y;
            return TrainOnBatchSerialized(_oneX, _oneY);
        }
    }

    /// <summary>One optimizer step on one batch of each input and target; returns the batch's total loss before the step.</summary>
    public float TrainOnBatch(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y)
    {
        lock (Gate)
        {
            return TrainOnBatchSerialized(x, y);
        }
    }

    private float TrainOnBatchSerialized(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y)
    {
        var optimizer = RequireCompiled("training");
        int samples = CheckBatch(x, y);
        Model.ParameterGradients.Clear();
        var predictions = Model.Forward(x, training: true);
        double total = 0;
        for (int k = 0; k < _losses.Length; k++)
        {
            var prediction = predictions[k];
            var gradient = _lossGradients[k] is Tensor g && g.Shape.AsSpan().SequenceEqual(prediction.Shape) ? g : _lossGradients[k] = new Tensor(prediction.Shape);
            double value = _losses[k].Compute(prediction.Data, y[k].Data, gradient.Data);
            double weight = _lossWeights[k];
            if (weight != 1)
            {
                var d = gradient.Data.AsSpan();
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = (float)(d[i] * weight);
                }
            }

            _outputLosses[k] = value;
            total += weight * value;
            foreach (var metric in _metrics[k])
            {
                metric.Update(prediction.Data, y[k].Data, samples);
            }
        }

        Model.Backward(_lossGradients);
        WeightsLock.EnterWriteLock();
        try
        {
            optimizer.Step(Model.ParameterValues, Model.ParameterGradients);
        }
        finally
        {
            WeightsLock.ExitWriteLock();
        }

        return (float)total;
    }

    /// <summary>
    /// Trains for the given epochs with Keras semantics: validationSplit takes the last samples (before any
    /// shuffling) for validation; the training part is reshuffled every epoch when shuffle is on, from seed.
    /// Training starts at initialEpoch when continuing a run restored from a checkpoint (<see cref="TrainingRun"/>).
    /// </summary>
    /// <exception cref="TrainingDivergedException">A batch loss stopped being finite (a learning rate too large, most often).</exception>
    public History Fit(
        Tensor x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0, bool shuffle = true,
        ulong seed = 0, IReadOnlyList<FitCallback>? callbacks = null, int initialEpoch = 0) =>
        Fit([x], [y], epochs, batchSize, validationSplit, shuffle, seed, callbacks, initialEpoch);

    /// <summary>
    /// Fit for a model of several inputs or outputs: x holds one tensor per input, y one per output, all with the same
    /// samples; the same samples of each are shuffled, batched and held out together.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A batch loss stopped being finite (a learning rate too large, most often).</exception>
    public History Fit(
        IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int epochs = 1, int batchSize = 32, double validationSplit = 0, bool shuffle = true,
        ulong seed = 0, IReadOnlyList<FitCallback>? callbacks = null, int initialEpoch = 0) =>
        Fit(x, y, epochs, batchSize, validationSplit, shuffle, seed, callbacks, initialEpoch, trim: null);

    /// <summary>Fit with every training and validation batch cut by trim (a functional model's trimPadding).</summary>
    internal History Fit(
        IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int epochs, int batchSize, double validationSplit, bool shuffle,
        ulong seed, IReadOnlyList<FitCallback>? callbacks, int initialEpoch, PaddingTrim? trim)
    {
        lock (Gate)
        {
            return FitSerialized(x, y, epochs, batchSize, validationSplit, shuffle, seed, callbacks, initialEpoch, trim);
        }
    }

    private History FitSerialized(
        IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int epochs, int batchSize, double validationSplit, bool shuffle,
        ulong seed, IReadOnlyList<FitCallback>? callbacks, int initialEpoch, PaddingTrim? trim)
    {
        RequireCompiled("Fit");
        int n = CheckBatch(x, y);
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

        int validationCount = DatasetSplit.HeldOutCount(n, validationSplit);
        int trainCount = n - validationCount;
        if (trainCount == 0 || (validationSplit > 0 && validationCount == 0))
        {
            throw new ArgumentException(
                $"Validation split {validationSplit} of {n} samples leaves {trainCount} for training and {validationCount} for validation; both must be at least 1.",
                nameof(validationSplit));
        }

        callbacks ??= [];
        Tensor[]? validationX = validationCount > 0 ? x.Select(t => t.SliceBatch(trainCount, validationCount)).ToArray() : null;
        Tensor[]? validationY = validationCount > 0 ? y.Select(t => t.SliceBatch(trainCount, validationCount)).ToArray() : null;
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
        PrepareBatchBuffers(x.Count, y.Count);
        var history = new History();
        foreach (var callback in callbacks)
        {
            callback.Trainer = this;
            callback.StopTraining = false;
            callback.OnTrainBegin(epochs, batches, trainCount, validationCount);
        }

        var outputLossSums = new double[_losses.Length];
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

            ResetMetrics();
            Array.Clear(outputLossSums);
            double lossSum = 0;
            int seen = 0;
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize;
                int count = Math.Min(batchSize, trainCount - start);
                var indices = run.Order.AsSpan(start, count);
                bool full = count == batchSize;
                GatherAll(x, indices, full ? _batchX : _tailX, _gatheredX);
                GatherAll(y, indices, full ? _batchY : _tailY, _gatheredY);
                trim?.Apply(_gatheredX, _gatheredY);
                float batchLoss = TrainOnBatchSerialized(_gatheredX, _gatheredY);
                if (!float.IsFinite(batchLoss))
                {
                    throw new TrainingDivergedException(batchLoss, epoch + 1, b + 1);
                }

                lossSum += (double)batchLoss * count;
                for (int k = 0; k < outputLossSums.Length; k++)
                {
                    outputLossSums[k] += _outputLosses[k] * count;
                }

                seen += count;
                foreach (var callback in callbacks)
                {
                    callback.OnBatchEnd(epoch, b, lossSum / seen);
                }
            }

            var logs = new EpochLogs(epoch, 0);
            logs.Set("loss", lossSum / seen);
            for (int k = 0; outputLossSums.Length > 1 && k < outputLossSums.Length; k++)
            {
                logs.Set(Model.OutputNames[k] + "_loss", outputLossSums[k] / seen);
            }

            var metricResults = new Dictionary<string, double>(StringComparer.Ordinal);
            AddMetricResults(metricResults);
            foreach (var (name, value) in metricResults)
            {
                logs.Set(name, value);
            }

            if (validationX is not null)
            {
                foreach (var (name, value) in EvaluateWithMetricsSerialized(validationX, validationY!, batchSize, trim))
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

    private Optimizer RequireCompiled(string what) =>
        Optimizer ?? throw new InvalidOperationException($"Compile the model before {what}.");

    private static void CheckCount(int given, int outputs, string what, string parameterName)
    {
        if (given != outputs)
        {
            throw new ArgumentException($"The model has {outputs} output(s); got {given} {what}.", parameterName);
        }
    }

    // Keras's names: a metric's own name for a model of one output, "OUTPUT_METRIC" for several.
    private static string MetricLogName(IReadOnlyList<string> outputNames, int output, Metric metric) =>
        outputNames.Count == 1 ? metric.Name : outputNames[output] + "_" + metric.Name;

    private void ResetMetrics()
    {
        foreach (var metrics in _metrics)
        {
            foreach (var metric in metrics)
            {
                metric.Reset();
            }
        }
    }

    private void AddMetricResults(Dictionary<string, double> results)
    {
        for (int k = 0; k < _metrics.Length; k++)
        {
            foreach (var metric in _metrics[k])
            {
                results[MetricLogName(Model.OutputNames, k, metric)] = metric.Result();
            }
        }
    }

    // The model's own input check first, then the rules every batch shares: one target per output with x's samples,
    // each fitting its loss, and at least one sample. Returns the number of samples.
    private int CheckBatch(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        Model.CheckInputs(x, nameof(x));
        int n = x[0].Shape[0];
        if (y.Count != _losses.Length)
        {
            throw new ArgumentException($"The model has {_losses.Length} output(s); got {y.Count} target tensors.", nameof(y));
        }

        for (int k = 0; k < y.Count; k++)
        {
            var target = y[k];
            ArgumentNullException.ThrowIfNull(target, nameof(y));
            if (target.Rank == 0 || target.Shape[0] != n)
            {
                string which = y.Count == 1 ? "y" : $"Target {k} ({Model.OutputNames[k]})";
                throw new ArgumentException($"x has {n} samples but {which} has shape {Tensor.FormatShape(target.Shape)}.", nameof(y));
            }

            _losses[k].CheckTargetShape(Model.OutputShapeOf(x, k), target.Shape);
        }

        if (n == 0)
        {
            throw new ArgumentException("x has no samples.", nameof(x));
        }

        return n;
    }

    private void PrepareBatchBuffers(int inputs, int outputs)
    {
        if (_batchX.Length != inputs)
        {
            _batchX = new Tensor?[inputs];
            _tailX = new Tensor?[inputs];
            _gatheredX = new Tensor[inputs];
        }

        if (_batchY.Length != outputs)
        {
            _batchY = new Tensor?[outputs];
            _tailY = new Tensor?[outputs];
            _gatheredY = new Tensor[outputs];
        }
    }

    private static void GatherAll(IReadOnlyList<Tensor> sources, ReadOnlySpan<int> indices, Tensor?[] buffers, Tensor[] gathered)
    {
        for (int i = 0; i < sources.Count; i++)
        {
            gathered[i] = Gather(sources[i], indices, ref buffers[i]);
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
