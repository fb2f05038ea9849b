// The ONNX Runtime anchor for bench/serve-load: the routes of `gated serve` that the load test drives, on Kestrel, with
// the same JSON work (JsonDocument in, every number and shape checked, Utf8JsonWriter out) and ONNX Runtime for .NET
// doing the math: one InferenceSession per model, shared by all requests (Run is thread-safe).
//   GET  /v1/models/NAME          status and input/output shapes
//   POST /v1/models/NAME:predict  {"instances": [...]} → {"predictions": [...]}
// Usage: dotnet run -c Release -- --model NAME=PATH.onnx [--shape NAME=56,5] [--model ...] [--host 127.0.0.1] [--port 8601] [--intra-op-threads N]
// --shape fixes the shape of one instance where the ONNX file leaves axes other than the batch dynamic (Gated's exports
// leave time dynamic); requests must then match it, as `gated serve` checks against the model's built input shape.
// --intra-op-threads 0 leaves ONNX Runtime's default (one thread per physical core); the default here is 1, since
// Kestrel already runs one request per core.
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.ML.OnnxRuntime;

var models = new Dictionary<string, OrtModel>(StringComparer.Ordinal);
string host = "127.0.0.1";
int port = 8601;
int intraOp = 1;
var modelArgs = new List<string>();
var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
for (int a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--model": modelArgs.Add(args[++a]); break;
        case "--shape":
            string[] kv = args[++a].Split('=');
            shapes[kv[0]] = [.. kv[1].Split(',').Select(int.Parse)];
            break;
        case "--host": host = args[++a]; break;
        case "--port": port = int.Parse(args[++a]); break;
        case "--intra-op-threads": intraOp = int.Parse(args[++a]); break;
        default: Console.Error.WriteLine($"unknown argument {args[a]}"); return 2;
    }
}

foreach (string item in modelArgs)
{
    int eq = item.IndexOf('=');
    models[item[..eq]] = new OrtModel(item[..eq], item[(eq + 1)..], intraOp, shapes.GetValueOrDefault(item[..eq]));
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Limits.MaxRequestBodySize = 8 * 1024 * 1024;
    k.Listen(IPAddress.Parse(host), port, l => l.Protocols = HttpProtocols.Http1);
});
var app = builder.Build();
var jsonOptions = new JsonDocumentOptions { MaxDepth = 16 };

app.Run(async context =>
{
    string path = context.Request.Path.Value ?? "/";
    const string prefix = "/v1/models/";
    if (!path.StartsWith(prefix, StringComparison.Ordinal))
    {
        await Error(context, 404, $"no route {path}");
        return;
    }

    string segment = path[prefix.Length..];
    int colon = segment.IndexOf(':');
    string name = colon < 0 ? segment : segment[..colon];
    string? verb = colon < 0 ? null : segment[(colon + 1)..];
    if (!models.TryGetValue(name, out var model))
    {
        await Error(context, 404, $"model '{name}' is not served here");
        return;
    }

    if (verb is null && context.Request.Method == "GET")
    {
        await Write(context, 200, model.WriteStatus);
        return;
    }

    if (verb != "predict" || context.Request.Method != "POST")
    {
        await Error(context, verb == "predict" ? 405 : 404, $"no route {context.Request.Method} {path}");
        return;
    }

    float[] input;
    int count;
    try
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, jsonOptions, context.RequestAborted);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("instances", out var instances) || root.EnumerateObject().Count() != 1)
        {
            throw new BadRequest("body: expected {\"instances\": [...]}");
        }

        (input, count) = model.ReadBatch(instances);
    }
    catch (BadRequest e)
    {
        await Error(context, 400, e.Message);
        return;
    }
    catch (JsonException e)
    {
        await Error(context, 400, $"body: not valid JSON ({e.Message})");
        return;
    }

    float[] output = model.Predict(input, count);
    await Write(context, 200, w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("predictions");
        int size = model.OutputSize;
        for (int i = 0; i < count; i++)
        {
            WriteNested(w, output.AsSpan(i * size, size), model.OutputShape);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
});

Console.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()}, intra-op threads {(intraOp == 0 ? "default" : intraOp)}");
foreach (var m in models.Values)
{
    Console.WriteLine($"{m.Name}: {m.InputName} ({string.Join(", ", m.InputShape)}) → {m.OutputName} ({string.Join(", ", m.OutputShape)})");
}

Console.WriteLine($"Listening on http://{host}:{port}");
await app.RunAsync();
return 0;

static async Task Write(HttpContext context, int status, Action<Utf8JsonWriter> write)
{
    context.Response.StatusCode = status;
    context.Response.ContentType = "application/json";
    var buffer = new System.Buffers.ArrayBufferWriter<byte>();
    using (var writer = new Utf8JsonWriter(buffer))
    {
        write(writer);
    }

    await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
}

