using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Threading;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Models;

/// <summary>
/// After the first calls have sized every buffer, a training step and a prediction batch allocate nothing on
/// the calling thread (the performance issue's "no allocation in steady state"), and reused buffers do not leak
/// between calls: results match a model that never reuses anything.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class SteadyStateAllocationTests
{
    // "-wide" layers (264 units) run their time loops split by units on 2 threads.
    public static TheoryData<string, int> Cases => new() { { "gru", 1 }, { "gru", 2 }, { "lstm", 2 }, { "rnn", 1 }, { "gru_reset_before", 1 }, { "gru-wide", 2 }, { "lstm-wide", 2 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainingStepsAllocateNothingOnceWarm(string cell, int threads)
    {
        using var count = new ThreadCount(threads);
        var model = Model(cell);
        var (x, y) = Data(32);
        for (int i = 0; i < 3; i++)
        {
            model.TrainOnBatch(x, y);
        }

        // A step allocates nothing in some round of five. One round may not be enough when the machine is busy: a part
        // that a worker usually runs can fall back to the calling thread once and size that thread's own buffers there.
        // A real per-step allocation shows in every round.
        long allocated = 0;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                model.TrainOnBatch(x, y);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }
        }

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void FunctionalTrainingStepsAllocateNothingOnceWarm()
    {
        // Two inputs, an initial state, merge layers, a fan-out and two outputs (ModelTests.MergeGraph).
        using var count = new ThreadCount(1);
        var (model, x) = ModelTests.MergeGraph(seed: 1, samples: 16);
        var y = model.Outputs.Select(o => new Tensor([16, .. o.Shape])).ToArray();
        model.Compile(new Adam(), [Loss.MeanSquaredError, Loss.MeanAbsoluteError], [1.0, 0.5]);
        for (int i = 0; i < 3; i++)
        {
            model.TrainOnBatch(x, y);
        }

        long allocated = 0;
        for (int round = 0; round < 3 && (round == 0 || allocated != 0); round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                model.TrainOnBatch(x, y);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ReusedResultsGiveTheSameTrainingAsFreshOnes()
    {
        // Fit (which reuses) against hand-driven steps on direct layer calls (which never reuse).
        var reused = Model("gru");
        var fresh = Model("gru");
        var (x, y) = Data(40);
        reused.Fit(x, y, epochs: 2, batchSize: 16, shuffle: false);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            for (int start = 0; start < 40; start += 16)
            {
                int n = Math.Min(16, 40 - start);
                StepByHand(fresh, x.SliceBatch(start, n), y.SliceBatch(start, n));
            }
        }

        Assert.Equal(fresh.ParameterValues.ToArray(), reused.ParameterValues.ToArray());
        var first = reused.Predict(x);
        var again = reused.Predict(x);
        Assert.NotSame(first, again);
        Assert.Equal(first.Data, again.Data);
    }

    private static void StepByHand(Sequential model, Tensor x, Tensor y)
    {
        model.ParameterGradients.Clear();
        var current = x;
        foreach (var layer in model.Layers)
        {
            current = layer.Forward(current, training: true);
        }

        var gradient = new Tensor(current.Shape);
        model.Loss!.Compute(current.Data, y.Data, gradient.Data);
        for (int i = model.Layers.Count - 1; i >= 0; i--)
        {
            gradient = model.Layers[i].Backward(gradient);
        }

        model.Optimizer!.Step(model.ParameterValues, model.ParameterGradients);
    }

    private static Sequential Model(string cell)
    {
        int units = cell.EndsWith("-wide", StringComparison.Ordinal) ? 264 : 24;
        Layer recurrent = cell.Split('-')[0] switch
        {
            "lstm" => new Lstm(units, returnSequences: true),
            "rnn" => new SimpleRnn(units, returnSequences: true),
            "gru_reset_before" => new Gru(units, returnSequences: true, GruVariant.ResetBefore),
            _ => new Gru(units, returnSequences: true),
        };
        var model = new Sequential(recurrent, new Gru(24), new Dense(1));
        model.Build([20, 2], seed: 6);
        model.Compile(new Adam(0.01f), Loss.MeanSquaredError);
        return model;
    }

    private static (Tensor X, Tensor Y) Data(int n)
    {
        var random = new SeededRandom(2);
        var x = new Tensor(n, 20, 2);
        var y = new Tensor(n, 1);
        for (int i = 0; i < x.Length; i++)
        {
            x.Data[i] = random.NextUniform(-1f, 1f);
        }

        for (int i = 0; i < y.Length; i++)
        {
            y.Data[i] = random.NextUniform(-1f, 1f);
        }

        return (x, y);
    }
}
