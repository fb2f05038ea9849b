using Gated.Seq2Seq.Evaluation;
using Xunit;

namespace Gated.Tests.Seq2Seq.Evaluation;

/// <summary>
/// Sentence BLEU against sacreBLEU's published cases: test/test_sentence_bleu.py (sacreBLEU 2.x, mjpost/sacrebleu),
/// the Romanian example of its issue 98 and the zero-match example of its issue 141, tolerance 1e-3 as there.
/// </summary>
public sealed class SentenceBleuTests
{
    // test_sentence_bleu.py's EPSILON.
    private const double Epsilon = 1e-3;

    // Issue 98: the reference writes ţ with a cedilla (U+0163), the hypothesis ț with a comma (U+021B).
    private const string Ref = "produc\u0163ia de zah\u0103r brut se exprim\u0103 \u00EEn zah\u0103r alb;";
    private const string Sys = "Produc\u021Bia de zah\u0103r prim\u0103 va fi exprimat\u0103 \u00EEn ceea ce prive\u0219te zah\u0103rul alb;";

    [Theory]
    // test_cases: (smooth_method, smooth_value, lowercase, tok, expected), all with effective order.
    [InlineData(BleuSmoothing.Exponential, null, false, BleuTokenizer.Mteval13a, 8.493)]
    [InlineData(BleuSmoothing.None, null, false, BleuTokenizer.Mteval13a, 0.0)]
    [InlineData(BleuSmoothing.Floor, null, false, BleuTokenizer.Mteval13a, 4.51688)]
    [InlineData(BleuSmoothing.Floor, 0.1, false, BleuTokenizer.Mteval13a, 4.51688)]
    [InlineData(BleuSmoothing.Floor, 0.5, false, BleuTokenizer.Mteval13a, 10.10)]
    [InlineData(BleuSmoothing.AddK, null, false, BleuTokenizer.Mteval13a, 14.882)]
    [InlineData(BleuSmoothing.AddK, 1.0, false, BleuTokenizer.Mteval13a, 14.882)]
    [InlineData(BleuSmoothing.AddK, 2.0, false, BleuTokenizer.Mteval13a, 21.389)]
    [InlineData(BleuSmoothing.Exponential, null, false, BleuTokenizer.None, 7.347)]
    [InlineData(BleuSmoothing.Exponential, null, false, BleuTokenizer.Character, 40.8759)]
    [InlineData(BleuSmoothing.Exponential, null, true, BleuTokenizer.Character, 42.0267)]
    public void GivesThePublishedScores(BleuSmoothing smoothing, double? value, bool lowercase, BleuTokenizer tokenizer, double expected)
    {
        var options = BleuOptions.Sentence with { Smoothing = smoothing, SmoothValue = value, Lowercase = lowercase, Tokenizer = tokenizer };
        Assert.Equal(expected, Bleu.Sentence(Sys, [Ref], options).Score, Epsilon);
    }

    [Theory]
    // test_cases_zero_bleu (issue 141): "this is a cat" against "okay thanks" is 0 under every smoothing.
    [InlineData(BleuSmoothing.Exponential, null)]
    [InlineData(BleuSmoothing.None, null)]
    [InlineData(BleuSmoothing.Floor, null)]
    [InlineData(BleuSmoothing.Floor, 0.1)]
    [InlineData(BleuSmoothing.AddK, null)]
    [InlineData(BleuSmoothing.AddK, 1.0)]
    public void NoMatchGivesZero(BleuSmoothing smoothing, double? value)
    {
        var options = BleuOptions.Sentence with { Smoothing = smoothing, SmoothValue = value };
        Assert.Equal(0.0, Bleu.Sentence("this is a cat", ["okay thanks"], options).Score, Epsilon);
    }

    [Fact]
    public void DefaultsAreSacreBleusSentenceDefaults()
    {
        // sentence_bleu's defaults: exp smoothing, effective order, 13a.
        var bleu = Bleu.Sentence(Sys, [Ref]);
        Assert.Equal(8.493, bleu.Score, Epsilon);
        Assert.Equal("nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp", bleu.Signature);
    }

    [Fact]
    public void EachReferenceCountsAndEmptyOnesAreLeftOut()
    {
        // Two references, one exact: 100. An empty third one is dropped, so nrefs stays 2.
        var bleu = Bleu.Sentence("a b c d e", ["x y", "a b c d e", ""]);
        Assert.Equal(100.0, bleu.Score, 12);
        Assert.StartsWith("nrefs:2|", bleu.Signature, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Bleu.Sentence("a", ["", null]));
    }
}
