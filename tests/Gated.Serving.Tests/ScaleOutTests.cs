using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gated.Serving.Tests;

/// <summary>
/// Two `gated serve` processes behind YARP on loopback, configured as the README's deployment section says: round
/// robin, session affinity by cookie that redistributes when its replica is gone, active health checks on /readyz,
/// and one retry on another replica when forwarding fails. One replica is killed mid-run.
/// </summary>
public sealed class ScaleOutTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public ScaleOutTests(ServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task PredictionsSurviveAKilledReplicaAndItsSessionsAskToBeRecreated()
    {
        using var first = await Replica.StartAsync(_fixture.SequencePath);
        using var second = await Replica.StartAsync(_fixture.SequencePath);
        await using var proxy = await StartProxyAsync(first.Address, second.Address);
        using var clientA = NewClient(proxy.Urls.First());
        using var clientB = NewClient(proxy.Urls.First());
        string predict = GatedServerTests.Body("instances", [GatedServerTests.Instance(3)]);
        string expected = await PredictAsync(clientA, predict);

        // Round robin puts the two clients' first requests, and so their affinity, on different replicas.
        string sessionA = await SessionStoreTests.CreateAsync(clientA, "seq");
        string sessionB = await SessionStoreTests.CreateAsync(clientB, "seq");
        float[] steps = GatedServerTests.Instance(9);
        await SessionStoreTests.StepAsync(clientA, "seq", sessionA, steps[..9]);
        await SessionStoreTests.StepAsync(clientB, "seq", sessionB, steps[..9]);
        var replicaOfB = await ReplicaOfAsync(sessionB, first, second);
        var survivor = replicaOfB == first ? second : first;
        Assert.True(await HasSessionAsync(survivor, sessionA), "round robin should have put the two sessions on different replicas");

        replicaOfB.Kill();

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(expected, await PredictAsync(i % 2 == 0 ? clientA : clientB, predict));
        }

        // The live replica's session continues from its state: the last of six steps is the model's prediction.
        var rest = await SessionStoreTests.StepAsync(clientA, "seq", sessionA, steps[9..]);
        // A stream projects one step at a time, Predict all steps in one GEMM: equal to float rounding (1e-5).
        Assert.Equal(_fixture.Sequence.Predict(new Tensors.Tensor(steps, 1, 6, 3)).Data, rest[^1], (a, b) => Math.Abs(a - b) <= 1e-5f);

        using var lost = await clientB.PostAsync($"/v1/models/seq/sessions/{sessionB}:step", SessionStoreTests.Json("{\"inputs\": [[1,2,3]]}"));
        Assert.Equal(HttpStatusCode.NotFound, lost.StatusCode);
        Assert.Contains("create a new one with POST /v1/models/seq/sessions", SessionStoreTests.Error(await lost.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        string again = await SessionStoreTests.CreateAsync(clientB, "seq");
        Assert.Single(await SessionStoreTests.StepAsync(clientB, "seq", again, steps[..3]));
    }

    private static HttpClient NewClient(string address) =>
        new(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(address) };

    private static async Task<string> PredictAsync(HttpClient client, string body)
    {
        using var response = await client.PostAsync("/v1/models/seq:predict", SessionStoreTests.Json(body));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return text;
    }

    private static async Task<Replica> ReplicaOfAsync(string session, Replica first, Replica second) =>
        await HasSessionAsync(first, session) ? first : second;

    // A session exists on a replica when a step there (with the wrong shape, so nothing moves) is refused as 400, not 404.
    private static async Task<bool> HasSessionAsync(Replica replica, string session)
    {
        using var client = new HttpClient { BaseAddress = new Uri(replica.Address) };
        using var response = await client.PostAsync($"/v1/models/seq/sessions/{session}:step", SessionStoreTests.Json("{\"inputs\": [[1]]}"));
        return response.StatusCode == HttpStatusCode.BadRequest;
    }

    private static async Task<WebApplication> StartProxyAsync(string first, string second)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        RouteConfig[] routes = [new() { RouteId = "gated", ClusterId = "replicas", Match = new RouteMatch { Path = "{**all}" } }];
        ClusterConfig[] clusters =
        [
            new()
            {
                ClusterId = "replicas",
                LoadBalancingPolicy = "RoundRobin",
                SessionAffinity = new SessionAffinityConfig { Enabled = true, Policy = "Cookie", FailurePolicy = "Redistribute", AffinityKeyName = ".Gated.Replica" },
                HealthCheck = new HealthCheckConfig { Active = new ActiveHealthCheckConfig { Enabled = true, Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1), Path = "/readyz" } },
                Destinations = new Dictionary<string, DestinationConfig> { ["first"] = new() { Address = first }, ["second"] = new() { Address = second } },
            },
        ];
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        var app = builder.Build();
        app.MapReverseProxy(pipeline =>
        {
            // One retry on another replica when forwarding failed before any response (a replica that is gone).
            pipeline.Use(async (context, next) =>
            {
                context.Request.EnableBuffering();
                await next();
                var failed = context.Features.Get<IForwarderErrorFeature>();
                if (failed is null || context.Response.HasStarted)
                {
                    return;
                }


                var proxy = context.Features.Get<IReverseProxyFeature>()!;
                // Affinity narrowed the choice to the failed replica: choose again among all the others.
                proxy.AvailableDestinations = [.. proxy.AllDestinations.Where(d => d != proxy.ProxiedDestination)];
                context.Features.Set<IForwarderErrorFeature>(null);
                context.Request.Body.Position = 0;
                context.Response.Clear();
                await next();
            });
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>A `gated serve` process on a free port, killed when disposed.</summary>
    private sealed class Replica : IDisposable
    {
        private readonly Process _process;

        private Replica(Process process, string address)
        {
            _process = process;
            Address = address;
        }

        public string Address { get; }


        public static async Task<Replica> StartAsync(string model)
        {
            int port = FreePort();
            string cli = Path.Combine(AppContext.BaseDirectory, "Gated.Cli.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[] { cli, "serve", "--model", $"seq={model}", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start)!;
            var replica = new Replica(process, $"http://127.0.0.1:{port}");
            using var client = new HttpClient { BaseAddress = new Uri(replica.Address) };
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var ready = await client.GetAsync("/readyz");
                    if (ready.IsSuccessStatusCode)
                    {
                        return replica;
                    }
                }
                catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
                {
                }

                if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException($"gated serve did not start: {await process.StandardError.ReadToEndAsync()}");
                }

                await Task.Delay(100);
            }
        }

        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
