using System.Net;
using System.Net.Sockets;
using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Serialization;
using Xunit;

namespace Gated.Tests.Cli;

/// <summary>`gated serve`'s own checks: one line, exit 2, before any server starts (the server itself is tested in Gated.Serving.Tests).</summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(new string[] { }, "serve needs at least one --model NAME=PATH")]
    [InlineData(new[] { "--model", "plain" }, "--model 'plain' must be NAME=PATH")]
    [InlineData(new[] { "--model", "a=" }, "--model 'a=' must be NAME=PATH")]
    [InlineData(new[] { "--model", "a={model}", "--model", "a={model}" }, "--model names 'a' twice")]
    [InlineData(new[] { "--model", "a={dir}/none.safetensors" }, "none.safetensors")]
    [InlineData(new[] { "--model", "a={model}", "--host", "example.com" }, "--host must be an IP address")]
    [InlineData(new[] { "--model", "a={model}", "--port", "70000" }, "--port must be 0..65535, got 70000")]
    [InlineData(new[] { "--model", "a={model}", "--max-sessions", "0" }, "--max-sessions must be a positive integer, got 0")]
    [InlineData(new[] { "--model", "a b={model}" }, "Model name 'a b' must be letters, digits")]
    public void BadFlagsAreOneLineAndExitTwo(string[] args, string expected)
    {
        string model = Model();
        string[] full = [.. args.Select(a => a.Replace("{model}", model, StringComparison.Ordinal).Replace("{dir}", _folder.Path, StringComparison.Ordinal))];

        var (code, _, stderr) = CliRunner.Run(["serve", .. full]);

        Assert.True(code == 2, $"exit {code}: {stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public void APortInUseIsNamed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var (code, _, stderr) = CliRunner.Run("serve", "--model", $"a={Model()}", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(2, code);
        Assert.Equal($"error: --port {port}: the address 127.0.0.1:{port} is already in use", stderr.Trim());
    }

    private string Model()
    {
        string path = Path.Combine(_folder.Path, "m.safetensors");
        if (!File.Exists(path))
        {
            var model = new Sequential(new Gru(4, new RecurrentOptions()), new Dense(1));
            model.Build([5, 2], seed: 1);
            GatedModelFile.Save(path, model);
        }

        return path;
    }
}
