using Gated.Data;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Data;

public class GutenbergTextTests
{
    private const string Book =
        "The Project Gutenberg EBook of X\r\n\r\n*** START OF THIS PROJECT GUTENBERG EBOOK X ***\r\n\r\n\r\n" +
        "Chapter 1\r\n\r\n  It was dark.\r\n\r\n*** END OF THIS PROJECT GUTENBERG EBOOK X ***\r\n\r\n*** START: FULL LICENSE ***\r\n";

    [Fact]
    public void StripsHeaderFooterAndSurroundingBlankLines()
    {
        Assert.Equal("Chapter 1\r\n\r\n  It was dark.", GutenbergText.StripHeaderAndFooter(Book, "x.txt"));
        Assert.Equal("Chapter 1\n\n  It was dark.", GutenbergText.StripHeaderAndFooter(GutenbergText.NormalizeLineEnds(Book), "x.txt"));
    }

    [Fact]
    public void MarkersCountOnlyAtTheStartOfALine()
    {
        string text = "see *** START OF here\n*** start of the book\nbody *** END OF\ntext\n*** END OF the book";

        Assert.Equal("body *** END OF\ntext", GutenbergText.StripHeaderAndFooter(text, "x.txt"));
    }

    [Fact]
    public void MissingStartMarkerNamesTheFile()
    {
        var ex = Assert.Throws<DataFormatException>(() => GutenbergText.StripHeaderAndFooter("just a story\n*** END OF IT\n", "books/x.txt"));

        Assert.Equal(
            "books/x.txt: no line starting '*** START OF'; expected a Project Gutenberg text with its header and footer markers", ex.Message);
        Assert.Equal("books/x.txt", ex.FilePath);
    }

    [Fact]
    public void EndMarkerMustFollowTheStart()
    {
        var ex = Assert.Throws<DataFormatException>(
            () => GutenbergText.StripHeaderAndFooter("*** END OF IT\r\nhead\r\n*** START OF IT\r\nbody\r\n", "x.txt"));

        Assert.Equal("x.txt line 3: no line starting '*** END OF' after the '*** START OF' marker", ex.Message);
    }

    [Fact]
    public void NothingBetweenTheMarkersIsAnError()
    {
        var ex = Assert.Throws<DataFormatException>(() => GutenbergText.StripHeaderAndFooter("*** START OF\n\n \n*** END OF\n", "x.txt"));

        Assert.Equal("x.txt line 1: nothing but blank lines between the Project Gutenberg markers", ex.Message);
    }

    [Fact]
    public void NormalizeLineEndsWritesLf()
    {
        Assert.Equal("a\nb\nc\n\n", GutenbergText.NormalizeLineEnds("a\r\nb\rc\n\r\n"));
    }

    [Fact]
    public void LoadReadsNormalizesAndStrips()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gated-book-{Guid.NewGuid():N}.txt");
        try
        {
            File.WriteAllText(path, "\uFEFF" + Book);

            Assert.Equal("Chapter 1\n\n  It was dark.", GutenbergText.Load(path));

            File.WriteAllText(path, "no markers");
            Assert.StartsWith($"{path}: no line starting '*** START OF'", Assert.Throws<DataFormatException>(() => GutenbergText.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal($"file not found: {path}", Assert.Throws<DataFormatException>(() => GutenbergText.Load(path)).Message);
    }

    [Fact]
    public void BundledNovelLoadsAndTokenizes()
    {
        string novel = GutenbergText.Load(RepoFiles.Find(Path.Combine("data", "sherlock-holmes.txt")));

        Assert.Equal(562515, novel.Length);
        Assert.StartsWith("Produced by an anonymous Project Gutenberg volunteer and Jose Menendez", novel);
        Assert.EndsWith("Arthur Conan Doyle", novel);
        Assert.Contains("To Sherlock Holmes she is always THE woman.", novel);
        Assert.DoesNotContain('\r', novel);
        Assert.DoesNotContain("*** START OF", novel);
        Assert.DoesNotContain("FULL LICENSE", novel);

        var tokenizer = CharTokenizer.Fit(novel);
        Assert.Equal(81, tokenizer.VocabularySize);
        Assert.Equal("\n !\"&'(),-./0123456789:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\u00e0\u00e2\u00e8\u00e9", tokenizer.GetState());

        int[] tokens = tokenizer.Encode(novel);
        (Tensor inputs, Tensor targets) = TextSequences.NextTokenWindows(tokens, length: 100, stride: 100);
        Assert.Equal([5625, 100], inputs.Shape);
        int[] lastTarget = targets.Data.AsSpan(^100..).ToArray().Select(t => (int)t).ToArray();
        Assert.Equal(novel.Substring((5624 * 100) + 1, 100), tokenizer.Decode(lastTarget));
    }
}
