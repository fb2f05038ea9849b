// Times one `gated bench` workload in ONNX Runtime for .NET (Microsoft.ML.OnnxRuntime 1.31.1, in-process, the way a
// .NET application runs ORT) and prints the same JSON fields. The twin of ort_bench.js (onnxruntime-node): the same
// command line, inputs, session options, warm-up and timing loop. Inference and streaming step only: ONNX Runtime
// doesn't train.
//
//   dotnet run -c Release --project bench/anchors/OrtBench -- MODEL.onnx --cell gru --batch B --steps T --input I
//        --hidden H --layers L --mode infer|step [--variant V] [--threads N] [--seconds S] [--json]
//
// MODEL.onnx comes from make_onnx.py (same flags). infer feeds "x" (B, T, I); step feeds "x" (B, 1, I) and a state
// "h" (1, B, H) (and "c" for LSTM): x is uniform in [-1, 1), every other input zeros. The input OrtValues are made
// once, over pinned arrays, and each timed call is one session.Run(RunOptions, names, OrtValue[], output names) whose
// outputs are disposed in the call. peak_working_set_bytes is the process peak (Process.PeakWorkingSet64).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

try
{
    return Bench.Run(args);
}
catch (Exception e)
{
    Console.Error.WriteLine(e.Message.ReplaceLineEndings(" ").Trim());
    return 1;
}

static class Bench
{
    sealed class Options
    {
        public string Cell = "gru", Mode = "infer", Variant = "reset-after";
        public int Batch = 32, Steps = 100, Input = 1, Hidden = 50, Layers = 2, Threads = 1;
        public double Seconds = 2;
        public bool Json;
        public string? Model;
    }

