using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gated.Serving;

/// <summary>
/// Serves models over HTTP on Kestrel, with TensorFlow Serving's REST shape:
/// <c>GET /v1/models/NAME</c> (status and metadata), <c>POST /v1/models/NAME:predict</c> (<c>{"instances": [...]}</c>
/// or <c>{"inputs": [...]}</c> → <c>{"predictions": [...]}</c> or <c>{"outputs": [...]}</c>), for forecasters
/// <c>POST /v1/models/NAME:forecast</c>, streaming sessions (<c>POST /v1/models/NAME/sessions</c>,
/// <c>POST …/sessions/ID:step</c>, <c>DELETE …/sessions/ID</c>), and <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>.
/// Every refusal is a JSON <c>{"error": "..."}</c> naming the field and what was expected: 400 for a bad body, 404 for
/// an unknown model or session, 405 for a wrong method, 413 beyond the body limit, 429 beyond the session cap.
/// Stopping (SIGTERM, Ctrl+C or <see cref="StopAsync"/>) lets requests in flight finish.
/// </summary>
public sealed class GatedServer : IAsyncDisposable
{
    private const int MaxInstances = 100_000;
    private const int MaxSteps = 100_000;

    // Messages keep their quotes and non-ASCII readable ('name', °F) rather than \u0027; bodies are JSON, not HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly WebApplication _app;
    private readonly Dictionary<string, ServedModel> _models;
    private readonly SessionStore _sessions;
    private readonly ServerMetrics _metrics = new();
    private readonly JsonDocumentOptions _json = new() { MaxDepth = 16 };
    private volatile bool _stopping;

    private GatedServer(ServeOptions options, Dictionary<string, ServedModel> models)
    {
        _models = models;
        _sessions = new SessionStore(options.SessionIdleTimeout, options.MaxSessions);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        // A failed start (a port in use) is reported to the caller as an exception; the host's own log of it is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
            var address = options.Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            kestrel.Listen(address, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        _app = builder.Build();
        _app.Lifetime.ApplicationStopping.Register(() => _stopping = true);
        _app.Run(HandleAsync);
    }

    /// <summary>The addresses Kestrel listens on, once started ("http://127.0.0.1:8501").</summary>
    public IReadOnlyList<string> Addresses =>
        [.. _app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];

    /// <summary>The names of the models served.</summary>
    public IReadOnlyCollection<string> ModelNames => _models.Keys;

    /// <summary>Loads every model (a file that cannot be loaded throws as the library does: ModelFormatException, FileNotFoundException, …) and prepares the server.</summary>
    public static GatedServer Create(ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        foreach (var (name, path) in options.Models)
        {
            models[name] = ServedModel.Load(name, path);
        }

        return new GatedServer(options, models);
    }

    /// <summary>Starts listening.</summary>
    public Task StartAsync(CancellationToken cancellation = default) => _app.StartAsync(cancellation);

    /// <summary>Stops accepting, lets requests in flight finish (up to the shutdown timeout), and stops.</summary>
    public Task StopAsync(CancellationToken cancellation = default) => _app.StopAsync(cancellation);

    /// <summary>After <see cref="StartAsync"/>: waits for SIGTERM or Ctrl+C (or cancellation), then shuts down gracefully.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellation = default) => _app.WaitForShutdownAsync(cancellation);

    /// <summary>The served model's one-line description: "NAME: FORMAT, input (100, 32) → (1), 23,301 parameters[, forecaster of 'temp']".</summary>
    public string Describe(string name)
    {
        var model = Model(name);
        string forecaster = model.Forecaster is { } f ? $", forecaster of '{f.Schema.TargetName}' ({f.Schema.Frequency.Name}, {f.Options.Horizon} step(s))" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{name}: {model.Format}, input {Tensors.Tensor.FormatShape(model.Model.InputShape)} → {Tensors.Tensor.FormatShape(model.Model.OutputShape)}, {model.Model.ParameterCount:N0} parameters{forecaster}");
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _sessions.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            await DispatchAsync(context).ConfigureAwait(false);
        }
        catch (RequestException e)
        {
            await WriteErrorAsync(context, e.Status, e.Message).ConfigureAwait(false);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            string message = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"the request body is larger than this server's limit of {context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes"
                : e.Message;
            await WriteErrorAsync(context, e.StatusCode, message).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, 400, $"body: not valid JSON ({e.Message})").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _app.Logger.LogError(e, "internal error on {Path}", context.Request.Path.Value);
            await WriteErrorAsync(context, 500, "internal error").ConfigureAwait(false);
        }
        finally
        {
            _metrics.Record(RouteLabel(context.Request.Path.Value ?? "/"), context.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    /// <summary>The metrics' name for the route a path asks for, whether or not the request succeeds.</summary>
    internal static string RouteLabel(string path)
    {
        if (path is "/healthz" or "/readyz" or "/metrics")
        {
            return path[1..];
        }

        const string prefix = "/v1/models/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return "other";
        }

        string[] parts = path[prefix.Length..].Split('/');
        return parts.Length switch
        {
            1 when parts[0].EndsWith(":predict", StringComparison.Ordinal) => "predict",
            1 when parts[0].EndsWith(":forecast", StringComparison.Ordinal) => "forecast",
            1 => "status",
            2 when parts[1] == "metadata" => "status",
            2 when parts[1] == "sessions" => "session_create",
            3 when parts[1] == "sessions" && parts[2].EndsWith(":step", StringComparison.Ordinal) => "session_step",
            3 when parts[1] == "sessions" => "session_delete",
            _ => "other",
        };
    }

    // The path is matched by hand so the routes read as TensorFlow Serving writes them ("NAME:predict").
    private async Task DispatchAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        string method = context.Request.Method;
        switch (path)
        {
            case "/healthz":
                RequireMethod(method, "GET");
                await WriteJsonAsync(context, 200, w => w.WriteString("status", "ok")).ConfigureAwait(false);
                return;
            case "/readyz":
                RequireMethod(method, "GET");
                await WriteJsonAsync(context, _stopping ? 503 : 200, w =>
                {
                    w.WriteString("status", _stopping ? "stopping" : "ready");
                    w.WriteStartArray("models");
                    foreach (string name in _models.Keys)
                    {
                        w.WriteStringValue(name);
                    }

                    w.WriteEndArray();
                }).ConfigureAwait(false);
                return;
            case "/metrics":
                RequireMethod(method, "GET");
                context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await context.Response.WriteAsync(_metrics.Render(_sessions.Count)).ConfigureAwait(false);
                return;
        }

        const string prefix = "/v1/models/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw RequestException.NotFound($"no route {path}; the routes are /v1/models/NAME[:predict|:forecast|/sessions], /healthz, /readyz, /metrics");
        }

