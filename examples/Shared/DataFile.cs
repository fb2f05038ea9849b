namespace Gated.Examples.Shared;

/// <summary>Finds a bundled file in the repository's data/ folder, wherever the example is started from.</summary>
internal static class DataFile
{
    /// <summary>
    /// The path of data/<paramref name="name"/> in the nearest folder above the working folder or above the
    /// program's own folder (bin/Release/… inside the repository); null when neither has it.
    /// </summary>
    public static string? Find(string name)
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, "data", name);
                if (File.Exists(candidate))
                {
                    return Path.GetRelativePath(Directory.GetCurrentDirectory(), candidate);
                }
            }
        }

        return null;
    }

    /// <summary>The one-line error for a missing data file.</summary>
    public static string NotFound(string name) =>
        $"error: data/{name} not found above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}; run from inside the repository";
}
