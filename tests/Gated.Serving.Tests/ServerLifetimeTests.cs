using System.Net;
using System.Text;
using Xunit;

namespace Gated.Serving.Tests;

/// <summary>Shutdown with a request in flight, and bodies no one should send: the server answers every one and stays up.</summary>
public sealed class ServerLifetimeTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public ServerLifetimeTests(ServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task StoppingLetsARequestInFlightFinish()
    {
        var (server, client) = await _fixture.StartAsync();
        await using (server)
        {
            // The body arrives in two halves over a raw connection; the server is told to stop between them.
            byte[] body = Encoding.UTF8.GetBytes(GatedServerTests.Body("instances", [GatedServerTests.Instance(1)]));
            var address = new Uri(server.Addresses[0]);
            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync(address.Host, address.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /v1/models/seq:predict HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await Task.Delay(300);

            var stopping = server.StopAsync();
            await Task.Delay(300);
            Assert.False(stopping.IsCompleted, "the server stopped before the request in flight finished");
            await stream.WriteAsync(body.AsMemory(body.Length / 2));

            using var reader = new StreamReader(stream, Encoding.UTF8);
            string answer = await reader.ReadToEndAsync();
            Assert.StartsWith("HTTP/1.1 200 OK", answer, StringComparison.Ordinal);
            Assert.Contains("Connection: close", answer, StringComparison.Ordinal);
            Assert.Contains("{\"predictions\":[[", answer, StringComparison.Ordinal);
            await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task NoBodyCrashesTheServerOrLeaksMemory()
    {
        var (server, client) = await _fixture.StartAsync(o => o with { MaxRequestBodyBytes = 64 * 1024 });
        await using (server)
        {
            var random = new Random(12345);
            string session = await SessionStoreTests.CreateAsync(client, "seq");
            string[] paths = ["/v1/models/seq:predict", "/v1/models/fc:forecast", $"/v1/models/seq/sessions/{session}:step", "/v1/models/seq/sessions", "/v1/models/fc:predict"];
            int[] allowed = [200, 201, 400, 404, 405, 413, 429];

            async Task RoundAsync(int requests)
            {
                for (int i = 0; i < requests; i++)
                {
                    string path = paths[random.Next(paths.Length)];
                    using var response = await client.PostAsync(path, new ByteArrayContent(Body(random)));
                    Assert.True(allowed.Contains((int)response.StatusCode), $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }

            await RoundAsync(1500);
            long before = Settle();
            await RoundAsync(1500);
            long after = Settle();

            Assert.Equal("{\"status\":\"ok\"}", await client.GetStringAsync("/healthz"));
            // The second round leaves the heap where the first left it (sessions it created are capped and idle).
            Assert.True(after - before < 16 * 1024 * 1024, $"the heap grew by {(after - before) / 1024} KiB over 1,500 requests");
            await server.StopAsync();
        }
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    // Random bytes, truncated or deeply nested JSON, wrong types, huge numbers, valid-looking but misshapen tensors.
    private static byte[] Body(Random random)
    {
        string[] pieces =
        [
            "{\"instances\": [", "[", "]", "{", "}", ",", "1", "-1e39", "1e309", "NaN", "null", "true", "\"x\"", "\"2024-01-01\"",
            "{\"inputs\": ", "{\"timestamps\": [", "\"target\": [", "0.5", "[[1,2,3]]", "[1,2,3]", "\"\\u0000\"", "\u00e9",
        ];
        switch (random.Next(4))
        {
            case 0:
                var bytes = new byte[random.Next(0, 2000)];
                random.NextBytes(bytes);
                return bytes;
            case 1:
                return Encoding.UTF8.GetBytes(new string('[', random.Next(1, 5000)));
            default:
                var text = new StringBuilder();
                int count = random.Next(1, 60);
                for (int i = 0; i < count; i++)
                {
                    text.Append(pieces[random.Next(pieces.Length)]);
                }

                return Encoding.UTF8.GetBytes(text.ToString());
        }
    }
}