        string[] parts = path[prefix.Length..].Split('/');
        var (name, verb) = SplitVerb(parts[0]);
        var model = Model(name);
        if (parts.Length == 1 && verb is null)
        {
            RequireMethod(method, "GET");
            await WriteAsync(context, 200, model.WriteStatus).ConfigureAwait(false);
            return;
        }

        if (parts.Length == 2 && verb is null && parts[1] == "metadata")
        {
            RequireMethod(method, "GET");
            await WriteAsync(context, 200, model.WriteStatus).ConfigureAwait(false);
            return;
        }

        if (parts.Length == 1 && verb == "predict")
        {
            RequireMethod(method, "POST");
            await PredictAsync(context, model).ConfigureAwait(false);
            return;
        }

        if (parts.Length == 1 && verb == "forecast")
        {
            RequireMethod(method, "POST");
            using var body = await ReadBodyAsync(context).ConfigureAwait(false);
            var forecast = model.Forecast(body.RootElement);
            await WriteJsonAsync(context, 200, w => WriteForecast(w, model, forecast)).ConfigureAwait(false);
            return;
        }

        if (verb is null && parts.Length == 2 && parts[1] == "sessions")
        {
            RequireMethod(method, "POST");
            var session = _sessions.Create(model);
            await WriteJsonAsync(context, 201, w =>
            {
                w.WriteString("session", session.Id);
                w.WriteString("model", model.Name);
                w.WriteStartArray("step_shape");
                w.WriteNullValue();
                foreach (int d in model.StepShape)
                {
                    w.WriteNumberValue(d);
                }

                w.WriteEndArray();
                w.WriteNumber("output_size", session.Stream.OutputSize);
                w.WriteNumber("idle_timeout_seconds", _sessions.IdleTimeout.TotalSeconds);
            }).ConfigureAwait(false);
            return;
        }

        if (verb is null && parts.Length == 3 && parts[1] == "sessions")
        {
            var (id, sessionVerb) = SplitVerb(parts[2]);
            if (sessionVerb is null)
            {
                RequireMethod(method, "DELETE");
                _sessions.Remove(model, id);
                context.Response.StatusCode = 204;
                return;
            }

            if (sessionVerb == "step")
            {
                RequireMethod(method, "POST");
                await StepAsync(context, model, id).ConfigureAwait(false);
                return;
            }
        }

