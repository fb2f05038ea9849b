using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using System.CommandLine;
using Gated.Forecasting;
using Gated.Layers.Recurrent;
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
    // The default workload is the flagship forecast's network: its window, batch, units and layers.
    private static readonly TutorialOptions Flagship = new();

    public static Command Create()
    {
        var cell = Flags.Choice("--cell", Flagship.Cell, RecipeFlags.CellNames, "recurrent cell");
        var batch = Flags.Count("--batch", Flagship.BatchSize, "sequences per call");
        var steps = Flags.Count("--steps", Flagship.Window, "sequence length");
        var input = Flags.Count("--input", 1, "features per step", library: "features");
        var hidden = Flags.Count("--hidden", Flagship.Units, "units per layer", library: "units");
        var layers = Flags.Count("--layers", Flagship.Layers, "stacked recurrent layers, then Dense(1)");
        var mode = Flags.Choice("--mode", "train", [("train", "train"), ("infer", "infer"), ("step", "step")],
            "train (one Adam step, MSE) | infer (one forward) | step (one streaming step)");
        var variant = Flags.Choice("--variant", Flagship.Variant, RecipeFlags.VariantNames, "GRU reset gate");
        var threads = Flags.Count("--threads", 1, $"cores to use: the caller plus N − 1 workers (1 to {Parallelism.MaxThreads})");
        var seconds = Flags.Number("--seconds", 2.0, "how long to keep timing after warm-up (up to 600)");
        var json = Flags.Switch("--json", "print one JSON object instead of a line of text");
        var precision = Flags.Choice("--precision", "float32", [("float32", "float32"), ("int8", "int8")],
            "float32 | int8 (dynamic int8 weights and products, inference and streaming steps only)");
        var command = new Command("bench", "time one workload of the engine (JSON for scripts)")
        {
            cell, batch, steps, input, hidden, layers, mode, variant, threads, seconds, json, precision,
        };
        command.SetAction(parse => Run(
            parse.GetChoice(cell), parse.Given(variant), parse.GetChoice(variant), parse.GetValue(batch), parse.GetValue(steps), parse.GetValue(input),
            parse.GetValue(hidden), parse.GetValue(layers), parse.GetChoice(mode), parse.GetValue(threads), parse.GetValue(seconds),
            parse.GetValue(json), parse.GetChoice(precision), parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(
        RecurrentKind cell, bool variantGiven, GruVariant variant, int batch, int steps, int input, int hidden, int layers, string mode,
        int threads, double seconds, bool json, string precision, TextWriter stdout)
    {
        if (precision == "int8" && mode == "train")
        {
            throw new UsageException("--precision int8 times inference (--mode infer or step); int8 models do not train");
        }

        if (cell != RecurrentKind.Gru && variantGiven)
        {
            throw new UsageException("--variant applies only to --cell gru");
        }

        if (batch < 1)
        {
            throw new UsageException($"--batch must be a positive integer, got '{batch}'");
        }

        if (threads is < 1 or > Parallelism.MaxThreads)
        {
            throw new UsageException($"--threads {threads}: at {(threads < 1 ? "least 1" : $"most {Parallelism.MaxThreads}")}");
        }

        if (!(seconds > 0 && seconds < 600))
        {
            throw new UsageException($"--seconds must be a number in (0, 600), got '{seconds}'");
        }

        string cellName = RecipeFlags.CellNames.First(c => c.Value == cell).Name;
        string variantName = RecipeFlags.VariantNames.First(v => v.Value == variant).Name;
        var model = StackedRecurrent.Build(cell, hidden, layers, steps, input, seed: 1, variant);
        model.Compile(new Adam(1e-3f), Loss.MeanSquaredError);
        if (precision == "int8")
        {
            model.QuantizeInt8();
        }

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
        long calls;
        try
        {
            (times, calls) = Measure(call, seconds);
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
                ["precision"] = precision,
            },
            ["calls"] = calls,
            ["median_seconds"] = median,
            ["min_seconds"] = times.Min(),
            ["sequences_per_second"] = batch / median,
            ["gflops"] = flops / median / 1e9,
            ["peak_working_set_bytes"] = Process.GetCurrentProcess().PeakWorkingSet64,
            ["fma_peak_gflops_1_thread"] = FmaPeak(),
            ["engine"] = $"Gated, {(Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "no wide SIMD")}{(precision == "int8" ? $", int8 on {Parallelism.Int8InstructionSet}" : "")}, .NET {Environment.Version}",
        };

        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(result, BenchJson.Default.DictionaryStringObject));
        }
        else
        {
            stdout.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{cellName} {mode} {precision} B={batch} T={steps} I={input} H={hidden} L={layers}: median {median * 1e3:F3} ms, min {times.Min() * 1e3:F3} ms, {batch / median:F0} seq/s, {flops / median / 1e9:F2} GFLOP/s over {calls} calls"));
        }

        return 0;
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

    // Calls shorter than this are timed in batches: a clock read costs 40–90 ns on this VM (kvm-clock, 10 ns steps), a
    // few percent of a 1 µs call; over a batch of 20 µs or more it is under 0.5 %.
    internal const double BatchSeconds = 20e-6;

    // Warm-up (lets the JIT reach its optimised code), then calls until the time is up, at least 5 timings; a call
    // under BatchSeconds (by the warm-up's mean) is timed in batches sized to last that long, each giving its mean
    // per call. The same rules as the anchors' runners (pytorch_bench.py, ort_bench.js, OrtBench).
    private static (List<double> Times, long Calls) Measure(Action call, double seconds)
    {
        var warm = Stopwatch.StartNew();
        int warmCalls = 0;
        while (warmCalls < 3 || (warm.Elapsed.TotalSeconds < Math.Min(1, seconds / 2) && warmCalls < 10_000))
        {
            call();
            warmCalls++;
        }

        int batch = CallsPerTiming(warm.Elapsed.TotalSeconds / warmCalls);
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 5 || total.Elapsed.TotalSeconds < seconds)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++)
            {
                call();
            }

            // Raw ticks: a TimeSpan (GetElapsedTime) would round to 100 ns.
            times.Add((Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency / batch);
        }

        return (times, (long)times.Count * batch);
    }

    /// <summary>How many calls one timing covers: 1, or enough calls of this mean length to last BatchSeconds.</summary>
    internal static int CallsPerTiming(double meanSeconds) =>
        meanSeconds >= BatchSeconds ? 1 : (int)Math.Ceiling(BatchSeconds / Math.Max(meanSeconds, 1e-9));

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
