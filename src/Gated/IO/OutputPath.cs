using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Gated.IO;

/// <summary>
/// Where an output file may go, checked before any work; and the temporary files written beside it, named
/// <c>.NAME.PID.GUID.tmp</c>, which a later write removes once the process that made them is gone. An existing
/// output that is a symbolic link is followed: the file it points to is replaced and the link stays.
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

    /// <summary>A fresh temporary name beside <paramref name="fullPath"/>, in the pattern <see cref="RemoveStaleTemporaries"/> knows.</summary>
    internal static string TemporaryName(string fullPath) =>
        System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(fullPath) ?? ".",
            $".{System.IO.Path.GetFileName(fullPath)}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}.tmp");

    /// <summary>
    /// Deletes the temporary files an earlier, interrupted write of <paramref name="path"/> left beside it: only names in
    /// this library's pattern for this file (also a temporary of a temporary), and only when the process that made
    /// them is gone or started after the file was written. Files it cannot delete are left.
    /// </summary>
    /// <param name="path">The output file whose leftovers to remove.</param>
    /// <returns>How many files were deleted.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    public static int RemoveStaleTemporaries(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        string? folder = System.IO.Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
        {
            return 0;
        }

        string name = Regex.Escape(System.IO.Path.GetFileName(full));
        const string Suffix = @"\.(\d{1,10})\.[0-9a-f]{32}\.tmp";
        var pattern = new Regex($@"^\.(?:\.{name}{Suffix}|{name}){Suffix}$", RegexOptions.CultureInvariant);
        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            var match = pattern.Match(System.IO.Path.GetFileName(file));
            if (!match.Success || !int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                || IsWriterAlive(pid, file))
            {
                continue;
            }

            try
            {
                File.Delete(file);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return removed;
    }

    // A live process with the file's pid is its writer unless it started after the file was last written (pid reused).
    private static bool IsWriterAlive(int pid, string file)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && process.StartTime.ToUniversalTime() <= File.GetLastWriteTimeUtc(file).AddSeconds(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

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
