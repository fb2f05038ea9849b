using Gated.Data;
using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Data;

public class WordTokenizerTests
{
    // Counts: cat 2, sat 2, the 2, a 1, dog 1; ties in ordinal order give cat, sat, the, a, dog.
    private static readonly string[] Texts = ["The cat sat.", "the dog SAT!", "A cat"];

    [Fact]
    public void SplitWordsLowercasesAndKeepsApostrophesInsideWords()
    {
        string[] words = WordTokenizer.SplitWords("Don't STOP, it's 10/10... 'Cover' students' slow-moving");

        Assert.Equal(["don't", "stop", "it's", "10", "10", "cover", "students", "slow", "moving"], words);
    }

    [Theory]
    [InlineData("don\u2019t", new[] { "don't" })]
    [InlineData("good\u0096bad", new[] { "good", "bad" })]
    [InlineData("a''b", new[] { "a", "b" })]
    [InlineData("'  ' -- !!", new string[0])]
    [InlineData("", new string[0])]
    [InlineData("Caf\u00c9 cafe\u0301", new[] { "caf\u00e9", "cafe\u0301" })]
    [InlineData("x\U0001F600y", new[] { "x", "y" })]
    [InlineData("tab\tand\r\nnewline", new[] { "tab", "and", "newline" })]
    public void SplitWordsEdgeCases(string text, string[] expected)
    {
        Assert.Equal(expected, WordTokenizer.SplitWords(text));
    }

    [Fact]
    public void FitOrdersByFrequencyThenOrdinally()
    {
        var tokenizer = WordTokenizer.Fit(Texts, int.MaxValue);

        Assert.Equal(["", "[UNK]", "cat", "sat", "the", "a", "dog"], tokenizer.GetState());
        Assert.Equal(7, tokenizer.VocabularySize);
    }

    [Fact]
    public void FitDoesNotDependOnTextOrder()
    {
        var forward = WordTokenizer.Fit(Texts, int.MaxValue);
        var backward = WordTokenizer.Fit(Enumerable.Reverse(Texts), int.MaxValue);

        Assert.Equal(forward.GetState(), backward.GetState());
    }

    [Fact]
    public void MaxTokensCountsPaddingAndOutOfVocabulary()
    {
        var tokenizer = WordTokenizer.Fit(Texts, maxTokens: 5);

        Assert.Equal(5, tokenizer.VocabularySize);
        Assert.Equal(["", "[UNK]", "cat", "sat", "the"], tokenizer.GetState());
    }

    [Fact]
    public void EncodePadsAtTheEnd()
    {
        var tokenizer = WordTokenizer.Fit(Texts, maxTokens: 5);

        Assert.Equal([4, 2, 0, 0], tokenizer.Encode("The cat", 4));
        Assert.Equal([0, 0], tokenizer.Encode("...", 2));
    }

    [Fact]
    public void UnknownWordsAreOne()
    {
        var tokenizer = WordTokenizer.Fit(Texts, maxTokens: 5);

        Assert.Equal([4, 1, 3, 0], tokenizer.Encode("the dog sat", 4));
        Assert.Equal([1, 1], tokenizer.Encode("Zebra's crossing", 2));
    }

    [Fact]
    public void EncodeTruncatesAtTheEnd()
    {
        var tokenizer = WordTokenizer.Fit(Texts, maxTokens: 5);

        Assert.Equal([2, 3, 4], tokenizer.Encode("cat sat the cat sat", 3));
    }

    [Fact]
    public void EncodeBatchGivesFloatIndices()
    {
        var tokenizer = WordTokenizer.Fit(Texts, maxTokens: 5);

        Tensor batch = tokenizer.EncodeBatch(["the cat", "cat dog sat the cat", ""], 4);

        Assert.Equal([3, 4], batch.Shape);
        Assert.Equal([4, 2, 0, 0, 2, 1, 3, 4, 0, 0, 0, 0], batch.Data);
        Assert.Equal([0, 4], tokenizer.EncodeBatch([], 4).Shape);
    }

    [Fact]
    public void LengthsAreWordCountsCappedAtLength()
    {
        Assert.Equal([2, 4, 0], WordTokenizer.Lengths(["the cat", "a b c d e f", "!!!"], 4));
    }

    [Fact]
    public void DecodeSkipsPaddingAndShowsUnknownWords()
    {
        var tokenizer = WordTokenizer.Fit(Texts, maxTokens: 5);

        Assert.Equal("the [UNK] sat", tokenizer.Decode([4, 1, 3, 0]));
        Assert.Equal("", tokenizer.Decode([0, 0]));
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([5])).ParamName);
    }

    [Fact]
    public void StateRoundTrips()
    {
        var original = WordTokenizer.Fit(Texts, int.MaxValue);

        var restored = WordTokenizer.FromState(original.GetState());

        Assert.Equal(original.GetState(), restored.GetState());
        Assert.Equal(original.Encode("a dog sat on the cat", 8), restored.Encode("a dog sat on the cat", 8));
    }

    public static TheoryData<string[]> BadStates =>
    [
        ["", "[UNK]"],
        ["[UNK]", "", "cat"],
        ["", "[UNK]", "Cat"],
        ["", "[UNK]", "two words"],
        ["", "[UNK]", "cat,"],
        ["", "[UNK]", "cat", "dog", "cat"],
    ];

    [Theory]
    [MemberData(nameof(BadStates))]
    public void BadStatesAreRejected(string[] state)
    {
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => WordTokenizer.FromState(state)).ParamName);
    }

    [Fact]
    public void RepeatedWordInStateIsNamed()
    {
        var ex = Assert.Throws<ArgumentException>(() => WordTokenizer.FromState(["", "[UNK]", "cat", "cat"]));

        Assert.StartsWith("entry 3 ('cat') repeats an earlier word", ex.Message);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var tokenizer = WordTokenizer.Fit(Texts, maxTokens: 5);

        Assert.Equal("maxTokens", Assert.Throws<ArgumentOutOfRangeException>(() => WordTokenizer.Fit(Texts, 2)).ParamName);
        Assert.Equal("texts", Assert.Throws<ArgumentException>(() => WordTokenizer.Fit(["a", null!], 10)).ParamName);
        Assert.Equal("texts", Assert.Throws<ArgumentException>(() => WordTokenizer.Fit(["...", ""], 10)).ParamName);
        Assert.Equal("texts", Assert.Throws<ArgumentNullException>(() => WordTokenizer.Fit(null!, 10)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Encode("cat", 0)).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => tokenizer.Encode(null!, 3)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.EncodeBatch(["cat"], 0)).ParamName);
        Assert.Equal("texts", Assert.Throws<ArgumentException>(() => tokenizer.EncodeBatch(["cat", null!], 3)).ParamName);
        Assert.Equal("texts", Assert.Throws<ArgumentException>(() => WordTokenizer.Lengths([null!], 3)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => WordTokenizer.Lengths(["cat"], 0)).ParamName);
        Assert.Equal("state", Assert.Throws<ArgumentNullException>(() => WordTokenizer.FromState(null!)).ParamName);
    }
}
