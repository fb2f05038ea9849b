using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Architecture;

/// <summary>
/// The library's folders depend one way (docs/ARCHITECTURE.md draws the layers): no folder of src/Gated may reach,
/// through any chain of references, back to itself.
/// </summary>
public class FolderDependencyTests
{
    [Fact]
    public void LibraryFoldersHaveNoCycle()
    {
        string root = Path.GetDirectoryName(RepoFiles.Find(Path.Combine("src", "Gated", "Gated.csproj")))!;
        var edges = SourceGraph.Read(root, "Gated");
        var cycle = SourceGraph.FindCycle(edges.Keys);
        string report = cycle is null
            ? ""
            : string.Join("\n", cycle.Zip(cycle.Skip(1)).Select(e => $"{e.First} -> {e.Second} (e.g. {edges[(e.First, e.Second)]})"));
        Assert.True(cycle is null, "Folders of src/Gated depend on each other in a cycle:\n" + report);
    }

    [Fact]
    public void TheGraphIsReadFromTheSource()
    {
        // Guards the test above against reading nothing: edges the layering needs are there, and none from the bottom up.
        string root = Path.GetDirectoryName(RepoFiles.Find(Path.Combine("src", "Gated", "Gated.csproj")))!;
        var edges = SourceGraph.Read(root, "Gated");
        Assert.Contains(("Layers", "Kernels"), edges.Keys);
        Assert.Contains(("Models", "Training"), edges.Keys);
        Assert.Contains(("Serialization", "Models"), edges.Keys);
        Assert.DoesNotContain(edges.Keys, e => e.From is "Kernels" or "Tensors" or "IO" or "Randomness" && e.To is "Layers" or "Training" or "Models");
    }

    [Fact]
    public void ACycleIsFoundAndNamed()
    {
        (string, string)[] edges = [("A", "B"), ("B", "C"), ("C", "A"), ("C", "D")];
        Assert.Equal(["A", "B", "C", "A"], SourceGraph.FindCycle(edges));
        Assert.Null(SourceGraph.FindCycle([("A", "B"), ("B", "C"), ("A", "C")]));
    }
}
