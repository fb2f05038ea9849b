using System.Text;
using Gated.Data;

namespace Gated.Seq2Seq;

/// <summary>A source line and its target line (one row of a pairs file).</summary>
/// <param name="Source">The line to translate.</param>
/// <param name="Target">Its translation.</param>
public sealed record SequencePair(string Source, string Target);

/// <summary>Reads tab-separated pair files: one pair per line, source then target, UTF-8.</summary>
public static class SequencePairs
{
    /// <summary>
    /// The pairs of a file: each non-empty line is "source&lt;TAB&gt;target" with text on both sides; a line with no tab,
    /// more than one, or an empty side is a DataFormatException naming the file and line. A file without any pair is one too.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyList<SequencePair> ReadTsv(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"pairs file not found: {path}", path);
        }

        var pairs = new List<SequencePair>();
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length != 2)
            {
                throw new DataFormatException($"expected source<TAB>target, found {fields.Length - 1} tabs", path, lineNumber);
            }

            if (string.IsNullOrWhiteSpace(fields[0]) || string.IsNullOrWhiteSpace(fields[1]))
            {
                throw new DataFormatException($"the {(string.IsNullOrWhiteSpace(fields[0]) ? "source" : "target")} is empty", path, lineNumber);
            }

            pairs.Add(new SequencePair(fields[0].Trim(), fields[1].Trim()));
        }

        if (pairs.Count < 3)
        {
            throw new DataFormatException($"holds {pairs.Count} pairs; training, validation and test need at least 3", path);
        }

        return pairs;
    }

    /// <summary>
    /// A fixed-seed split in which all pairs of one source line fall on one side (alternative translations or
    /// pronunciations of a test source are never trained on): sources are shuffled, the first testFraction of them are
    /// the test part, the rest is for training (and validation); each part keeps the file's order within it.
    /// </summary>
    /// <exception cref="DataFormatException">Too few distinct sources to leave both a test and a training part.</exception>
    public static (IReadOnlyList<SequencePair> Train, IReadOnlyList<SequencePair> Test) Split(IReadOnlyList<SequencePair> pairs, double testFraction, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var sources = pairs.Select(p => p.Source).Distinct(StringComparer.Ordinal).ToArray();
        int testCount = DatasetSplit.HeldOutCount(sources.Length, testFraction);
        if (testCount == 0 || testCount == sources.Length)
        {
            throw new DataFormatException(
                $"the pairs have {sources.Length} distinct source lines; holding out {testFraction:P0} of them for testing leaves {testCount} for testing and {sources.Length - testCount} for training");
        }

        var order = Enumerable.Range(0, sources.Length).ToArray();
        new Randomness.SeededRandom(seed).Shuffle(order);
        var test = new HashSet<string>(order.Take(testCount).Select(i => sources[i]), StringComparer.Ordinal);
        // Training pairs in shuffled source order, so the validation split (the last pairs, as Keras) is a random part.
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < order.Length; i++)
        {
            rank[sources[order[i]]] = i;
        }

        var train = pairs.Where(p => !test.Contains(p.Source)).OrderBy(p => rank[p.Source]).ToList();
        return (train, pairs.Where(p => test.Contains(p.Source)).ToList());
    }
}
