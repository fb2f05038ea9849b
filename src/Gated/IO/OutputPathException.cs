namespace Gated.IO;

/// <summary>
/// An output file that cannot be written where it was asked for: the path is a folder, lies under a regular file, is
/// read-only, or its folder cannot be written. Thrown before anything is written (<see cref="OutputPath.Check"/>,
/// <see cref="OutputSet"/>, <see cref="AtomicFile"/>), so the user's files are as they were.
/// </summary>
public sealed class OutputPathException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>; the message names the path and the reason.</summary>
    /// <param name="path">The output path as the caller gave it.</param>
    /// <param name="reason">Why it cannot be written, to follow "cannot write PATH: ".</param>
    /// <param name="inner">The lower-level error that revealed the problem, if any.</param>
    public OutputPathException(string path, string reason, Exception? inner = null)
        : base($"cannot write {path}: {reason}", inner)
    {
        Path = path;
    }

    /// <summary>The output path as the caller gave it.</summary>
    public string Path { get; }
}
