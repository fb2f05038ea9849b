namespace Gated.Serving;

/// <summary>What <see cref="GatedServer"/> serves and its limits.</summary>
public sealed record ServeOptions
{
    /// <summary>The models to serve: name (as in the URL) → model file (Gated, ONNX, PyTorch state_dict or Keras; a forecaster's Gated file also serves forecasts).</summary>
    public required IReadOnlyDictionary<string, string> Models { get; init; }

    /// <summary>The address to listen on; loopback by default.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port; 0 picks a free one (read it back from <see cref="GatedServer.Addresses"/>).</summary>
    public int Port { get; init; } = 8501;

    /// <summary>A streaming session not stepped for this long is ended.</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The most live sessions over all models; creating one more is answered 429.</summary>
    public int MaxSessions { get; init; } = 1000;

    /// <summary>The largest request body accepted; a larger one is answered 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>How long shutdown waits for requests in flight.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws ArgumentException naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Models.Count == 0)
        {
            throw new ArgumentException("Serve at least one model (NAME=PATH).", nameof(Models));
        }

        foreach (var name in Models.Keys)
        {
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"Model name '{name}' must be letters, digits, '-', '_' or '.'.", nameof(Models));
            }
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port must be 0..65535.");
        }

        if (SessionIdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SessionIdleTimeout), SessionIdleTimeout, "The session timeout must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxSessions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxRequestBodyBytes);
    }
}
