using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Threading;
using Gated.Training;

namespace Gated.Cli;

/// <summary>
/// `gated bench`: times one workload of the recurrent engine (a training step, an inference call or one streaming
/// step) and prints a JSON object that outside scripts read. Keep its flags and field names stable.
/// </summary>
internal static class BenchCommand
{
    public const string Help = """
        gated bench [options]   time one workload of the recurrent engine

          --cell C          gru | lstm | rnn (default: gru)
          --batch B         sequences per call (default: 32)
          --steps T         sequence length (default: 100)
          --input I         features per step (default: 1)
          --hidden H        units per layer (default: 50)
          --layers L        stacked recurrent layers, then Dense(1) (default: 2)
          --mode M          train (one Adam step, MSE) | infer (one forward) | step (one streaming step) (default: train)
          --variant V       GRU reset gate: reset-after | reset-before (default: reset-after)
          --threads N       cores to use: the caller plus N − 1 workers (default: 1, 1 to 256)
          --seconds S       how long to keep timing after warm-up (default: 2)
          --json            print one JSON object instead of a line of text
        """;

    private static readonly HashSet<string> Options = ["cell", "batch", "steps", "input", "hidden", "layers", "mode", "variant", "threads", "seconds"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var line = new CommandLine(args, Options, new HashSet<string> { "json" });
        string cellName = line.Choice("cell", "gru", "gru", "lstm", "rnn");
        var cell = Recipe.ParseCell(cellName);
        int batch = line.PositiveInt("batch", 32);
        int steps = line.PositiveInt("steps", 100);
        int input = line.PositiveInt("input", 1);
        int hidden = line.PositiveInt("hidden", 50);
        int layers = line.PositiveInt("layers", 2);
        string mode = line.Choice("mode", "train", "train", "infer", "step");
        string variantName = line.Choice("variant", "reset-after", "reset-after", "reset-before");
        if (cell != RecurrentKind.Gru && line.Has("variant"))
        {
            throw new UsageException("--variant applies only to --cell gru");
        }

        int threads = line.PositiveInt("threads", 1);
        if (threads > 256)
        {
            throw new UsageException($"--threads {threads}: at most 256");
        }

        double seconds = line.Number("seconds", 2, 0, 600);
        var variant = variantName == "reset-after" ? GruVariant.ResetAfter : GruVariant.ResetBefore;

        var model = BuildModel(cell, variant, steps, input, hidden, layers);
        var random = new SeededRandom(1);
        var x = RandomTensor(random, batch, steps, input);
        var y = RandomTensor(random, batch, 1);
        Action call = mode switch
        {
            "train" => () => model.TrainOnBatch(x, y),
            "infer" => () => model.Predict(x, batchSize: batch),
            _ => StreamStep(model, batch, input, random),
        };

        // The thread count is process-wide: set it for the measurement only.
        int previousThreads = Parallelism.Threads;
        Parallelism.Threads = threads;
        List<double> times;
        try
        {
            times = Measure(call, seconds);
        }
        finally
        {
            Parallelism.Threads = previousThreads;
        }

        double median = Median(times);
        double flops = Flops(cell, mode, batch, mode == "step" ? 1 : steps, input, hidden, layers);
        var result = new Dictionary<string, object>
        {
            ["workload"] = new Dictionary<string, object>
            {
                ["cell"] = cellName,
                ["batch"] = batch,
                ["steps"] = mode == "step" ? 1 : steps,
                ["input"] = input,
                ["hidden"] = hidden,
                ["layers"] = mode == "step" ? 1 : layers,
                ["mode"] = mode,
                ["variant"] = cell == RecurrentKind.Gru ? variantName : "n/a",
                ["threads"] = threads,
            },
            ["calls"] = times.Count,
            ["median_seconds"] = median,
            ["min_seconds"] = times.Min(),
            ["sequences_per_second"] = batch / median,
            ["gflops"] = flops / median / 1e9,
            ["peak_working_set_bytes"] = Process.GetCurrentProcess().PeakWorkingSet64,
            ["fma_peak_gflops_1_thread"] = FmaPeak(),
            ["engine"] = $"Gated, {(Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "no wide SIMD")}, .NET {Environment.Version}",
        };

        if (line.Has("json"))
        {
            stdout.WriteLine(JsonSerializer.Serialize(result));
        }
        else
        {
            stdout.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{cellName} {mode} B={batch} T={steps} I={input} H={hidden} L={layers}: median {median * 1e3:F3} ms, min {times.Min() * 1e3:F3} ms, {batch / median:F0} seq/s, {flops / median / 1e9:F2} GFLOP/s over {times.Count} calls"));
        }

        return 0;
    }

    /// <summary>The model a workload times: L stacked cells (all but the last return sequences), then Dense(1).</summary>
    internal static Sequential BuildModel(RecurrentKind cell, GruVariant variant, int steps, int input, int hidden, int layers)
    {
        var stack = new List<Layer>();
        for (int i = 0; i < layers; i++)
        {
            var options = new RecurrentOptions { ReturnSequences = i < layers - 1 };
            stack.Add(cell switch
            {
                RecurrentKind.Gru => new Gru(hidden, options, variant),
                RecurrentKind.Lstm => new Lstm(hidden, options),
                _ => new SimpleRnn(hidden, options),
            });
        }

        stack.Add(new Dense(1));
        var model = new Sequential(stack);
        model.Build([steps, input], seed: 1);
        model.Compile(new Adam(1e-3f), Loss.MeanSquaredError);
        return model;
    }

