using Gated.Seq2Seq.Evaluation;
using Xunit;

namespace Gated.Tests.Seq2Seq.Evaluation;

/// <summary>
/// Corpus BLEU against sacreBLEU's published cases: its test/test_bleu.py (sacreBLEU 2.x, mjpost/sacrebleu) and the
/// example of its README, with their expected values and tolerances written in.
/// </summary>
public sealed class BleuTests
{
    // test_bleu.py's EPSILON.
    private const double Epsilon = 1e-8;

    // The README example (test_bleu.py's _refs and _hyps): two reference streams.
    private static readonly string[][] Refs =
    [
        ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
        ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
    ];

    private static readonly string[] Hyps = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];

    // sacreBLEU's raw_corpus_bleu: no tokenization, floor smoothing, effective order.
    private static BleuOptions Raw(double? floor) => new()
    {
        Tokenizer = BleuTokenizer.None,
        Smoothing = BleuSmoothing.Floor,
        SmoothValue = floor,
        EffectiveOrder = true,
    };

    [Fact]
    public void DefaultsGiveTheReadmeScoreAndStatistics()
    {
        // test_corpus_bleu (default settings) and the README: "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943
        // ratio = 0.944 hyp_len = 17 ref_len = 18)", signature "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.0.0".
        var bleu = Bleu.Corpus(Hyps, Refs);
        Assert.Equal(48.530827, bleu.Score, Epsilon);
        Assert.Equal(17, bleu.HypothesisLength);
        Assert.Equal(18, bleu.ReferenceLength);
        Assert.Equal(
            "BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)",
            bleu.ToString());

        // By hand: 14 of 17 unigrams, 7 of 14 bigrams, 5 of 11 trigrams, 3 of 8 4-grams; BP = exp(1 − 18/17).
        Assert.Equal([14L, 7, 5, 3], bleu.Counts);
        Assert.Equal([17L, 14, 11, 8], bleu.Totals);
        Assert.Equal(Math.Exp(1 - 18.0 / 17), bleu.BrevityPenalty, 15);
        Assert.Equal(17.0 / 18, bleu.Ratio, 15);
    }

    [Fact]
    public void ExplicitDefaultsMatchTheDefaults()
    {
        // test_corpus_bleu: tokenize '13a' and smooth_method 'none' also give 48.530827 (every order has matches).
        Assert.Equal(48.530827, Bleu.Corpus(Hyps, Refs, new BleuOptions { Tokenizer = BleuTokenizer.Mteval13a }).Score, Epsilon);
        Assert.Equal(48.530827, Bleu.Corpus(Hyps, Refs, new BleuOptions { Smoothing = BleuSmoothing.None }).Score, Epsilon);
    }

    [Fact]
    public void NoTokenizationGivesItsPublishedScore()
    {
        // test_corpus_bleu: {'tokenize': 'none'} → 49.1919566.
        var bleu = Bleu.Corpus(Hyps, Refs, new BleuOptions { Tokenizer = BleuTokenizer.None });
        Assert.Equal(49.1919566, bleu.Score, Epsilon);
        Assert.Equal("nrefs:2|case:mixed|eff:no|tok:none|smooth:exp", bleu.Signature);
    }

    [Fact]
    public void EmptyHypothesesStayAndScoreZero()
    {
        // test_corpus_bleu: ('', '', '') → 0.0; the empty lines are not removed, so the brevity penalty is 0.
        var bleu = Bleu.Corpus(["", "", ""], Refs);
        Assert.Equal(0.0, bleu.Score);
        Assert.Equal(0, bleu.HypothesisLength);
        Assert.Equal(0.0, bleu.BrevityPenalty);
        Assert.Equal([0L, 0, 0, 0], bleu.Totals);
    }

    [Theory]
    // test_bleu_max_order: the README example with max_ngram_order 1 to 6, compared at two decimals.
    [InlineData(1, "77.65")]
    [InlineData(2, "60.50")]
    [InlineData(3, "53.93")]
    [InlineData(4, "48.53")]
    [InlineData(5, "46.14")]
    [InlineData(6, "43.28")]
    public void MaxNgramOrderGivesThePublishedScores(int order, string expected)
    {
        var bleu = Bleu.Corpus(Hyps, Refs, new BleuOptions { MaxNgramOrder = order });
        Assert.Equal(expected, bleu.Score.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(order, bleu.Precisions.Count);
    }

    [Fact]
    public void AVariableNumberOfReferencesGivesTheReadmeScore()
    {
        // README, "Variable Number of References": the first segment's first reference removed ('' or None) →
        // "BLEU = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)", nrefs:var.
        // (Its listing blanks the segment in both streams, which sacreBLEU refuses as a segment without reference;
        // ref_len 19 = 7 + 5 + 7 is the score with the second stream's "The dog had bit the man." left.)
        string expected =
            "BLEU|nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)";
        foreach (string? removed in new[] { "", null })
        {
            string?[][] refs = [[removed, .. Refs[0][1..]], Refs[1]];
            Assert.Equal(expected, Bleu.Corpus(Hyps, refs).ToString());
        }
    }

    [Theory]
    // test_raw_bleu (raw_corpus_bleu with floor 0.01); scores divided by 100 as there.
    [InlineData(new[] { "this is a test", "another test" }, new[] { "ref1", "ref2" }, 0.0)]
    [InlineData(new[] { "this is a test" }, new[] { "this is a test" }, 1.0)]
    [InlineData(new[] { "this is a fest" }, new[] { "this is a test" }, 0.223606797749979)]
    // test_effective_order (the same call): short hypotheses are scored on the orders they have.
    [InlineData(new[] { "test" }, new[] { "a test" }, 0.3678794411714425)]
    [InlineData(new[] { "a test" }, new[] { "a test" }, 1.0)]
    [InlineData(new[] { "a little test" }, new[] { "a test" }, 0.03218297948685433)]
    public void RawCorpusBleuGivesThePublishedScores(string[] hypotheses, string[] reference, double expected)
    {
        Assert.Equal(expected, Bleu.Corpus(hypotheses, [reference], Raw(0.01)).Score / 100, Epsilon);
    }

    [Fact]
    public void StatisticsAreThePublishedCounts()
    {
        // test_statistics: counts [4, 2, 1, 0] of totals [6, 5, 4, 3].
        var bleu = Bleu.Corpus(["am I am a character sequence"], [["I am a symbol string sequence a a"]], Raw(0.01));
        Assert.Equal([4L, 2, 1, 0], bleu.Counts);
        Assert.Equal([6L, 5, 4, 3], bleu.Totals);
    }

    [Fact]
    public void FloorSmoothingGivesThePublishedOffsets()
    {
        // test_offset: floor 0 leaves the 4-gram precision at 0 (score 0); the default floor 0.1 gives 0.1555722182.
        string[] hyp = ["am I am a character sequence"];
        string[][] refs = [["I am a symbol string sequence a a"]];
        Assert.Equal(0.0, Bleu.Corpus(hyp, refs, Raw(0.0)).Score / 100, Epsilon);
        Assert.Equal(0.1555722182, Bleu.Corpus(hyp, refs, Raw(null)).Score / 100, Epsilon);
        Assert.Equal(0.1555722182, Bleu.Corpus(hyp, refs, Raw(0.1)).Score / 100, Epsilon);
    }

    [Fact]
    public void StatisticsGiveThePublishedScore()
    {
        // test_scoring: compute_bleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11) → 0.8375922397 (its default smoothing 'none').
        var bleu = Bleu.FromStatistics([9, 7, 5, 3], [10, 8, 6, 4], 11, 11, new BleuOptions { Smoothing = BleuSmoothing.None });
        Assert.Equal(0.8375922397, bleu.Score / 100, Epsilon);
        Assert.Equal(1.0, bleu.BrevityPenalty);
        Assert.Equal("case:mixed|eff:no|tok:13a|smooth:none", bleu.Signature);
    }

    [Theory]
    // test_degenerate_statistics: floor smoothing with these values gives exactly 0.
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 4, 4, 2, 1 }, 0, 1, 0.0)]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 10, 11, 12, 0 }, 14, 10, 0.0)]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 0, 0, 0, 0 }, 0, 0, 0.0)]
    [InlineData(new long[] { 6, 5, 4, 0 }, new long[] { 6, 5, 4, 3 }, 6, 6, 0.0)]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 0, 0, 0, 0 }, 0, 0, 0.1)]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 0, 0, 0, 0 }, 1, 5, 0.01)]
    public void DegenerateStatisticsScoreExactlyZero(long[] counts, long[] totals, long hypothesisLength, long referenceLength, double floor)
    {
        var options = new BleuOptions { Smoothing = BleuSmoothing.Floor, SmoothValue = floor };
        Assert.Equal(0.0, Bleu.FromStatistics(counts, totals, hypothesisLength, referenceLength, options).Score);
    }

    [Fact]
    public void ExponentialSmoothingHalvesEachEmptyOrderInTurn()
    {
        // By hand: orders 3 and 4 have no match; exp gives them 100/(2·5) = 10 and 100/(4·4) = 6.25.
        // BLEU = exp((ln 100 + ln 50 + ln 10 + ln 6.25) / 4) = (312500)^(1/4).
        var bleu = Bleu.FromStatistics([7, 3, 0, 0], [7, 6, 5, 4], 7, 7);
        Assert.Equal([100.0, 50.0, 10.0, 6.25], bleu.Precisions);
        Assert.Equal(Math.Pow(312500, 0.25), bleu.Score, 10);
    }

    [Fact]
    public void AddKSmoothsOrdersTwoAndUp()
    {
        // By hand, k = 1: p1 = 2/4 (unsmoothed), p2 = (0+1)/(3+1), p3 = 1/3, p4 = 1/2 → exp(mean log) · 100.
        var bleu = Bleu.FromStatistics([2, 0, 0, 0], [4, 3, 2, 1], 4, 4, new BleuOptions { Smoothing = BleuSmoothing.AddK });
        double expected = 100 * Math.Pow(0.5 * 0.25 * (1.0 / 3) * 0.5, 0.25);
        Assert.Equal(expected, bleu.Score, 10);
        Assert.Equal([2L, 0, 0, 0], bleu.Counts);
        Assert.Equal("case:mixed|eff:no|tok:13a|smooth:add-k[1.00]", bleu.Signature);
    }

    [Fact]
    public void NoMatchAtAllIsZeroWhateverTheSmoothing()
    {
        foreach (var smoothing in Enum.GetValues<BleuSmoothing>())
        {
            var bleu = Bleu.Corpus(["x y z w"], [["a b c d"]], new BleuOptions { Smoothing = smoothing });
            Assert.Equal(0.0, bleu.Score);
            Assert.Equal([0.0, 0, 0, 0], bleu.Precisions);
        }
    }

    [Fact]
    public void ShortHypothesesScoreZeroWithoutEffectiveOrder()
    {
        // Three tokens have no 4-gram: that precision stays 0 and, without effective order, so does BLEU.
        Assert.Equal(0.0, Bleu.Corpus(["a b c"], [["a b c"]]).Score);
        Assert.Equal(100.0, Bleu.Corpus(["a b c"], [["a b c"]], new BleuOptions { EffectiveOrder = true }).Score, 12);
    }

    [Fact]
    public void TheBrevityPenaltyUsesTheClosestReferenceAndTheShorterOnATie()
    {
        // Hypothesis of 4 tokens; references of 3 and 5 tokens are equally close: the shorter (3) is used, so BP = 1.
        var tie = Bleu.Corpus(["a b c d"], [["a b c"], ["a b c d e"]]);
        Assert.Equal(3, tie.ReferenceLength);
        Assert.Equal(1.0, tie.BrevityPenalty);

        // References of 6 and 9 tokens: 6 is closest; BP = exp(1 − 6/4).
        var shorter = Bleu.Corpus(["a b c d"], [["a b c d e f"], ["a b c d e f g h i"]]);
        Assert.Equal(6, shorter.ReferenceLength);
        Assert.Equal(Math.Exp(1 - 6.0 / 4), shorter.BrevityPenalty, 15);
    }

    [Fact]
    public void MatchesAreClippedByTheLargestReferenceCount()
    {
        // "the the the the": one reference has "the" twice, the other once; 2 of 4 unigrams match.
        var bleu = Bleu.Corpus(["the the the the"], [["the cat the mat"], ["the dog"]], new BleuOptions { MaxNgramOrder = 1 });
        Assert.Equal([2L], bleu.Counts);
        Assert.Equal([4L], bleu.Totals);
        Assert.Equal(50.0, bleu.Score, 12);
    }

    [Fact]
    public void TrailingWhitespaceIsStrippedBeforeTokenizing()
    {
        // sacreBLEU strips the end first, so a final "-\n" is not a line join: "well-\n" keeps its dash.
        var bleu = Bleu.Corpus(["well-\n"], [["well-"]], new BleuOptions { MaxNgramOrder = 1 });
        Assert.Equal(100.0, bleu.Score, 12);
        Assert.Equal(1, bleu.HypothesisLength);
    }

    [Fact]
    public void LowercaseIgnoresCaseAndSaysSo()
    {
        var options = new BleuOptions { Lowercase = true, MaxNgramOrder = 2 };
        var bleu = Bleu.Corpus(["THE Cat"], [["the cat"]], options);
        Assert.Equal(100.0, bleu.Score, 12);
        Assert.StartsWith("nrefs:1|case:lc|", bleu.Signature, StringComparison.Ordinal);
        Assert.Equal(0.0, Bleu.Corpus(["THE Cat"], [["the cat"]], options with { Lowercase = false }).Score);
    }

    [Fact]
    public void BadInputsAreRefusedByName()
    {
        Assert.Equal("hypotheses", Assert.Throws<ArgumentException>(() => Bleu.Corpus([], [[]])).ParamName);
        Assert.Equal("references", Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a"], [])).ParamName);
        Assert.Equal("references", Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a", "b"], [["a"]])).ParamName);
        Assert.Equal("references", Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a"], [[""], [null]])).ParamName);
        Assert.Throws<ArgumentNullException>(() => Bleu.Corpus([null!], [["a"]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bleu.Corpus(["a"], [["a"]], new BleuOptions { MaxNgramOrder = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bleu.Corpus(["a"], [["a"]], new BleuOptions { SmoothValue = -1 }));
        Assert.Throws<ArgumentException>(() => Bleu.FromStatistics([1, 0, 0], [1, 0, 0, 0], 1, 1));
        Assert.Throws<ArgumentException>(() => Bleu.FromStatistics([2, 0, 0, 0], [1, 0, 0, 0], 1, 1));
    }
}
