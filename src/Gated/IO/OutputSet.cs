namespace Gated.IO;

/// <summary>
/// The files one run writes, replaced as a unit: every destination is checked when the set is made (before any
/// work), each file is written under a temporary name beside its destination, and only when all are written are
/// they renamed into place, one rename each, back to back. A run that fails or is interrupted before then leaves
/// every old file as it was; its temporary files are deleted on <see cref="Dispose"/>, or by the next run if the
/// process was killed.
/// </summary>
/// <example>
/// <code>
/// using var outputs = new OutputSet([modelPath, plotPath]);   // throws OutputPathException before any work
/// // … train …
/// outputs.Write(modelPath, forecaster.Save);
/// outputs.Write(plotPath, chart.Save);
/// outputs.Commit();
/// </code>
/// </example>
public sealed class OutputSet : IDisposable
{
    private readonly List<Entry> _entries = [];
    private bool _committed;

    /// <summary>Checks every destination with <see cref="OutputPath.Check"/> and removes the stale temporary files of earlier runs beside them.</summary>
    /// <param name="paths">The files the run will write.</param>
    /// <exception cref="OutputPathException">A destination cannot be written; nothing was written.</exception>
    /// <exception cref="ArgumentException">A path is empty or given twice.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="paths"/> or one of them is null.</exception>
    public OutputSet(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (string path in paths)
        {
            string target = OutputPath.Check(path);
            if (_entries.Any(e => e.Target == target))
            {
                throw new ArgumentException($"{path} is given twice", nameof(paths));
            }

            _entries.Add(new Entry(path, target));
        }

        // A link's own name too: a write before links were followed named its temporaries after the link.
        foreach (var entry in _entries)
        {
            OutputPath.RemoveStaleTemporaries(entry.Target);
            if (System.IO.Path.GetFullPath(entry.Path) != entry.Target)
            {
                OutputPath.RemoveStaleTemporaries(entry.Path);
            }
        }
    }

    /// <summary>The destinations, as given.</summary>
    public IReadOnlyList<string> Paths => [.. _entries.Select(e => e.Path)];

    /// <summary>
    /// Lets <paramref name="writeTo"/> write the content of <paramref name="path"/> to the temporary file whose path it
    /// is given (any API that saves to a path); creates the destination's folder if needed. A writer that throws
    /// leaves no temporary file.
    /// </summary>
    /// <param name="path">One of the destinations.</param>
    /// <param name="writeTo">Writes the whole file at the path it is given.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is not a destination of this set.</exception>
    /// <exception cref="OutputPathException">Writing failed (an I/O error, named for <paramref name="path"/>); no temporary file is left.</exception>
    /// <exception cref="InvalidOperationException">The set was committed or disposed.</exception>
    public void Write(string path, Action<string> writeTo)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        ObjectDisposedException.ThrowIf(_committed, this);
        var entry = Find(path);
        DeleteTemporary(entry);
        string temporary = OutputPath.TemporaryName(entry.Target);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(temporary)!);
        try
        {
            writeTo(temporary);
        }
        catch (Exception e)
        {
            File.Delete(temporary);
            if (NamingTheDestination(e, temporary, entry.Path) is { } named)
            {
                throw named;
            }

            throw;
        }

        entry.Temporary = temporary;
    }

    /// <summary>Writes <paramref name="path"/>'s content through a stream, as <see cref="Write(string, Action{string})"/> does.</summary>
    /// <param name="path">One of the destinations.</param>
    /// <param name="write">Writes the whole content to the stream it is given; it must not close the stream.</param>
    public void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(stream);
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>
    /// Renames every written file into place. The destinations are checked again first (read-only flags may have
    /// changed during the run); a failure there replaces nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">A destination was not written.</exception>
    /// <exception cref="OutputPathException">A destination can no longer be written; nothing was replaced.</exception>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        if (_entries.FirstOrDefault(e => e.Temporary is null) is { } missing)
        {
            throw new InvalidOperationException($"{missing.Path} was not written");
        }

        foreach (var entry in _entries)
        {
            OutputPath.Validate(entry.Path);
        }

        foreach (var entry in _entries)
        {
            try
            {
                File.Move(entry.Temporary!, entry.Target, overwrite: true);
            }
            catch (Exception e)
            {
                if (NamingTheDestination(e, entry.Temporary!, entry.Path) is { } named)
                {
                    throw named;
                }

                throw;
            }

            entry.Temporary = null;
        }

        _committed = true;
    }

    /// <summary>Deletes the temporary files of a set that was not committed; the destinations are untouched.</summary>
    public void Dispose()
    {
        foreach (var entry in _entries)
        {
            DeleteTemporary(entry);
        }

        _committed = true;
    }

    private Entry Find(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        return _entries.FirstOrDefault(e => e.Path == path || System.IO.Path.GetFullPath(e.Path) == full)
            ?? throw new ArgumentException($"{path} is not one of this set's files", nameof(path));
    }

    // An I/O failure as an OutputPathException naming the user's file: the system's message names the temporary one,
    // which the user never asked for. Null for any other exception (the caller rethrows it as it is).
    private static OutputPathException? NamingTheDestination(Exception e, string temporary, string path) =>
        e is IOException and not OutputPathException or UnauthorizedAccessException
            ? new OutputPathException(path, e.Message.Replace(temporary, path, StringComparison.Ordinal), e)
            : null;

    private static void DeleteTemporary(Entry entry)
    {
        if (entry.Temporary is not null)
        {
            File.Delete(entry.Temporary);
            entry.Temporary = null;
        }
    }

    private sealed class Entry(string path, string target)
    {
        public string Path { get; } = path;

        public string Target { get; } = target;

        public string? Temporary { get; set; }
    }
}
