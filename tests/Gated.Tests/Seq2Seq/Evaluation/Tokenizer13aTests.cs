using System.Text.Json;
using Gated.Seq2Seq.Evaluation;
using Xunit;

namespace Gated.Tests.Seq2Seq.Evaluation;

public sealed class Tokenizer13aTests
{
    [Theory]
    // flexeval's test of sacreBLEU's 13a (test_sacrebleu_13a_tokenizer): an apostrophe stays, the final period splits.
    [InlineData("I'm a student.", "I'm a student .")]
    // The hypotheses of sacreBLEU's README example.
    [InlineData("The dog bit the man.", "The dog bit the man .")]
    [InlineData("It wasn't surprising.", "It wasn't surprising .")]
    // $ and % are symbols; a comma or period between digits stays, one before a space splits.
    [InlineData("It costs $1,000.50, or 3.5%.", "It costs $ 1,000.50 , or 3.5 % .")]
    // A dash splits only after a digit; inside a word or before a digit it stays.
    [InlineData("1990-2000 and well-known -5", "1990 - 2000 and well-known -5")]
    [InlineData("2-3-4", "2 - 3 - 4")]
    [InlineData("1.000.000,5-", "1.000.000,5 -")]
    // Entities are unescaped once, in the order &quot; &amp; &lt; &gt;, and the results are symbols.
    [InlineData("&quot;Hi&quot; &amp; &lt;b&gt;", "\" Hi \" & < b >")]
    [InlineData("&amp;quot;", "& quot ;")]
    // <skipped> goes; "-\n" joins; other line feeds separate.
    [InlineData("<skipped> text", "text")]
    [InlineData("line-\nbreak\nnext", "linebreak next")]
    // A period or comma next to a non-digit on either side splits: ".5" and "5." both do.
    [InlineData("a.b 3.14 3,5 .5 5. x,y", "a . b 3.14 3,5 . 5 5 . x , y")]
    [InlineData("e.g., U.S.A.", "e . g . , U . S . A .")]
    [InlineData("...", ". . .")]
    // Every symbol of mteval's class, backslash included.
    [InlineData("(a) [b] {c} @d #e ~f |g ^h _i `j \\k", "( a ) [ b ] { c } @ d # e ~ f | g ^ h _ i ` j \\ k")]
    // Python's whitespace: U+001C (an information separator) and the no-break space separate tokens.
    [InlineData("x\u001Cy\u00A0z", "x y z")]
    [InlineData("  spaced \t out  ", "spaced out")]
    [InlineData("", "")]
    public void TokenizesAsMteval13a(string line, string expected)
    {
        Assert.Equal(expected, Tokenizer13a.Tokenize(line));
        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), Tokenizer13a.Tokens(line));
    }

    [Fact]
    public void MatchesPythonsRegularExpressionsOnRandomLines()
    {
        // Fixtures/make_tokenizer_13a_fixture.py: 400 random lines of symbols, digits, entities, line feeds,
        // non-ASCII letters and a surrogate pair, tokenized by Python's re.
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "seq2seq", "tokenizer_13a.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        int checkedLines = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            string line = item.GetProperty("line").GetString()!;
            Assert.True(
                item.GetProperty("tokenized").GetString() == Tokenizer13a.Tokenize(line),
                $"line {JsonSerializer.Serialize(line)}: expected {item.GetProperty("tokenized")}, got {JsonSerializer.Serialize(Tokenizer13a.Tokenize(line))}");
            checkedLines++;
        }

        Assert.Equal(400, checkedLines);
    }

    [Fact]
    public void RefusesNull()
    {
        Assert.Throws<ArgumentNullException>(() => Tokenizer13a.Tokenize(null!));
    }
}
