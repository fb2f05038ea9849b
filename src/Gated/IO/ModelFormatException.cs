namespace Gated.IO;

/// <summary>A model or weights file that cannot be read: truncated, corrupt, or not what it claims to be.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception with a message that names the file and what is wrong with it.</summary>
    /// <param name="message">The file and what is wrong with it.</param>
    public ModelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the lower-level error (I/O, parsing) that revealed the problem.</summary>
    /// <param name="message">The file and what is wrong with it.</param>
    /// <param name="inner">The exception that revealed the problem.</param>
    public ModelFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
