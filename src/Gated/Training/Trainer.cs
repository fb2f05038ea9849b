using System.Diagnostics;
using Gated.Data;
using Gated.Tensors;

namespace Gated.Training;

/// <summary>
/// The Keras training workflow for any <see cref="ITrainableModel"/>: Compile, Fit (with validation split,
/// shuffling, callbacks and resuming), Evaluate and TrainOnBatch. Once its buffers are sized, a training step
/// allocates nothing.
/// </summary>
/// <remarks>
/// Fit, Evaluate and TrainOnBatch reuse the model's workspaces and the trainer's buffers, so calls on one trainer
/// are serialized: a second thread waits until the first call returns. The optimizer writes the weights under
/// <see cref="WeightsLock"/>'s write lock, so a reader that holds its read lock (a Sequential's Predict, predictors and
/// streams) sees the weights before or after whole steps, never halfway through one.
/// </remarks>
public sealed class Trainer
{
    // Reused between training steps so that a steady-state step allocates nothing: the loss gradient, and Fit's
    // gathered batches (full ones, and the shorter last one of an epoch).
    private Tensor? _lossGradient;
    private Tensor? _batchX, _batchY, _tailX, _tailY;

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

    /// <summary>A trainer for model; call <see cref="Compile"/> before training or evaluating.</summary>
    public Trainer(ITrainableModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
    }

    /// <summary>The model this trainer updates.</summary>
    public ITrainableModel Model { get; }

    /// <summary>The optimizer given to <see cref="Compile"/>; null before.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss given to <see cref="Compile"/>; null before.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>The metrics given to <see cref="Compile"/>, logged by Fit and Evaluate under their names.</summary>
    public IReadOnlyList<Metric> Metrics { get; private set; } = [];

    /// <summary>
    /// The shuffling state of the current Fit run (generator and sample order), kept so a checkpoint can resume
    /// it; null before the first Fit. Set it (from a checkpoint) before calling Fit with initialEpoch.
    /// </summary>
    public TrainingRunState? TrainingRun { get; set; }

    /// <summary>Sets the optimizer, the loss and the metrics (distinct names, none called "loss") for training.</summary>
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

    /// <summary>Mean loss over x, y computed in batches (sample-weighted, so it does not depend on batchSize).</summary>
    public double Evaluate(Tensor x, Tensor y, int batchSize = 32) => EvaluateWithMetrics(x, y, batchSize)["loss"];

    /// <summary>Loss and every compiled metric over x, y, keyed by name ("loss", "accuracy", ...).</summary>
    public IReadOnlyDictionary<string, double> EvaluateWithMetrics(Tensor x, Tensor y, int batchSize = 32)
    {
        lock (Gate)
        {
            return EvaluateWithMetricsSerialized(x, y, batchSize);
        }
    }

    private IReadOnlyDictionary<string, double> EvaluateWithMetricsSerialized(Tensor x, Tensor y, int batchSize)
    {
        var loss = Loss ?? throw new InvalidOperationException("Compile the model before Evaluate.");
        CheckBatch(x, y, loss);
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
            var prediction = Model.Forward(x.SliceBatch(start, count), training: false);
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
        lock (Gate)
        {
            return TrainOnBatchSerialized(x, y);
        }
    }

    private float TrainOnBatchSerialized(Tensor x, Tensor y)
    {
        var optimizer = Optimizer ?? throw new InvalidOperationException("Compile the model before training.");
        var loss = Loss!;
        CheckBatch(x, y, loss);
        Model.ParameterGradients.Clear();
        var prediction = Model.Forward(x, training: true);
        var gradient = _lossGradient is not null && _lossGradient.Shape.AsSpan().SequenceEqual(prediction.Shape) ? _lossGradient : _lossGradient = new Tensor(prediction.Shape);
        double value = loss.Compute(prediction.Data, y.Data, gradient.Data);
        for (int m = 0; m < Metrics.Count; m++)
        {
            Metrics[m].Update(prediction.Data, y.Data, x.Shape[0]);
        }

        Model.Backward(gradient);
        WeightsLock.EnterWriteLock();
        try
        {
            optimizer.Step(Model.ParameterValues, Model.ParameterGradients);
        }
        finally
        {
            WeightsLock.ExitWriteLock();
        }

        return (float)value;
    }

    /// <summary>
    /// Trains for the given epochs with Keras semantics: validationSplit takes the last samples (before any
    /// shuffling) for validation; the training part is reshuffled every epoch when shuffle is on, from seed.
    /// Training starts at initialEpoch when continuing a run restored from a checkpoint (<see cref="TrainingRun"/>).
    /// </summary>
    /// <exception cref="TrainingDivergedException">A batch loss stopped being finite (a learning rate too large, most often).</exception>
    public History Fit(
        Tensor x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0, bool shuffle = true,
        ulong seed = 0, IReadOnlyList<FitCallback>? callbacks = null, int initialEpoch = 0)
    {
        lock (Gate)
        {
            return FitSerialized(x, y, epochs, batchSize, validationSplit, shuffle, seed, callbacks, initialEpoch);
        }
    }

    private History FitSerialized(
        Tensor x, Tensor y, int epochs, int batchSize, double validationSplit, bool shuffle,
        ulong seed, IReadOnlyList<FitCallback>? callbacks, int initialEpoch)
    {
        var loss = Loss ?? throw new InvalidOperationException("Compile the model before Fit.");
        CheckBatch(x, y, loss);
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
        int validationCount = DatasetSplit.HeldOutCount(n, validationSplit);
        int trainCount = n - validationCount;
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
            callback.Trainer = this;
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
                float batchLoss = TrainOnBatch(Gather(x, indices, ref full ? ref _batchX : ref _tailX), Gather(y, indices, ref full ? ref _batchY : ref _tailY));
                if (!float.IsFinite(batchLoss))
                {
                    throw new TrainingDivergedException(batchLoss, epoch + 1, b + 1);
                }

                lossSum += (double)batchLoss * count;
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

    // The model's own input check first, then the rules every batch shares: y has x's samples, fits the loss, and
    // there is at least one sample.
    private void CheckBatch(Tensor x, Tensor y, Loss loss)
    {
        Model.CheckInputs(x, nameof(x));
        ArgumentNullException.ThrowIfNull(y);
        if (y.Rank == 0 || y.Shape[0] != x.Shape[0])
        {
            throw new ArgumentException($"x has {x.Shape[0]} samples but y has shape {Tensor.FormatShape(y.Shape)}.", nameof(y));
        }

        loss.CheckTargetShape(Model.OutputShapeOf(x), y.Shape);

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
