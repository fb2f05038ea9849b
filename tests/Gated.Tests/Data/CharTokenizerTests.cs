using Gated.Data;
using Xunit;

namespace Gated.Tests.Data;

public class CharTokenizerTests
{
    [Fact]
    public void VocabularyIsTheDistinctCharactersInOrdinalOrder()
    {
        var tokenizer = CharTokenizer.Fit("hello");

        Assert.Equal("ehlo", tokenizer.GetState());
        Assert.Equal(4, tokenizer.VocabularySize);
        Assert.Equal([1, 0, 2, 2, 3], tokenizer.Encode("hello"));
        Assert.Equal("hello", tokenizer.Decode([1, 0, 2, 2, 3]));
        Assert.Equal("oh", tokenizer.Decode([3, 1]));
    }

    [Fact]
    public void OrdinalOrderPutsControlsAndCapitalsFirst()
    {
        var tokenizer = CharTokenizer.Fit("bA\na é");

        Assert.Equal("\n Aab\u00e9", tokenizer.GetState());
        Assert.Equal([4, 2, 0, 3, 1, 5], tokenizer.Encode("bA\na é"));
    }

    [Fact]
    public void SurrogatePairsRoundTrip()
    {
        string text = "a\U0001F600a";
        var tokenizer = CharTokenizer.Fit(text);

        Assert.Equal(3, tokenizer.VocabularySize);
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
    }

    [Fact]
    public void EmptyTextEncodesToNothing()
    {
        var tokenizer = CharTokenizer.Fit("ab");

        Assert.Empty(tokenizer.Encode(""));
        Assert.Equal("", tokenizer.Decode([]));
    }

    [Fact]
    public void UnknownCharacterIsNamedWithItsPosition()
    {
        var tokenizer = CharTokenizer.Fit("hello");

        var ex = Assert.Throws<ArgumentException>(() => tokenizer.Encode("hex"));

        Assert.Equal("text", ex.ParamName);
        Assert.StartsWith("character 'x' (U+0078) at position 2 is not in the vocabulary of 4 characters", ex.Message);
    }

    [Theory]
    [InlineData("he\tl", "character '\\t' (U+0009) at position 2")]
    [InlineData("h\r", "character '\\r' (U+000D) at position 1")]
    [InlineData("\u0007", "character '\\u0007' (U+0007) at position 0")]
    [InlineData("h\u0096", "character '\\u0096' (U+0096) at position 1")]
    public void ControlCharactersAreEscaped(string text, string expected)
    {
        var tokenizer = CharTokenizer.Fit("hello");

        var ex = Assert.Throws<ArgumentException>(() => tokenizer.Encode(text));

        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void LoneSurrogateIsEscaped()
    {
        // Kept out of InlineData, whose serialization would turn the lone surrogate into U+FFFD.
        var tokenizer = CharTokenizer.Fit("hello");

        var ex = Assert.Throws<ArgumentException>(() => tokenizer.Encode("h\ud83d"));

        Assert.StartsWith("character '\\uD83D' (U+D83D) at position 1", ex.Message);
    }

    [Fact]
    public void StateRoundTrips()
    {
        var original = CharTokenizer.Fit("The quick brown fox.\n");

        var restored = CharTokenizer.FromState(original.GetState());

        Assert.Equal(original.GetState(), restored.GetState());
        Assert.Equal(original.Encode("fox brown"), restored.Encode("fox brown"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ba")]
    [InlineData("abb")]
    public void StateMustBeDistinctCharactersInOrder(string state)
    {
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => CharTokenizer.FromState(state)).ParamName);
    }

    [Fact]
    public void StateOutOfOrderSaysWhere()
    {
        var ex = Assert.Throws<ArgumentException>(() => CharTokenizer.FromState("ac\n"));

        Assert.StartsWith(
            "the vocabulary must be distinct characters in ordinal order; character '\\n' (U+000A) at position 2 does not come after character 'c' (U+0063)",
            ex.Message);
    }

    [Fact]
    public void DecodeRejectsTokensOutsideTheVocabulary()
    {
        var tokenizer = CharTokenizer.Fit("ab");

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([0, 2]));
        Assert.Equal("tokens", ex.ParamName);
        Assert.StartsWith("token 2 at position 1 is outside the vocabulary [0, 2)", ex.Message);
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([-1])).ParamName);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        Assert.Equal("text", Assert.Throws<ArgumentException>(() => CharTokenizer.Fit("")).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => CharTokenizer.Fit(null!)).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => CharTokenizer.Fit("a").Encode(null!)).ParamName);
        Assert.Equal("state", Assert.Throws<ArgumentNullException>(() => CharTokenizer.FromState(null!)).ParamName);
    }
}
