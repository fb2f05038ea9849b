using Gated.Data;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Data;

public class SentimentSentencesTests
{
    private const string Header = "source,label,text\n";

    private static DataFormatException ParseFails(string text) =>
        Assert.Throws<DataFormatException>(() => SentimentSentences.Parse(new StringReader(text), "data/s.csv"));

    [Fact]
    public void BundledFileHas500OfEachLabelPerSource()
    {
        SentimentSentence[] sentences = SentimentSentences.Load(RepoFiles.Find(Path.Combine("data", "sentiment-sentences.csv")));

        Assert.Equal(3000, sentences.Length);
        Assert.Equal(1500, sentences.Count(s => s.Label == 1));
        foreach (string source in new[] { "imdb", "yelp", "amazon" })
        {
            Assert.Equal(500, sentences.Count(s => s.Source == source && s.Label == 0));
            Assert.Equal(500, sentences.Count(s => s.Source == source && s.Label == 1));
        }

        Assert.Equal(
            new SentimentSentence("A very, very, very slow-moving, aimless movie about a distressed, drifting young man.", 0, "imdb"),
            sentences[0]);
        Assert.Equal("You can not answer calls with the unit, never worked once!", sentences[^1].Text);
    }

    [Fact]
    public void BundledTextsGiveAKnownWordVocabulary()
    {
        string[] texts = SentimentSentences.Load(RepoFiles.Find(Path.Combine("data", "sentiment-sentences.csv")))
            .Select(s => s.Text).ToArray();

        var tokenizer = WordTokenizer.Fit(texts, int.MaxValue);
        int[] lengths = WordTokenizer.Lengths(texts, int.MaxValue);

        // Cross-checked with Python: re.findall(r"[^\W_]+(?:'[^\W_]+)*", text.lower()) over the same file.
        Assert.Equal(5258 + 2, tokenizer.VocabularySize);
        Assert.Equal(["", "[UNK]", "the", "and", "i", "a", "is", "it", "to", "this", "of", "was"], tokenizer.GetState().Take(12));
        Assert.Equal(73, lengths.Max());
        Assert.Equal(35674, lengths.Sum());
    }

    [Fact]
    public void ReadsQuotedTextWithCommas()
    {
        SentimentSentence[] sentences = SentimentSentences.Parse(
            new StringReader(Header + "yelp,1,\"Great food, \"\"great\"\" staff.\"\namazon,0,Broke.\n"), "data/s.csv");

        Assert.Equal([new SentimentSentence("Great food, \"great\" staff.", 1, "yelp"), new SentimentSentence("Broke.", 0, "amazon")], sentences);
    }

    [Fact]
    public void BadLabelNamesLineAndColumn()
    {
        DataFormatException ex = ParseFails(Header + "imdb,1,Fine.\nimdb,2,Odd.\n");

        Assert.Equal("data/s.csv line 3, column 'label': '2' is not 0 or 1 (1 = positive)", ex.Message);
        Assert.Equal(3, ex.Line);
        Assert.Equal("label", ex.Column);
    }

    [Fact]
    public void LineNumbersCountLinesInsideQuotedText()
    {
        DataFormatException ex = ParseFails(Header + "imdb,1,\"two\nlines\"\nyelp,positive,x\n");

        Assert.Equal("data/s.csv line 4, column 'label': 'positive' is not 0 or 1 (1 = positive)", ex.Message);
    }

    [Fact]
    public void EmptyTextOrSourceIsAnError()
    {
        Assert.Equal("data/s.csv line 2, column 'text': empty cell", ParseFails(Header + "imdb,1,  \n").Message);
        Assert.Equal("data/s.csv line 2, column 'source': empty cell", ParseFails(Header + ",1,Fine.\n").Message);
    }

    [Fact]
    public void MissingColumnIsNamed()
    {
        DataFormatException ex = ParseFails("source,text\nimdb,Fine.\n");

        Assert.Equal("data/s.csv: column 'label' not found; the file has: source, text", ex.Message);
    }

    [Fact]
    public void HeaderWithoutRowsIsAnError()
    {
        Assert.Equal("data/s.csv: the file has a header but no sentences", ParseFails(Header).Message);
    }

    [Fact]
    public void LoadNamesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gated-sentiment-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "source,label,text\r\nimdb,1,Good.\r\nimdb,x,Bad.\r\n");

            var ex = Assert.Throws<DataFormatException>(() => SentimentSentences.Load(path));

            Assert.Equal($"{path} line 3, column 'label': 'x' is not 0 or 1 (1 = positive)", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal($"file not found: {path}", Assert.Throws<DataFormatException>(() => SentimentSentences.Load(path)).Message);
    }
}
