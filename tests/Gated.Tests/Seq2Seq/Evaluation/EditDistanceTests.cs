using Gated.Seq2Seq.Evaluation;
using Xunit;

namespace Gated.Tests.Seq2Seq.Evaluation;

public sealed class EditDistanceTests
{
    [Theory]
    // kitten → sitting: k→s, e→i, +g.
    [InlineData("kitten", "sitting", 3)]
    [InlineData("flaw", "lawn", 2)]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "", 3)]
    [InlineData("", "", 0)]
    [InlineData("same", "same", 0)]
    // A transposition costs two substitutions (Levenshtein, not Damerau).
    [InlineData("ab", "ba", 2)]
    public void CountsInsertionsDeletionsAndSubstitutions(string hypothesis, string reference, int expected)
    {
        Assert.Equal(expected, EditDistance.Levenshtein<char>(hypothesis, reference));
        Assert.Equal(expected, EditDistance.Levenshtein<char>(reference, hypothesis));
    }

    [Fact]
    public void ComparesTokensOrdinally()
    {
        // Phonemes: one substitution (AH0 → IH0) and one deletion (T).
        string[] reference = ["K", "AE1", "T", "AH0", "L", "AO2", "G"];
        string[] hypothesis = ["K", "AE1", "IH0", "L", "AO2", "G"];
        Assert.Equal(2, EditDistance.Levenshtein<string>(hypothesis, reference));
        Assert.Equal(1, EditDistance.Levenshtein<string>(["The"], ["the"]));
    }

    [Fact]
    public void MatchesTheFullTableOnRandomTokenArrays()
    {
        // Lengths 0 to 40 over a 4-token vocabulary (many matches) and past the 256-entry stack row.
        var random = new Random(16);
        string[] vocabulary = ["a", "b", "c", "d"];
        for (int trial = 0; trial < 400; trial++)
        {
            int maxLength = trial < 380 ? 40 : 300;
            string[] x = Draw(random, vocabulary, random.Next(maxLength + 1));
            string[] y = Draw(random, vocabulary, random.Next(maxLength + 1));
            int expected = FullTable(x, y);
            Assert.Equal(expected, EditDistance.Levenshtein<string>(x, y));
            Assert.Equal(expected, EditDistance.Levenshtein<string>(y, x));
        }
    }

    private static string[] Draw(Random random, string[] vocabulary, int length) =>
        Enumerable.Range(0, length).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();

    // The textbook (n+1)×(m+1) table: d[i, j] is the distance between x[..i] and y[..j].
    private static int FullTable(string[] x, string[] y)
    {
        var d = new int[x.Length + 1, y.Length + 1];
        for (int i = 0; i <= x.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= y.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= x.Length; i++)
        {
            for (int j = 1; j <= y.Length; j++)
            {
                int cost = x[i - 1] == y[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            }
        }

        return d[x.Length, y.Length];
    }
}
