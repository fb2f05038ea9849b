using System.CommandLine;
using System.Net.Sockets;
using Gated.Serving;

namespace Gated.Cli;

/// <summary>`gated serve`: models behind TensorFlow Serving's REST routes, forecasts, streaming sessions, health and metrics (<see cref="GatedServer"/>).</summary>
internal static class ServeCommand
{
    private static readonly ServeOptions Defaults = new() { Models = new Dictionary<string, string>() };

    public static Command Create()
    {
        var models = new Option<string[]>("--model")
        {
            Description = "a model to serve, NAME=PATH (Gated, ONNX, PyTorch state_dict or Keras file; a forecaster also answers :forecast); repeat for more",
            HelpName = "NAME=PATH",
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.OneOrMore,
        };
        var host = Flags.Text("--host", Defaults.Host, "address to listen on", "ADDRESS");
        var port = Flags.Count("--port", Defaults.Port, "port to listen on (0 picks a free one)");
        var timeout = Flags.Count("--session-timeout", (int)Defaults.SessionIdleTimeout.TotalSeconds, "seconds a streaming session may stay idle before it ends");
        var maxSessions = Flags.Count("--max-sessions", Defaults.MaxSessions, "most live sessions; one more is answered 429");
        var maxBody = Flags.Count("--max-body-bytes", (int)Defaults.MaxRequestBodyBytes, "largest request body; a larger one is answered 413");
        var threads = Flags.Count("--threads", 1, "cores one request may use (1: concurrent requests already fill the cores, and no worker spins between them)");
        var command = new Command("serve", "serve models over HTTP: GET /v1/models/NAME, POST /v1/models/NAME:predict, :forecast, /sessions; /healthz, /readyz, /metrics")
        {
            models, host, port, timeout, maxSessions, maxBody, threads,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var named = new Dictionary<string, string>(StringComparer.Ordinal);
            string[] given = parse.GetValue(models) ?? [];
            if (given.Length == 0)
            {
                throw new UsageException("serve needs at least one --model NAME=PATH");
            }

            foreach (string item in given)
            {
                int equals = item.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || equals == item.Length - 1)
                {
                    throw new UsageException($"--model '{item}' must be NAME=PATH");
                }

                if (!named.TryAdd(item[..equals], item[(equals + 1)..]))
                {
                    throw new UsageException($"--model names '{item[..equals]}' twice");
                }
            }

            if (!System.Net.IPAddress.TryParse(parse.GetRequiredValue(host), out _) && parse.GetRequiredValue(host) != "localhost")
            {
                throw new UsageException($"--host must be an IP address (e.g. 127.0.0.1 or 0.0.0.0), got '{parse.GetRequiredValue(host)}'");
            }

            int portValue = parse.GetValue(port);
            if (portValue is < 0 or > 65535)
            {
                throw new UsageException($"--port must be 0..65535, got {portValue}");
            }

            int threadCount = parse.GetValue(threads);
            if (threadCount is < 1 or > Threading.Parallelism.MaxThreads)
            {
                throw new UsageException($"--threads must be 1 to {Threading.Parallelism.MaxThreads}, got {threadCount}");
            }

            Threading.Parallelism.Threads = threadCount;
            var options = new ServeOptions
            {
                Models = named,
                Host = parse.GetRequiredValue(host),
                Port = portValue,
                SessionIdleTimeout = TimeSpan.FromSeconds(Positive(parse.GetValue(timeout), "--session-timeout")),
                MaxSessions = Positive(parse.GetValue(maxSessions), "--max-sessions"),
                MaxRequestBodyBytes = Positive(parse.GetValue(maxBody), "--max-body-bytes"),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(UserErrors.WithoutParameterName(e));
            }

            await using var server = GatedServer.Create(options);
            try
            {
                await server.StartAsync(cancellation);
            }
            catch (IOException e) when (InUse(e))
            {
                throw new UsageException($"--port {portValue}: the address {options.Host}:{portValue} is already in use");
            }

            foreach (string name in server.ModelNames)
            {
                stdout.WriteLine(server.Describe(name));
            }

            stdout.WriteLine($"Listening on {string.Join(", ", server.Addresses)} (Ctrl+C or SIGTERM stops, letting requests in flight finish)");
            stdout.Flush();
            await server.WaitForShutdownAsync(cancellation);
            return 0;
        });
        return command;
    }

    // Kestrel wraps the socket's "address in use" in AddressInUseException inside an IOException.
    private static bool InUse(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.GetType().Name == "AddressInUseException")
            {
                return true;
            }
        }

        return false;
    }

    private static int Positive(int value, string flag) => value >= 1 ? value : throw new UsageException($"{flag} must be a positive integer, got {value}");
}
