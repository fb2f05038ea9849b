namespace Gated.Tests.TestSupport;

/// <summary>Finds files committed in the repository (such as the bundled data) from the test's output folder.</summary>
internal static class RepoFiles
{
    /// <summary>The full path of <paramref name="relativePath"/> in the nearest folder above the test binaries that holds it.</summary>
    public static string Find(string relativePath)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"no folder above {AppContext.BaseDirectory} contains {relativePath}");
    }
}
