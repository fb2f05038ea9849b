namespace Gated.Serving;

/// <summary>A request the server refuses: its HTTP status and one line saying why (the field and what was expected).</summary>
internal sealed class RequestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static RequestException BadRequest(string message) => new(400, message);

    public static RequestException NotFound(string message) => new(404, message);
}