        throw RequestException.NotFound($"no route {path}; a model answers GET /v1/models/{name}, POST /v1/models/{name}:predict, :forecast, /sessions, /sessions/ID:step, DELETE /sessions/ID");
    }

    private async Task PredictAsync(HttpContext context, ServedModel model)
    {
        using var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RequestException.BadRequest("body: expected an object {\"instances\": [...]} or {\"inputs\": [...]}");
        }

        string? field = null;
        JsonElement batch = default;
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("instances" or "inputs"))
            {
                throw RequestException.BadRequest($"{property.Name}: unknown field; a prediction reads \"instances\" (or \"inputs\")");
            }

            if (field is not null)
            {
                throw RequestException.BadRequest("body: give \"instances\" or \"inputs\", not both");
            }

            field = property.Name;
            batch = property.Value;
        }

        if (field is null)
        {
            throw RequestException.BadRequest("instances: missing; expected {\"instances\": [...]}, each instance of shape " + Tensors.Tensor.FormatShape(model.Model.InputShape));
        }

        var (input, count) = JsonTensors.ReadBatch(batch, model.Model.InputShape, field, MaxInstances);
        float[] output = model.Predict(input, count);
        int[] outputShape = model.Model.OutputShape;
        await WriteJsonAsync(context, 200, w =>
        {
            w.WriteStartArray(field == "instances" ? "predictions" : "outputs");
            for (int i = 0; i < count; i++)
            {
                JsonTensors.Write(w, output.AsSpan(i * model.OutputSize, model.OutputSize), outputShape);
            }

            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private async Task StepAsync(HttpContext context, ServedModel model, string id)
    {
        var session = _sessions.Get(model, id);
        using var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("inputs", out var steps) || root.EnumerateObject().Count() != 1)
        {
            throw RequestException.BadRequest($"body: expected {{\"inputs\": [...]}}: the next timestep(s), each of shape {Tensors.Tensor.FormatShape(model.StepShape)}");
        }

        var (input, count) = JsonTensors.ReadBatch(steps, model.StepShape, "inputs", MaxSteps);
        var stream = session.Stream;
        var output = new float[checked(count * stream.OutputSize)];
        lock (session.Gate)
        {
            for (int t = 0; t < count; t++)
            {
                stream.Step(input.AsSpan(t * stream.InputSize, stream.InputSize), output.AsSpan(t * stream.OutputSize, stream.OutputSize));
            }
        }

        session.Touch();
        await WriteJsonAsync(context, 200, w =>
        {
            w.WriteStartArray("outputs");
            for (int t = 0; t < count; t++)
            {
                JsonTensors.Write(w, output.AsSpan(t * stream.OutputSize, stream.OutputSize), [stream.OutputSize]);
            }

            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private static void WriteForecast(Utf8JsonWriter w, ServedModel model, Forecasting.ForecastOutput forecast)
    {
        var format = model.Forecaster!.Schema.TimestampKind;
        if (forecast.Series is not null)
        {
            w.WriteString("series", forecast.Series);
        }

        w.WriteString("origin", Time.Timestamps.Format(forecast.Origin, format));
        w.WriteString("frequency", model.Forecaster.Schema.Frequency.Name);
        w.WriteStartArray("forecast");
        for (int h = 0; h < forecast.Horizon; h++)
        {
            w.WriteStartObject();
            w.WriteNumber("step", h + 1);
            w.WriteString("date", Time.Timestamps.Format(forecast.Dates[h], format));
            w.WritePropertyName("value");
            JsonTensors.WriteNumber(w, forecast.Point[h]);
            if (forecast.Quantiles.Count > 0)
            {
                w.WriteStartObject("quantiles");
                for (int k = 0; k < forecast.Quantiles.Count; k++)
                {
                    w.WritePropertyName(forecast.Quantiles[k].ToString(CultureInfo.InvariantCulture));
                    JsonTensors.WriteNumber(w, forecast.QuantileValues[k][h]);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private ServedModel Model(string name) =>
        _models.TryGetValue(name, out var model)
            ? model
            : throw RequestException.NotFound($"model '{name}' is not served here; the models are {string.Join(", ", _models.Keys)}");

    private static (string Name, string? Verb) SplitVerb(string segment)
    {
        int colon = segment.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (segment, null) : (segment[..colon], segment[(colon + 1)..]);
    }

    private static void RequireMethod(string method, string expected)
    {
        if (method != expected)
        {
            throw new RequestException(405, $"{method} is not allowed here; use {expected}");
        }
    }

    private async Task<JsonDocument> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength == 0)
        {
            throw RequestException.BadRequest("body: empty; expected a JSON object");
        }

        return await JsonDocument.ParseAsync(context.Request.Body, _json, context.RequestAborted).ConfigureAwait(false);
    }

    private static Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> writeProperties) =>
        WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            writeProperties(w);
            w.WriteEndObject();
        });

    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.Clear();
        return WriteJsonAsync(context, status, w => w.WriteString("error", message));
    }
}