    /// <summary>
    /// Multiply-adds counted as 2 FLOPs: per layer and step the input and recurrent GEMMs, 2·B·G·H·(I + H); the
    /// Dense head 2·B·H; a training step counts three times the forward (forward, input and weight gradients).
    /// </summary>
    internal static double Flops(RecurrentKind cell, string mode, int batch, int steps, int input, int hidden, int layers)
    {
        int gates = cell switch { RecurrentKind.Gru => 3, RecurrentKind.Lstm => 4, _ => 1 };
        double forward = 0;
        int layerInput = input;
        int stackDepth = mode == "step" ? 1 : layers;
        for (int l = 0; l < stackDepth; l++)
        {
            forward += 2.0 * batch * steps * gates * hidden * (layerInput + hidden);
            layerInput = hidden;
        }

        if (mode != "step")
        {
            forward += 2.0 * batch * hidden;
        }

        return mode == "train" ? 3 * forward : forward;
    }

    private static Action StreamStep(Sequential model, int batch, int input, SeededRandom random)
    {
        var layer = (RecurrentLayer)model.Layers[0];
        var stream = layer.CreateStream(batch);
        var x = RandomTensor(random, batch, input).Data;
        var output = new float[batch * layer.Units];
        return () => stream.Step(x, output);
    }

    // Warm-up (lets the JIT reach its optimised code), then calls until the time is up, at least 5.
    private static List<double> Measure(Action call, double seconds)
    {
        var warm = Stopwatch.StartNew();
        int warmCalls = 0;
        while (warmCalls < 3 || (warm.Elapsed.TotalSeconds < Math.Min(1, seconds / 2) && warmCalls < 10_000))
        {
            call();
            warmCalls++;
        }

        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 5 || total.Elapsed.TotalSeconds < seconds)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return times;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }

    /// <summary>One core's FMA throughput: independent accumulator chains of the widest accelerated vector.</summary>
    // One core's FMA peak: the best of five ~40 ms runs of independent FMA chains. Ten chains cover the
    // latency × throughput of current cores (4 cycles × 2 pipes) and fit AVX2's 16 registers with the two
    // operands; each width has its own small method so that the JIT keeps every chain in a register.
    private static float s_fmaSink;

    internal static double FmaPeak()
    {
        const int iterations = 2_000_000;
        int lanes = Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector256<float>.Count;
        double best = 0;
        for (int trial = 0; trial < 5; trial++)
        {
            long start = Stopwatch.GetTimestamp();

            // A static store keeps the chains alive (the JIT removed them, loop and all, when the sum went only to GC.KeepAlive).
            s_fmaSink = Vector512.IsHardwareAccelerated ? FmaChains512(iterations) : FmaChains256(iterations);
            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, 10.0 * lanes * 2 * iterations / elapsed / 1e9);
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float FmaChains256(int iterations)
    {
        var a = Vector256.Create(1.0000001f);
        var b = Vector256.Create(0.9999999f);
        Vector256<float> c0 = Vector256.Create(0.1f), c1 = Vector256.Create(0.2f), c2 = Vector256.Create(0.3f), c3 = Vector256.Create(0.4f), c4 = Vector256.Create(0.5f),
            c5 = Vector256.Create(0.6f), c6 = Vector256.Create(0.7f), c7 = Vector256.Create(0.8f), c8 = Vector256.Create(0.9f), c9 = Vector256.Create(1.1f);
        for (int i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(a, c0, b);
            c1 = Vector256.FusedMultiplyAdd(a, c1, b);
            c2 = Vector256.FusedMultiplyAdd(a, c2, b);
            c3 = Vector256.FusedMultiplyAdd(a, c3, b);
            c4 = Vector256.FusedMultiplyAdd(a, c4, b);
            c5 = Vector256.FusedMultiplyAdd(a, c5, b);
            c6 = Vector256.FusedMultiplyAdd(a, c6, b);
            c7 = Vector256.FusedMultiplyAdd(a, c7, b);
            c8 = Vector256.FusedMultiplyAdd(a, c8, b);
            c9 = Vector256.FusedMultiplyAdd(a, c9, b);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float FmaChains512(int iterations)
    {
        var a = Vector512.Create(1.0000001f);
        var b = Vector512.Create(0.9999999f);
        Vector512<float> c0 = Vector512.Create(0.1f), c1 = Vector512.Create(0.2f), c2 = Vector512.Create(0.3f), c3 = Vector512.Create(0.4f), c4 = Vector512.Create(0.5f),
            c5 = Vector512.Create(0.6f), c6 = Vector512.Create(0.7f), c7 = Vector512.Create(0.8f), c8 = Vector512.Create(0.9f), c9 = Vector512.Create(1.1f);
        for (int i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(a, c0, b);
            c1 = Vector512.FusedMultiplyAdd(a, c1, b);
            c2 = Vector512.FusedMultiplyAdd(a, c2, b);
            c3 = Vector512.FusedMultiplyAdd(a, c3, b);
            c4 = Vector512.FusedMultiplyAdd(a, c4, b);
            c5 = Vector512.FusedMultiplyAdd(a, c5, b);
            c6 = Vector512.FusedMultiplyAdd(a, c6, b);
            c7 = Vector512.FusedMultiplyAdd(a, c7, b);
            c8 = Vector512.FusedMultiplyAdd(a, c8, b);
            c9 = Vector512.FusedMultiplyAdd(a, c9, b);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9);
    }

    private static Tensor RandomTensor(SeededRandom random, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++)
        {
            t.Data[i] = random.NextUniform(-1, 1);
        }

        return t;
    }
}
