using System.Text.RegularExpressions;

namespace Gated.Tests.Architecture;

/// <summary>
/// Which top-level folders of a project's source refer to which, read from the source: a file in folder F refers
/// to folder G when it has `using Gated.G…;` or names `Gated.G.` in code (comments and strings do not count). A
/// folder is a namespace, so this is the namespace graph at the first level below the project's root namespace.
/// </summary>
internal static partial class SourceGraph
{
    /// <summary>Edges folder → folder, each with one file that makes it, for every .cs file under root.</summary>
    public static Dictionary<(string From, string To), string> Read(string root, string rootNamespace)
    {
        var edges = new Dictionary<(string, string), string>();
        foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file);
            string[] parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Length < 2 || parts[0] is "bin" or "obj")
            {
                continue;
            }

            string code = CodeOnly(File.ReadAllText(file));
            foreach (Match reference in ReferencePattern().Matches(code))
            {
                string target = reference.Groups["folder"].Value;
                if (reference.Groups["root"].Value == rootNamespace && target != parts[0])
                {
                    edges.TryAdd((parts[0], target), relative);
                }
            }
        }

        return edges;
    }

    /// <summary>A cycle of the graph as its folders in order (the first repeated last), or null when there is none.</summary>
    public static IReadOnlyList<string>? FindCycle(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).Order(StringComparer.Ordinal).ToList());
        var state = new Dictionary<string, int>();   // 1 on the current path, 2 finished
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (string to in next.GetValueOrDefault(node, []))
            {
                if (state.GetValueOrDefault(to) == 1)
                {
                    return [.. path.Skip(path.IndexOf(to)), to];
                }

                if (state.GetValueOrDefault(to) == 0 && Visit(to) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        foreach (string node in next.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    // Source with comments, string and character literals blanked, so prose that names a namespace is not a reference.
    private static string CodeOnly(string source) => NonCodePattern().Replace(source, m => m.Value.StartsWith('/') ? " " : "\"\"");

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:[^""]|"""")*""|""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])+'", RegexOptions.Singleline)]
    private static partial Regex NonCodePattern();

    [GeneratedRegex(@"\b(?<root>Gated)\.(?<folder>[A-Z]\w*)\b")]
    private static partial Regex ReferencePattern();
}
