using System.Globalization;

namespace Gated.IO;

/// <summary>
/// Where an output file may go, checked before any work, and the temporary files written beside it, named
/// <c>.NAME.PID.GUID.tmp</c>. An existing output that is a symbolic link is followed: the file it points to is
/// replaced and the link stays.
/// </summary>
public static class OutputPath
{
    private const UnixFileMode AnyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// Checks that <paramref name="path"/> can be created or replaced: it is not a folder, no folder above it is a
    /// regular file, an existing file is not read-only (by its attributes or mode bits, so also for root), and its
    /// nearest existing folder is not read-only and takes a new file (probed by creating and deleting one).
    /// Creates nothing that stays.
    /// </summary>
    /// <param name="path">The file to be written.</param>
    /// <returns>The full path of the file that will be replaced: <paramref name="path"/>, or the target of a symbolic link.</returns>
    /// <exception cref="OutputPathException">The path cannot be written; the message names it and says why.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    public static string Check(string path)
    {
        string target = Validate(path);
        string folder = NearestFolder(path, target);
        string probe = TemporaryName(System.IO.Path.Combine(folder, "probe"));
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
            }

            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputPathException(path, $"cannot create a file in {folder} ({e.Message})", e);
        }

        return target;
    }

    /// <summary>The checks of <see cref="Check"/> short of the probe: the path's shape and read-only flags.</summary>
    internal static string Validate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new OutputPathException(path, "it is a folder");
        }

        string target = new FileInfo(full).LinkTarget is null ? full : File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        if (Directory.Exists(target))
        {
            throw new OutputPathException(path, $"it links to the folder {target}");
        }

        string folder = NearestFolder(path, target);
        if (File.Exists(target) && IsReadOnly(target))
        {
            throw new OutputPathException(path, target == full ? "the file is read-only" : $"the file it links to, {target}, is read-only");
        }

        if (IsReadOnly(folder))
        {
            throw new OutputPathException(path, $"the folder {folder} is read-only");
        }

        return target;
    }

    /// <summary>A fresh temporary name beside <paramref name="fullPath"/>.</summary>
    internal static string TemporaryName(string fullPath) =>
        System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(fullPath) ?? ".",
            $".{System.IO.Path.GetFileName(fullPath)}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}.tmp");

    // The folder the file goes in, or the nearest one above it that exists; a regular file on the way is an error.
    private static string NearestFolder(string path, string target)
    {
        string? folder = System.IO.Path.GetDirectoryName(target);
        while (folder is not null && !Directory.Exists(folder))
        {
            if (File.Exists(folder))
            {
                throw new OutputPathException(path, $"{folder} is a file, not a folder");
            }

            folder = System.IO.Path.GetDirectoryName(folder);
        }

        return folder ?? throw new OutputPathException(path, "no folder above it exists");
    }

    // Read-only by attribute, or (Unix) with no write bit at all: root would write anyway, the user meant it not to.
    private static bool IsReadOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return !Directory.Exists(path) && File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly);
        }

        return (File.GetUnixFileMode(path) & AnyWrite) == 0 || (!Directory.Exists(path) && File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly));
    }
}
