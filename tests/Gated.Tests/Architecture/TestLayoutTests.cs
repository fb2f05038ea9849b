using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Architecture;

/// <summary>
/// Tests mirror src/Gated folder for folder: every folder of the library with code has a folder of the same path
/// here with at least one test class, and every test folder either mirrors one or is declared support below.
/// </summary>
public class TestLayoutTests
{
    // Folders of this project that hold no mirror of src/Gated: the architecture checks, the CLI's tests (src/Gated.Cli),
    // fixtures, double-precision references and shared helpers.
    private static readonly string[] SupportFolders = ["Architecture", "Cli", "Fixtures", "Reference", "TestSupport"];

    [Fact]
    public void EveryLibraryFolderHasItsTestFolder()
    {
        var (source, tests) = Roots();
        var missing = CodeFolders(source)
            .Where(folder => !Directory.Exists(Path.Combine(tests, folder))
                || !Directory.EnumerateFiles(Path.Combine(tests, folder), "*Tests.cs").Any())
            .ToList();
        Assert.True(missing.Count == 0, "src/Gated folders without tests in tests/Gated.Tests: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryTestFolderMirrorsTheLibraryOrIsSupport()
    {
        var (source, tests) = Roots();
        var mirrored = CodeFolders(source).ToHashSet(StringComparer.Ordinal);
        var strays = CodeFolders(tests)
            .Where(folder => !mirrored.Contains(folder) && !SupportFolders.Contains(folder.Split(Path.DirectorySeparatorChar)[0]))
            .ToList();
        Assert.True(strays.Count == 0, "tests/Gated.Tests folders that mirror no folder of src/Gated: " + string.Join(", ", strays));
    }

    private static (string Source, string Tests) Roots()
    {
        string source = Path.GetDirectoryName(RepoFiles.Find(Path.Combine("src", "Gated", "Gated.csproj")))!;
        string tests = Path.GetDirectoryName(RepoFiles.Find(Path.Combine("tests", "Gated.Tests", "Gated.Tests.csproj")))!;
        return (source, tests);
    }

    // Relative paths of the folders below root that hold .cs files (build output excluded).
    private static IEnumerable<string> CodeFolders(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(root, Path.GetDirectoryName(file)!))
            .Where(folder => folder != "." && folder.Split(Path.DirectorySeparatorChar)[0] is not ("bin" or "obj"))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
}