static Task Error(HttpContext context, int status, string message) =>
    Write(context, status, w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteEndObject();
    });

static void WriteNested(Utf8JsonWriter w, ReadOnlySpan<float> values, int[] shape, int axis = 0)
{
    if (axis == shape.Length)
    {
        if (float.IsFinite(values[0]))
        {
            w.WriteNumberValue(values[0]);
        }
        else
        {
            w.WriteNullValue();
        }

        return;
    }

    w.WriteStartArray();
    int inner = values.Length / shape[axis];
    for (int i = 0; i < shape[axis]; i++)
    {
        WriteNested(w, values.Slice(i * inner, inner), shape, axis + 1);
    }

    w.WriteEndArray();
}

internal sealed class BadRequest(string message) : Exception(message);

/// <summary>One ONNX model: a session shared by all requests, its first input (batch, ...) and first output (batch, ...).</summary>
internal sealed class OrtModel
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    public OrtModel(string name, string path, int intraOpThreads, int[]? instanceShape)
    {
        Name = name;
        var options = new Microsoft.ML.OnnxRuntime.SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads > 0)
        {
            options.IntraOpNumThreads = intraOpThreads;
        }

        _session = new InferenceSession(path, options);
        var input = _session.InputMetadata.First();
        var output = _session.OutputMetadata.First();
        InputName = input.Key;
        OutputName = output.Key;
        _inputNames = [InputName];
        _outputNames = [OutputName];
        InputShape = instanceShape ?? input.Value.Dimensions[1..];
        OutputShape = output.Value.Dimensions[1..];
        if (InputShape.Any(d => d <= 0) || OutputShape.Any(d => d <= 0))
        {
            throw new InvalidOperationException($"{path}: only the batch axis may be dynamic (input {string.Join(",", input.Value.Dimensions)}, output {string.Join(",", output.Value.Dimensions)})");
        }

        InputSize = InputShape.Aggregate(1, (a, d) => a * d);
        OutputSize = OutputShape.Aggregate(1, (a, d) => a * d);
    }

    public string Name { get; }
    public string InputName { get; }
    public string OutputName { get; }
    public int[] InputShape { get; }
    public int[] OutputShape { get; }
    public int InputSize { get; }
    public int OutputSize { get; }

    /// <summary>Reads {"instances": [...]}'s array, every instance of InputShape, every value a finite number.</summary>
    public (float[] Values, int Count) ReadBatch(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw new BadRequest($"instances: expected a non-empty array of instances of shape ({string.Join(", ", InputShape)})");
        }

        int count = array.GetArrayLength();
        var values = new float[count * InputSize];
        int i = 0;
        foreach (var instance in array.EnumerateArray())
        {
            Read(instance, 0, values.AsSpan(i * InputSize, InputSize), i);
            i++;
        }

        return (values, count);
    }

    public float[] Predict(float[] input, int count)
    {
        var output = new float[count * OutputSize];
        long[] inputShape = [count, .. InputShape.Select(d => (long)d)];
        long[] outputShape = [count, .. OutputShape.Select(d => (long)d)];
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, inputShape);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(output, outputShape);
        using var runOptions = new RunOptions();
        _session.Run(runOptions, _inputNames, [inputValue], _outputNames, [outputValue]);
        return output;
    }

    public void WriteStatus(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartArray("model_version_status");
        w.WriteStartObject();
        w.WriteString("version", "1");
        w.WriteString("state", "AVAILABLE");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("metadata");
        w.WriteString("name", Name);
        w.WriteString("format", "Onnx");
        WriteShape(w, "input_shape", InputShape);
        WriteShape(w, "output_shape", OutputShape);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteShape(Utf8JsonWriter w, string name, int[] shape)
    {
        w.WriteStartArray(name);
        w.WriteNullValue();
        foreach (int d in shape)
        {
            w.WriteNumberValue(d);
        }

        w.WriteEndArray();
    }

    // The JSON path is only built when a value is wrong.
    private void Read(JsonElement element, int axis, Span<float> destination, int instance)
    {
        if (axis == InputShape.Length)
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double value) || !double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
            {
                throw new BadRequest($"instances[{instance}]: expected finite numbers, got {element.ValueKind}");
            }

            destination[0] = (float)value;
            return;
        }

        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != InputShape[axis])
        {
            throw new BadRequest($"instances[{instance}]: axis {axis + 1} expected an array of {InputShape[axis]}");
        }

        int inner = destination.Length / InputShape[axis];
        int i = 0;
        foreach (var item in element.EnumerateArray())
        {
            Read(item, axis + 1, destination.Slice(i * inner, inner), instance);
            i++;
        }
    }
}
