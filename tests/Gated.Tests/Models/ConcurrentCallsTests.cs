using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Threading;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Models;

/// <summary>
/// Calls on one model from several threads (Predict in parallel on pooled predictors, Evaluate serialized with training)
/// each give the bits they give alone,
/// whatever the shapes the other threads use, and a model wide enough to split its time loop by units (two callers
/// meeting in the worker pool) finishes. Every wait has a timeout, so a regression fails instead of hanging.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class ConcurrentCallsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void ManyThreadsPredictingSameShapesGetTheSingleThreadBits()
    {
        using var threads = new ThreadCount(2);
        var model = Model(units: 32);
        var x = Random(16, 10, 3, seed: 1);
        var expected = Bits(model.Predict(x));

        var results = RunConcurrently(threadCount: 8, callsPerThread: 25, (_, _) => Bits(model.Predict(x)));

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void ManyThreadsPredictingAndEvaluatingMixedShapesGetTheSingleThreadBits()
    {
        using var threads = new ThreadCount(2);
        var model = Model(units: 32);
        int[] sizes = [1, 7, 33, 64];
        var inputs = sizes.Select((n, i) => Random(n, 10, 3, seed: (ulong)(10 + i))).ToArray();
        var targets = sizes.Select((n, i) => Random(n, 1, 1, seed: (ulong)(20 + i)).Reshape(n, 1)).ToArray();
        var predictions = inputs.Select(x => Bits(model.Predict(x))).ToArray();
        var losses = inputs.Select((x, i) => model.Evaluate(x, targets[i])).ToArray();

        var results = RunConcurrently(threadCount: 8, callsPerThread: 25, (thread, call) =>
        {
            int which = (thread + call) % sizes.Length;
            bool evaluate = call % 3 == 2;
            bool same = evaluate
                ? BitConverter.DoubleToInt64Bits(model.Evaluate(inputs[which], targets[which])) == BitConverter.DoubleToInt64Bits(losses[which])
                : Bits(model.Predict(inputs[which])).SequenceEqual(predictions[which]);
            return same ? [] : new[] { which };
        });

        Assert.All(results, r => Assert.Empty(r));
    }

    [Fact]
    public void TwoCallersOnAModelSplitByUnitsFinishWithTheSingleThreadBits()
    {
        // 264 units: the time loop splits by units on two threads (a SpinBarrier job) when the pool is free.
        using var threads = new ThreadCount(2);
        var model = Model(units: 264);
        var x = Random(4, 10, 3, seed: 2);
        var expected = Bits(model.Predict(x));

        var results = RunConcurrently(threadCount: 4, callsPerThread: 10, (_, _) => Bits(model.Predict(x)));

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    // Runs call(thread, i) callsPerThread times on each of threadCount threads started together; fails after Timeout.
    private static List<int[]> RunConcurrently(int threadCount, int callsPerThread, Func<int, int, int[]> call)
    {
        using var start = new Barrier(threadCount);
        var tasks = Enumerable.Range(0, threadCount).Select(t => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                var results = new List<int[]>();
                for (int i = 0; i < callsPerThread; i++)
                {
                    results.Add(call(t, i));
                }

                return results;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        Assert.True(Task.WaitAll(tasks, Timeout), $"{threadCount} threads calling one model did not finish within {Timeout.TotalSeconds} s");
        return [.. tasks.SelectMany(t => t.Result)];
    }

    private static Sequential Model(int units)
    {
        var model = new Sequential(new Gru(units), new Dense(1));
        model.Build([10, 3], seed: 4);
        model.Compile(new Adam(0.01f), Loss.MeanSquaredError);
        return model;
    }

    private static Tensor Random(int n, int steps, int features, ulong seed)
    {
        var random = new SeededRandom(seed);
        var x = new Tensor(n, steps, features);
        for (int i = 0; i < x.Length; i++)
        {
            x.Data[i] = random.NextUniform(-1f, 1f);
        }

        return x;
    }

    private static int[] Bits(Tensor t) => [.. t.Data.Select(BitConverter.SingleToInt32Bits)];
}