    static Options Parse(string[] argv)
    {
        var a = new Options();
        for (int i = 0; i < argv.Length; i++)
        {
            string arg = argv[i];
            if (arg == "--json")
            {
                a.Json = true;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                a.Model = arg;
                continue;
            }

            string key = arg[2..];
            if (key is not ("cell" or "batch" or "steps" or "input" or "hidden" or "layers" or "mode" or "variant"
                or "threads" or "seconds" or "model"))
                throw new ArgumentException($"unknown option {arg}");
            if (++i >= argv.Length)
                throw new ArgumentException($"{arg} needs a value");
            string v = argv[i];
            switch (key)
            {
                case "cell": a.Cell = v; break;
                case "mode": a.Mode = v; break;
                case "variant": a.Variant = v; break;
                case "model": a.Model = v; break;
                case "batch": a.Batch = Positive(arg, v); break;
                case "steps": a.Steps = Positive(arg, v); break;
                case "input": a.Input = Positive(arg, v); break;
                case "hidden": a.Hidden = Positive(arg, v); break;
                case "layers": a.Layers = Positive(arg, v); break;
                case "threads": a.Threads = Positive(arg, v); break;
                case "seconds":
                    if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out a.Seconds)
                        || !double.IsFinite(a.Seconds) || a.Seconds < 0)
                        throw new ArgumentException($"{arg} must be a number of seconds >= 0, got '{v}'");
                    break;
            }
        }

        if (a.Model is null)
            throw new ArgumentException("usage: OrtBench MODEL.onnx [workload flags]");
        if (a.Mode is not ("infer" or "step"))
            throw new ArgumentException("--mode must be infer or step (ONNX Runtime does not train)");
        if (a.Cell is not ("gru" or "lstm" or "rnn"))
            throw new ArgumentException($"--cell must be gru, lstm or rnn, got '{a.Cell}'");
        return a;
    }

    static int Positive(string arg, string v) =>
        int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"{arg} must be a positive integer, got '{v}'");

    static double Flops(string cell, string mode, int batch, int steps, int input, int hidden, int layers)
    {
        int gates = cell switch { "gru" => 3, "lstm" => 4, _ => 1 };
        double forward = 0;
        int layerInput = input;
        for (int l = 0; l < (mode == "step" ? 1 : layers); l++)
        {
            forward += 2.0 * batch * steps * gates * hidden * (layerInput + hidden);
            layerInput = hidden;
        }

        if (mode != "step")
            forward += 2.0 * batch * hidden;
        return forward;
    }

    static double Now() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    // Calls shorter than this are timed in batches (a clock read costs tens of ns): the rule of `gated bench`.
    const double BatchSeconds = 20e-6;

    // The same rules as `measure` in ort_bench.js (and `gated bench`): warm up (at least 3 calls, up to
    // min(1 s, seconds/2) and 10,000 calls), then time calls for `seconds` (at least 5 timings), a call shorter
    // than BatchSeconds in batches lasting about that long, each timing the mean per call of its batch.
    static (List<double> Times, long Calls) Measure(Action call, double seconds)
    {
        double warmStart = Now();
        int warm = 0;
        while (warm < 3 || (Now() - warmStart < Math.Min(1, seconds / 2) && warm < 10000))
        {
            call();
            warm++;
        }

        double mean = (Now() - warmStart) / warm;
        int batch = mean >= BatchSeconds ? 1 : (int)Math.Ceiling(BatchSeconds / Math.Max(mean, 1e-9));
        var times = new List<double>(1 << 16);
        double start = Now();
        while (times.Count < 5 || Now() - start < seconds)
        {
            double t0 = Now();
            for (int i = 0; i < batch; i++)
                call();
            times.Add((Now() - t0) / batch);
        }

        return (times, (long)times.Count * batch);
    }

    public static int Run(string[] argv)
    {
        var a = Parse(argv);

        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = a.Threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(a.Model, sessionOptions);
        int steps = a.Mode == "step" ? 1 : a.Steps;

        var random = new Random(1);
        var x = new float[(long)a.Batch * steps * a.Input];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(random.NextDouble() * 2 - 1);
        string[] inputNames = [.. session.InputNames];
        string[] outputNames = [.. session.OutputNames];
        var inputs = new OrtValue[inputNames.Length];
        try
        {
            for (int i = 0; i < inputNames.Length; i++)
            {
                inputs[i] = inputNames[i] == "x"
                    ? OrtValue.CreateTensorValueFromMemory(x, [a.Batch, steps, a.Input])
                    : OrtValue.CreateTensorValueFromMemory(new float[a.Batch * a.Hidden], [1, a.Batch, a.Hidden]);
            }

            using var runOptions = new RunOptions();
            void Call()
            {
                using var outputs = session.Run(runOptions, inputNames, inputs, outputNames);
            }

            var (times, calls) = Measure(Call, a.Seconds);
            times.Sort();
            int mid = times.Count >> 1;
            double median = times.Count % 2 == 1 ? times[mid] : 0.5 * (times[mid - 1] + times[mid]);
            long peak;
            using (var process = Process.GetCurrentProcess())
                peak = process.PeakWorkingSet64;

            if (!a.Json)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{a.Cell} {a.Mode} B={a.Batch} T={steps} I={a.Input} H={a.Hidden} L={a.Layers}: median " +
                    $"{median * 1e3:F3} ms, min {times[0] * 1e3:F3} ms over {calls} calls"));
                return 0;
            }

            using var stream = Console.OpenStandardOutput();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteStartObject("workload");
                w.WriteString("cell", a.Cell);
                w.WriteNumber("batch", a.Batch);
                w.WriteNumber("steps", steps);
                w.WriteNumber("input", a.Input);
                w.WriteNumber("hidden", a.Hidden);
                w.WriteNumber("layers", a.Mode == "step" ? 1 : a.Layers);
                w.WriteString("mode", a.Mode);
                w.WriteString("variant", a.Cell == "gru" ? a.Variant : "n/a");
                w.WriteNumber("threads", a.Threads);
                w.WriteEndObject();
                w.WriteNumber("calls", calls);
                w.WriteNumber("median_seconds", median);
                w.WriteNumber("min_seconds", times[0]);
                w.WriteNumber("sequences_per_second", a.Batch / median);
                double flops = Flops(a.Cell, a.Mode, a.Batch, steps, a.Input, a.Hidden, a.Layers);
                w.WriteNumber("gflops", flops / median / 1e9);
                w.WriteNumber("peak_working_set_bytes", peak);
                w.WriteNull("fma_peak_gflops_1_thread");
                w.WriteString("engine", $"ONNX Runtime {OrtEnv.Instance().GetVersionString()} " +
                    $"(Microsoft.ML.OnnxRuntime, in-process .NET), {a.Threads} intra-op thread(s)");
                w.WriteEndObject();
            }

            stream.Write("\n"u8);
            return 0;
        }
        finally
        {
            foreach (var value in inputs)
                value?.Dispose();
        }
    }
}
