using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Models;

/// <summary>The small models and helpers that the predictor and stream tests share.</summary>
internal static class PredictorModels
{
    public const int Steps = 12, Features = 3, Vocabulary = 20;

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>A compiled model of the named kind: gru, gru_reset_before, lstm, rnn, embedding, bidirectional, sequences, masked.</summary>
    public static Sequential Model(string kind)
    {
        Layer[] layers = kind switch
        {
            "gru" => [new Gru(16, returnSequences: true), new Gru(12), new Dense(2)],
            "gru_reset_before" => [new Gru(16, returnSequences: true, GruVariant.ResetBefore), new Gru(12, false, GruVariant.ResetBefore), new Dense(2)],
            "lstm" => [new Lstm(16), new Dense(2)],
            "rnn" => [new SimpleRnn(16), new Dense(2)],
            "embedding" => [new Embedding(Vocabulary, 8), new Gru(16), new Dense(3), new Activation(ActivationKind.Softmax)],
            "masked" => [new Embedding(Vocabulary, 8, maskZero: true), new Gru(16, returnSequences: true), new Lstm(10), new Dense(2)],
            "bidirectional" => [new Bidirectional(new Gru(12, returnSequences: true)), new Gru(8), new Dense(2)],
            "sequences" => [new Gru(16, returnSequences: true), new Dropout(0.3), new Lstm(12, returnSequences: true), new TimeDistributed(new Dense(4)), new Activation(ActivationKind.Tanh)],
            _ => throw new ArgumentException(kind, nameof(kind)),
        };
        var model = new Sequential(layers);
        model.Build(IsTokens(kind) ? [Steps] : [Steps, Features], seed: 5);
        model.Compile(new Adam(0.01f), Loss.MeanSquaredError);
        return model;
    }

    public static bool IsTokens(string kind) => kind is "embedding" or "masked";

    /// <summary>n inputs for the model kind: features in [-1, 1], or token indices (no 0 unless padding is wanted).</summary>
    public static Tensor Inputs(string kind, int n, ulong seed)
    {
        var random = new SeededRandom(seed);
        var x = IsTokens(kind) ? new Tensor(n, Steps) : new Tensor(n, Steps, Features);
        for (int i = 0; i < x.Length; i++)
        {
            x.Data[i] = IsTokens(kind) ? 1 + (int)(random.NextDouble() * (Vocabulary - 1)) : random.NextUniform(-1f, 1f);
        }

        return x;
    }

    /// <summary>Targets shaped as the model's output of x.</summary>
    public static Tensor Targets(Sequential model, Tensor x, ulong seed)
    {
        var y = new Tensor([x.Shape[0], .. model.OutputShape]);
        var random = new SeededRandom(seed);
        for (int i = 0; i < y.Length; i++)
        {
            y.Data[i] = random.NextUniform(0f, 1f);
        }

        return y;
    }

    public static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }

        return bits;
    }

    /// <summary>Runs call(thread, i) callsPerThread times on each of threadCount threads released together by a barrier.</summary>
    public static List<T> RunConcurrently<T>(int threadCount, int callsPerThread, Func<int, int, T> call)
    {
        using var start = new Barrier(threadCount);
        var tasks = Enumerable.Range(0, threadCount).Select(t => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                var results = new List<T>();
                for (int i = 0; i < callsPerThread; i++)
                {
                    results.Add(call(t, i));
                }

                return results;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        Assert.True(Task.WaitAll(tasks, Timeout), $"{threadCount} threads did not finish within {Timeout.TotalSeconds} s");
        return [.. tasks.SelectMany(t => t.Result)];
    }

    /// <summary>Bytes the action allocates on this thread, in the first of three rounds that allocates nothing (else the last).</summary>
    public static long AllocatedOnceWarm(Action action)
    {
        long allocated = 0;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }
        }

        return allocated;
    }
}
