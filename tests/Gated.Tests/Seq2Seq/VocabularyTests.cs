using Gated.Seq2Seq;
using Xunit;

namespace Gated.Tests.Seq2Seq;

/// <summary>Vocabularies: reserved ids, frequency order, UNK, encoding with BOS/EOS/padding/cutting, decoding to EOS; token units.</summary>
public sealed class VocabularyTests
{
    [Fact]
    public void ReservedFirstThenByFrequencyThenOrdinal()
    {
        var vocabulary = Vocabulary.Build([["b", "a", "c"], ["a", "c", "d", "a"]], minCount: 1);
        Assert.Equal(["<pad>", "<bos>", "<eos>", "<unk>", "a", "c", "b", "d"], vocabulary.Tokens);
        Assert.Equal(["<pad>", "<bos>", "<eos>", "<unk>", "a", "c"], Vocabulary.Build([["b", "a", "c"], ["a", "c", "d", "a"]], minCount: 2).Tokens);
        Assert.Equal(Vocabulary.Unk, vocabulary.IdOf("zebra"));
    }

    [Fact]
    public void EncodesWithBosEosPaddingAndCuts()
    {
        var vocabulary = Vocabulary.Build([["a", "b"]]);
        var row = new float[5];
        Assert.Equal(4, vocabulary.Encode(["a", "b"], row, addBos: true, addEos: true));
        Assert.Equal(new float[] { 1, 4, 5, 2, 0 }, row);
        Assert.Equal(3, vocabulary.Encode(["b", "x", "a", "b"], row.AsSpan(0, 3)));
        Assert.Equal(new float[] { 5, 3, 4, 2, 0 }, row);
        Assert.Equal(["a", "<unk>", "b"], vocabulary.Decode([Vocabulary.Bos, 4, 3, 5, Vocabulary.Eos, 4]));
    }

    [Fact]
    public void SavedTokensMustStartWithTheReservedOnes()
    {
        var vocabulary = Vocabulary.Build([["x"]]);
        Assert.Equal(vocabulary.Tokens, Vocabulary.FromTokens(vocabulary.Tokens).Tokens);
        Assert.Throws<ArgumentException>(() => Vocabulary.FromTokens(["x", "<bos>", "<eos>", "<unk>"]));
        Assert.Throws<ArgumentException>(() => Vocabulary.FromTokens(["<pad>", "<bos>", "<eos>", "<unk>", "x", "x"]));
    }

    [Fact]
    public void LinesSplitIntoCharactersOrWords()
    {
        Assert.Equal(["d", "é", "j", "à", " ", "v"], LineTokens.Split("déjà v", TokenUnit.Chars));
        Assert.Equal(["Ich", "bin", "da."], LineTokens.Split(" Ich  bin\tda. ", TokenUnit.Words));
        Assert.Equal("Ich bin da.", LineTokens.Join(["Ich", "bin", "da."], TokenUnit.Words));
        Assert.Equal("AH0", LineTokens.Join(["A", "H", "0"], TokenUnit.Chars));
    }
}
