namespace Gated.IO;

/// <summary>A model or weights file that cannot be read: truncated, corrupt, or not what it claims to be.</summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException(string message)
        : base(message)
    {
    }

    public ModelFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
