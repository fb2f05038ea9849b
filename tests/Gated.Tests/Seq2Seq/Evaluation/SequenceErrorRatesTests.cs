using Gated.Seq2Seq.Evaluation;
using Xunit;

namespace Gated.Tests.Seq2Seq.Evaluation;

public sealed class SequenceErrorRatesTests
{
    // Two pronunciations: the first has one substitution and one deletion (2 errors of 7), the second is exact (0 of 3).
    private static readonly string[][] Phonemes = [["K", "AE1", "T", "AH0", "L", "AO2", "G"], ["D", "AO1", "G"]];
    private static readonly string[][] Predicted = [["K", "AE1", "IH0", "L", "AO2", "G"], ["D", "AO1", "G"]];

    [Fact]
    public void TokenErrorRateSumsOverTheCorpus()
    {
        // (2 + 0) / (7 + 3) = 0.2: summed, not the mean of 2/7 and 0.
        var per = SequenceErrorRates.TokenErrorRate(Predicted, Phonemes);
        Assert.Equal(new ErrorRate(2, 10), per);
        Assert.Equal(0.2, per.Rate, 15);
    }

    [Fact]
    public void SequenceErrorRateIsTheShareOfWrongOutputs()
    {
        // One of two pronunciations is wrong; a missing or extra token, or another case, makes a sequence wrong too.
        Assert.Equal(new ErrorRate(1, 2), SequenceErrorRates.SequenceErrorRate(Predicted, Phonemes));
        Assert.Equal(0.5, SequenceErrorRates.SequenceErrorRate(Predicted, Phonemes).Rate);
        Assert.Equal(new ErrorRate(3, 3), SequenceErrorRates.SequenceErrorRate([["a"], ["a", "b", "c"], ["A"]], [["a", "b"], ["a", "b"], ["a"]]));
        Assert.Equal(new ErrorRate(0, 2), SequenceErrorRates.SequenceErrorRate([[], ["x"]], [[], ["x"]]));
    }

    [Fact]
    public void WordErrorRateSplitsSentencesAtWhitespace()
    {
        // "the cat sat on the mat" vs "the cat sit on mat": sat→sit and one "the" deleted → 2 of 6;
        // "hello  world " vs "hello world": whitespace runs and ends are ignored → 0 of 2.
        var wer = SequenceErrorRates.WordErrorRate(["the cat sit on mat", "hello  world "], ["the cat sat on the mat", "hello world"]);
        Assert.Equal(new ErrorRate(2, 8), wer);
    }

    [Fact]
    public void CharacterErrorRateCountsCodePoints()
    {
        // kitten → sitting: 3 edits of 7 reference characters; then a space is a character: "ab" vs "a b" is 1 of 3.
        Assert.Equal(new ErrorRate(3, 7), SequenceErrorRates.CharacterErrorRate(["kitten"], ["sitting"]));
        Assert.Equal(new ErrorRate(1, 3), SequenceErrorRates.CharacterErrorRate(["ab"], ["a b"]));

        // An emoji (a surrogate pair) is one character: one substitution of 2, not two of 3.
        Assert.Equal(new ErrorRate(1, 2), SequenceErrorRates.CharacterErrorRate(["a\U0001F600"], ["a\U0001F601"]));
    }

    [Fact]
    public void EmptyReferencesAddTheHypothesisAsInsertions()
    {
        // An empty reference adds nothing to the total and the hypothesis's length to the errors.
        Assert.Equal(new ErrorRate(2 + 0, 3), SequenceErrorRates.TokenErrorRate([["x", "y"], ["a", "b", "c"]], [[], ["a", "b", "c"]]));

        // All references empty: 0 with empty hypotheses, infinity with anything output.
        Assert.Equal(0.0, SequenceErrorRates.CharacterErrorRate([""], [""]).Rate);
        Assert.Equal(double.PositiveInfinity, SequenceErrorRates.CharacterErrorRate(["a"], [""]).Rate);
        Assert.Equal(new ErrorRate(0, 0), SequenceErrorRates.WordErrorRate([" "], [""]));
    }

    [Fact]
    public void AnEmptyHypothesisIsAllDeletions()
    {
        Assert.Equal(new ErrorRate(7, 7), SequenceErrorRates.TokenErrorRate([[]], [Phonemes[0]]));
        Assert.Equal(1.0, SequenceErrorRates.CharacterErrorRate([""], ["abc"]).Rate);
    }

    [Fact]
    public void BadInputsAreRefusedByName()
    {
        Assert.Equal("hypotheses", Assert.Throws<ArgumentException>(() => SequenceErrorRates.TokenErrorRate([], [])).ParamName);
        Assert.Equal("references", Assert.Throws<ArgumentException>(() => SequenceErrorRates.CharacterErrorRate(["a"], ["a", "b"])).ParamName);
        Assert.Equal("hypotheses", Assert.Throws<ArgumentNullException>(() => SequenceErrorRates.SequenceErrorRate([null!], [["a"]])).ParamName);
        Assert.Equal("references", Assert.Throws<ArgumentNullException>(() => SequenceErrorRates.TokenErrorRate([["a"]], [["a", null!]])).ParamName);
        Assert.Equal("references", Assert.Throws<ArgumentNullException>(() => SequenceErrorRates.WordErrorRate(["a"], [null!])).ParamName);
    }
}
