using System.Net;
using System.Text;
using System.Text.Json;
using Gated.Tensors;
using Xunit;

namespace Gated.Serving.Tests;

/// <summary>Streaming sessions through the server: state kept between requests, ending, expiry and the cap.</summary>
public sealed class SessionStoreTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public SessionStoreTests(ServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task ASessionKeepsItsStateBetweenStepsAndEndsWithDelete()
    {
        var (server, client) = await _fixture.StartAsync();
        await using (server)
        {
            float[] instance = GatedServerTests.Instance(7);
            float[] expected = _fixture.Sequence.Predict(new Tensor(instance, 1, 6, 3)).Data;

            string id = await CreateAsync(client, "seq");
            var first = await StepAsync(client, "seq", id, instance[..9]);
            var second = await StepAsync(client, "seq", id, instance[9..]);
            Assert.Equal(3, first.Length);
            Assert.Equal(3, second.Length);
            // After all six steps the stream has read the whole instance: its output is the model's prediction (to float
            // rounding: a stream projects one step at a time, Predict all steps in one GEMM).
            Assert.Equal(expected, second[^1], (a, b) => Math.Abs(a - b) <= 1e-5f);

            // A fresh session starts from zero state: six steps in one request give the same last output.
            string other = await CreateAsync(client, "seq");
            var all = await StepAsync(client, "seq", other, instance);
            Assert.Equal(second[^1], all[^1]);
            Assert.Equal(first[0], all[0]);

            using var deleted = await client.DeleteAsync($"/v1/models/seq/sessions/{id}");
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            using var after = await client.PostAsync($"/v1/models/seq/sessions/{id}:step", Json("{\"inputs\": [[1,2,3]]}"));
            Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
            Assert.Contains("create a new one with POST /v1/models/seq/sessions", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await server.StopAsync();
        }
    }

    [Fact]
    public async Task AStepWithTheWrongShapeIsA400()
    {
        var (server, client) = await _fixture.StartAsync();
        await using (server)
        {
            string id = await CreateAsync(client, "seq");
            using var response = await client.PostAsync($"/v1/models/seq/sessions/{id}:step", Json("{\"inputs\": [[1,2]]}"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("inputs[0]: expected an array of 3 numbers (instances have shape (3)); got an array of 2", Error(await response.Content.ReadAsStringAsync()));
            await server.StopAsync();
        }
    }

    [Fact]
    public async Task IdleSessionsExpire()
    {
        var (server, client) = await _fixture.StartAsync(o => o with { SessionIdleTimeout = TimeSpan.FromMilliseconds(200) });
        await using (server)
        {
            string id = await CreateAsync(client, "seq");
            await Task.Delay(1000);
            using var response = await client.PostAsync($"/v1/models/seq/sessions/{id}:step", Json("{\"inputs\": [[1,2,3]]}"));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("gated_sessions_live 0\n", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);
            await server.StopAsync();
        }
    }

    [Fact]
    public async Task SessionsBeyondTheCapAre429()
    {
        var (server, client) = await _fixture.StartAsync(o => o with { MaxSessions = 2 });
        await using (server)
        {
            string first = await CreateAsync(client, "seq");
            await CreateAsync(client, "fc");
            using var refused = await client.PostAsync("/v1/models/seq/sessions", Json("{}"));
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("2 sessions are live, the most this server keeps; end one (DELETE) or retry later", Error(await refused.Content.ReadAsStringAsync()));

            (await client.DeleteAsync($"/v1/models/seq/sessions/{first}")).Dispose();
            await CreateAsync(client, "seq");
            await server.StopAsync();
        }
    }

    internal static async Task<string> CreateAsync(HttpClient client, string model)
    {
        using var response = await client.PostAsync($"/v1/models/{model}/sessions", Json("{}"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("session").GetString()!;
    }

    internal static async Task<float[][]> StepAsync(HttpClient client, string model, string id, float[] steps)
    {
        string body = "{\"inputs\": [" + string.Join(",", steps.Chunk(3).Select(s => "[" + string.Join(",", s.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]")) + "]}";
        using var response = await client.PostAsync($"/v1/models/{model}/sessions/{id}:step", Json(body));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var json = JsonDocument.Parse(text);
        return [.. json.RootElement.GetProperty("outputs").EnumerateArray().Select(o => o.EnumerateArray().Select(v => v.GetSingle()).ToArray())];
    }

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    internal static string Error(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("error").GetString()!;
    }
}
