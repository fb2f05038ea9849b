namespace Gated.IO;

/// <summary>
/// Writes a file under a temporary name in the same folder and renames it into place, so a crash or an error
/// mid-write never leaves a half-written file where the user's file was. The destination is checked first
/// (<see cref="OutputPath"/>): a folder, a path under a regular file or a read-only file is refused with
/// <see cref="OutputPathException"/>; a symbolic link is followed, so the file it points to is replaced and the link
/// stays; temporary files an interrupted earlier write left beside it are removed.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Creates the file's folder if needed, lets <paramref name="write"/> fill a temporary file beside it, flushes it
    /// to disk and moves it over <paramref name="path"/>; on any exception the temporary file is deleted, leaving the
    /// old file as it was, and the exception rethrown — an I/O failure as an <see cref="OutputPathException"/> that
    /// names <paramref name="path"/>, not the temporary file.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole content to the stream it is given; it must not close the stream.</param>
    /// <exception cref="OutputPathException"><paramref name="path"/> cannot be written, or writing it failed; the old file is unchanged.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="write"/> is null.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);

        // A set of one file: the same checks, temporary names, clean-up and error wording as a run's outputs.
        using var outputs = new OutputSet([path]);
        outputs.Write(path, write);
        outputs.Commit();
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark, atomically as <see cref="Write"/> does.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="text">The whole content of the file.</param>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });
}
