using Gated.Forecasting;
using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Serialization;
using Gated.Time;

namespace Gated.Serving.Tests;

/// <summary>
/// Small models on disk and a server on a free loopback port: a GRU classifier-like model (T=6, I=3 → 2), a
/// forecaster with quantiles, and helpers to start more servers with other limits.
/// </summary>
public sealed class ServerFixture : IAsyncDisposable
{
    public ServerFixture()
    {
        Folder = Directory.CreateTempSubdirectory("gated-serving-tests-").FullName;
        Sequence = new Sequential(new Gru(8, new RecurrentOptions()), new Dense(2));
        Sequence.Build([6, 3], seed: 5);
        SequencePath = Path.Combine(Folder, "seq.safetensors");
        GatedModelFile.Save(SequencePath, Sequence);

        var values = Enumerable.Range(0, 120).Select(i => (float)(10 + (5 * Math.Sin(i / 3.0)) + (0.1 * i))).ToArray();
        Data = TimeSeriesSet.Single("load", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), Frequency.Daily, values);
        var options = new ForecastOptions { Window = 8, Units = 4, MaxEpochs = 2, Horizon = 3, Quantiles = [0.1f, 0.9f], Seed = 1 };
        Forecaster = Forecaster.Train(Data, options).Forecaster;
        ForecasterPath = Path.Combine(Folder, "forecaster.safetensors");
        Forecaster.Save(ForecasterPath);
    }

    public string Folder { get; }

    public Sequential Sequence { get; }

    public string SequencePath { get; }

    public TimeSeriesSet Data { get; }

    public Forecaster Forecaster { get; }

    public string ForecasterPath { get; }

    /// <summary>A started server on a free port serving "seq" and "fc", with the given limits.</summary>
    public async Task<(GatedServer Server, HttpClient Client)> StartAsync(Func<ServeOptions, ServeOptions>? configure = null)
    {
        var options = new ServeOptions
        {
            Models = new Dictionary<string, string> { ["seq"] = SequencePath, ["fc"] = ForecasterPath },
            Port = 0,
        };
        var server = GatedServer.Create(configure is null ? options : configure(options));
        await server.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        return (server, client);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
