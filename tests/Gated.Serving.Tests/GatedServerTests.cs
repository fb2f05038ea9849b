using System.Net;
using System.Text;
using System.Text.Json;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Time;
using Xunit;

namespace Gated.Serving.Tests;

/// <summary>Every route and every error status against a real Kestrel on 127.0.0.1 and a free port.</summary>
public sealed class GatedServerTests : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private readonly ServerFixture _fixture;
    private GatedServer _server = null!;
    private HttpClient _client = null!;

    public GatedServerTests(ServerFixture fixture) => _fixture = fixture;

    public async Task InitializeAsync() => (_server, _client) = await _fixture.StartAsync();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task StatusDescribesTheModelAsTensorFlowServingDoes()
    {
        using var json = await GetJsonAsync("/v1/models/seq", HttpStatusCode.OK);
        var root = json.RootElement;
        Assert.Equal("AVAILABLE", root.GetProperty("model_version_status")[0].GetProperty("state").GetString());
        var metadata = root.GetProperty("metadata");
        Assert.Equal("Gated", metadata.GetProperty("format").GetString());
        Assert.Equal("[null,6,3]", metadata.GetProperty("input_shape").GetRawText());
        Assert.Equal("[null,2]", metadata.GetProperty("output_shape").GetRawText());
        Assert.Equal(_fixture.Sequence.ParameterCount, metadata.GetProperty("parameters").GetInt64());
        Assert.Equal(["GRU", "Dense"], metadata.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("type").GetString()));

        using var forecaster = await GetJsonAsync("/v1/models/fc/metadata", HttpStatusCode.OK);
        var recipe = forecaster.RootElement.GetProperty("metadata").GetProperty("forecaster");
        Assert.Equal("load", recipe.GetProperty("target").GetString());
        Assert.Equal("daily", recipe.GetProperty("frequency").GetString());
        Assert.Equal(3, recipe.GetProperty("horizon").GetInt32());
        Assert.Equal("[0.1,0.5,0.9]", recipe.GetProperty("quantiles").GetRawText());
    }

    [Fact]
    public async Task PredictAnswersWhatTheModelComputesBitForBit()
    {
        float[][] instances = [Instance(1), Instance(2), Instance(3)];
        var expected = _fixture.Sequence.Predict(new Tensor([.. instances.SelectMany(i => i)], 3, 6, 3));

        using var json = await PostJsonAsync("/v1/models/seq:predict", Body("instances", instances), HttpStatusCode.OK);
        float[] predicted = [.. json.RootElement.GetProperty("predictions").EnumerateArray().SelectMany(p => p.EnumerateArray()).Select(v => v.GetSingle())];
        Assert.Equal(expected.Data, predicted);

        using var columnar = await PostJsonAsync("/v1/models/seq:predict", Body("inputs", instances), HttpStatusCode.OK);
        Assert.Equal(expected.Data, columnar.RootElement.GetProperty("outputs").EnumerateArray().SelectMany(p => p.EnumerateArray()).Select(v => v.GetSingle()));
    }

    [Fact]
    public async Task AQuantizedModelServesItsInt8Predictions()
    {
        // The fixture's model quantized by `gated quantize` (the file holds int8 weights): served as any other.
        var quantized = GatedModelFile.Load(_fixture.SequencePath).Model;
        quantized.QuantizeInt8();
        string path = Path.Combine(_fixture.Folder, "seq-int8.safetensors");
        GatedModelFile.Save(path, quantized);
        var (server, client) = await _fixture.StartAsync(o => o with { Models = new Dictionary<string, string> { ["q"] = path } });
        await using (server)
        {
            using (client)
            {
                float[][] instances = [Instance(1), Instance(2)];
                var expected = quantized.Predict(new Tensor([.. instances.SelectMany(i => i)], 2, 6, 3));
                using var response = await client.PostAsync("/v1/models/q:predict", new StringContent(Body("instances", instances), Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                float[] predicted = [.. json.RootElement.GetProperty("predictions").EnumerateArray().SelectMany(p => p.EnumerateArray()).Select(v => v.GetSingle())];
                Assert.Equal(expected.Data, predicted);
                Assert.NotEqual(_fixture.Sequence.Predict(new Tensor([.. instances.SelectMany(i => i)], 2, 6, 3)).Data, predicted);
            }
        }
    }

    [Fact]
    public async Task ConcurrentPredictsEqualSingleThreadedOnes()
    {
        var bodies = Enumerable.Range(0, 64).Select(i => Body("instances", new[] { Instance(i), Instance(i + 100) })).ToArray();
        var expected = new List<string>();
        foreach (string body in bodies)
        {
            using var json = await PostJsonAsync("/v1/models/seq:predict", body, HttpStatusCode.OK);
            expected.Add(json.RootElement.GetRawText());
        }

        var answers = await Task.WhenAll(bodies.Select(async body =>
        {
            using var response = await _client.PostAsync("/v1/models/seq:predict", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }));

        Assert.Equal(expected, answers);
    }

    [Fact]
    public async Task ForecastAnswersTheForecastersNextStepsWithDatesAndQuantiles()
    {
        var series = _fixture.Data.Series[0];
        var expected = _fixture.Forecaster.Forecast(_fixture.Data)[0];
        string body = JsonSerializer.Serialize(new
        {
            timestamps = series.Times.Select(t => Timestamps.Format(t, TimestampKind.Date)).ToArray(),
            target = series.Target,
        });

        using var json = await PostJsonAsync("/v1/models/fc:forecast", body, HttpStatusCode.OK);
        var root = json.RootElement;
        Assert.Equal("2024-04-29", root.GetProperty("origin").GetString());
        var steps = root.GetProperty("forecast").EnumerateArray().ToArray();
        Assert.Equal(["2024-04-30", "2024-05-01", "2024-05-02"], steps.Select(s => s.GetProperty("date").GetString()));
        Assert.Equal(expected.Point, steps.Select(s => s.GetProperty("value").GetSingle()));
        Assert.Equal(expected.QuantileValues[0], steps.Select(s => s.GetProperty("quantiles").GetProperty("0.1").GetSingle()));
        Assert.Equal(expected.QuantileValues[2], steps.Select(s => s.GetProperty("quantiles").GetProperty("0.9").GetSingle()));
    }

    [Theory]
    [InlineData("/v1/models/seq:predict", "{\"instances\": [[[1,2,3]]]}", "instances[0]: expected an array of 6 arrays (instances have shape (6, 3)); got an array of 1")]
    [InlineData("/v1/models/seq:predict", "{\"instances\": [[[1,2],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3]]]}", "instances[0][0]: expected an array of 3 numbers")]
    [InlineData("/v1/models/seq:predict", "{\"instances\": [[[1,2,\"x\"],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3]]]}", "instances[0][0][2]: expected a finite number (instances have shape (6, 3)); got a string")]
    [InlineData("/v1/models/seq:predict", "{\"instances\": []}", "instances: expected at least one instance of shape (6, 3)")]
    [InlineData("/v1/models/seq:predict", "{\"instance\": []}", "instance: unknown field")]
    [InlineData("/v1/models/seq:predict", "{}", "instances: missing")]
    [InlineData("/v1/models/seq:predict", "[1,2]", "body: expected an object")]
    [InlineData("/v1/models/seq:predict", "{\"instances\": [1", "body: not valid JSON")]
    [InlineData("/v1/models/seq:predict", "", "body: ")]
    [InlineData("/v1/models/seq:forecast", "{\"timestamps\": []}", "model 'seq' is not a forecaster")]
    [InlineData("/v1/models/fc:forecast", "{\"timestamps\": [\"2024-01-01\"], \"target\": [1]}", "timestamps: 1 points; model 'fc' reads the last 8")]
    [InlineData("/v1/models/fc:forecast", "{\"timestamps\": [\"2024-01-01\"], \"target\": [1, 2]}", "target: expected an array of 1 numbers (one per timestamp); got an array of 2")]
    [InlineData("/v1/models/fc:forecast", "{\"timestamps\": [\"2024-01-01\", \"2024-01-02\", \"2024-01-03\", \"2024-01-04\", \"2024-01-05\", \"2024-01-06\", \"2024-01-07\", \"2024-01-09\"], \"target\": [1, 2, 3, 4, 5, 6, 7, 8]}", "timestamps[7]: gap in the dates: 1 missing daily step(s) between 2024-01-07 and 2024-01-09; send evenly spaced timestamps")]
    [InlineData("/v1/models/fc:forecast", "{\"timestamps\": [\"2024-01-01\", \"2024-01-02\", \"2024-01-03\", \"2024-01-04\", \"2024-01-05\", \"2024-01-06\", \"2024-01-07\", \"8th\"], \"target\": [1, 2, 3, 4, 5, 6, 7, 8]}", "timestamps[7]: '8th' in column 'timestamps' is not an ISO 8601 date or date-time")]
    [InlineData("/v1/models/fc:forecast", "{\"timestamps\": [], \"target\": [], \"weather\": 1}", "weather: unknown field")]
    public async Task ABadBodyIsA400NamingTheField(string path, string body, string expected)
    {
        using var json = await PostJsonAsync(path, body, HttpStatusCode.BadRequest);
        Assert.StartsWith(expected, json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/v1/models/nope", 404, "model 'nope' is not served here; the models are seq, fc")]
    [InlineData("POST", "/v1/models/nope:predict", 404, "model 'nope' is not served here")]
    [InlineData("GET", "/v2/anything", 404, "no route /v2/anything")]
    [InlineData("POST", "/v1/models/seq:explain", 404, "no route /v1/models/seq:explain")]
    [InlineData("POST", "/v1/models/seq/sessions/0123:step", 404, "session '0123' of model 'seq' does not exist")]
    [InlineData("DELETE", "/v1/models/seq/sessions/0123", 404, "session '0123' of model 'seq' does not exist")]
    [InlineData("GET", "/v1/models/seq:predict", 405, "GET is not allowed here; use POST")]
    [InlineData("POST", "/healthz", 405, "POST is not allowed here; use GET")]
    public async Task UnknownThingsAre404AndWrongMethods405(string method, string path, int status, string expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await _client.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith(expected, json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABodyOverTheLimitIsA413()
    {
        var (server, client) = await _fixture.StartAsync(o => o with { MaxRequestBodyBytes = 1000 });
        await using (server)
        {
            using var response = await client.PostAsync("/v1/models/seq:predict", new StringContent(new string(' ', 5000) + "{}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("the request body is larger than this server's limit of 1000 bytes", json.RootElement.GetProperty("error").GetString());
            await server.StopAsync();
        }
    }

    [Fact]
    public async Task HealthReadinessAndMetrics()
    {
        using (var health = await GetJsonAsync("/healthz", HttpStatusCode.OK))
        {
            Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        }

        using (var ready = await GetJsonAsync("/readyz", HttpStatusCode.OK))
        {
            Assert.Equal(["seq", "fc"], ready.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        }

        await PostJsonAsync("/v1/models/seq:predict", Body("instances", new[] { Instance(0) }), HttpStatusCode.OK);
        await PostJsonAsync("/v1/models/seq:predict", "{}", HttpStatusCode.BadRequest);
        using var response = await _client.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        string text = await response.Content.ReadAsStringAsync();
        Assert.Contains("gated_requests_total{route=\"predict\",status=\"200\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("gated_requests_total{route=\"predict\",status=\"400\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("gated_request_duration_seconds_count{route=\"predict\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("gated_request_duration_seconds_bucket{route=\"predict\",le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("gated_sessions_live 0\n", text, StringComparison.Ordinal);
    }

    internal static float[] Instance(int seed) =>
        [.. Enumerable.Range(0, 18).Select(i => (float)Math.Sin((seed * 18) + i))];

    internal static string Body(string field, IEnumerable<float[]> instances)
    {
        var text = new StringBuilder("{\"").Append(field).Append("\": [");
        text.AppendJoin(",", instances.Select(instance =>
            "[" + string.Join(",", instance.Chunk(3).Select(step => "[" + string.Join(",", step.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]")) + "]"));
        return text.Append("]}").ToString();
    }

    private async Task<JsonDocument> GetJsonAsync(string path, HttpStatusCode status)
    {
        using var response = await _client.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text);
    }

    private async Task<JsonDocument> PostJsonAsync(string path, string body, HttpStatusCode status)
    {
        using var response = await _client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text);
    }
}
