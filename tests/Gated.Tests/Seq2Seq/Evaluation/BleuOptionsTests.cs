using Gated.Seq2Seq.Evaluation;
using Xunit;

namespace Gated.Tests.Seq2Seq.Evaluation;

public sealed class BleuOptionsTests
{
    [Fact]
    public void CorpusDefaultsAreSacreBleus()
    {
        // sacreBLEU's BLEU(): max_ngram_order 4, smooth_method 'exp', lowercase False, tokenize '13a', effective_order False.
        var options = new BleuOptions();
        Assert.Equal(4, options.MaxNgramOrder);
        Assert.Equal(BleuSmoothing.Exponential, options.Smoothing);
        Assert.False(options.Lowercase);
        Assert.Equal(BleuTokenizer.Mteval13a, options.Tokenizer);
        Assert.False(options.EffectiveOrder);
        Assert.Equal(options, BleuOptions.Corpus);
        Assert.Equal(options with { EffectiveOrder = true }, BleuOptions.Sentence);
    }

    [Theory]
    // sacreBLEU's signature items, in its order (the version left out): the defaults as in its README.
    [InlineData(BleuSmoothing.Exponential, null, false, false, BleuTokenizer.Mteval13a, "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp")]
    [InlineData(BleuSmoothing.Floor, null, true, true, BleuTokenizer.None, "nrefs:2|case:lc|eff:yes|tok:none|smooth:floor[0.10]")]
    [InlineData(BleuSmoothing.AddK, 2.0, false, false, BleuTokenizer.Character, "nrefs:2|case:mixed|eff:no|tok:char|smooth:add-k[2.00]")]
    [InlineData(BleuSmoothing.None, 0.5, false, false, BleuTokenizer.Mteval13a, "nrefs:2|case:mixed|eff:no|tok:13a|smooth:none")]
    public void SignatureNamesEverySetting(
        BleuSmoothing smoothing, double? value, bool lowercase, bool effectiveOrder, BleuTokenizer tokenizer, string expected)
    {
        var options = new BleuOptions
        {
            Smoothing = smoothing, SmoothValue = value, Lowercase = lowercase, EffectiveOrder = effectiveOrder, Tokenizer = tokenizer,
        };
        Assert.Equal(expected, options.Signature("2"));
        Assert.Equal(expected["nrefs:2|".Length..], options.Signature(null));
    }

    [Theory]
    [InlineData(BleuSmoothing.Floor, null, 0.1)]
    [InlineData(BleuSmoothing.AddK, null, 1.0)]
    [InlineData(BleuSmoothing.AddK, 3.0, 3.0)]
    [InlineData(BleuSmoothing.Exponential, null, 0.0)]
    public void SmoothValueDefaultsPerMethod(BleuSmoothing smoothing, double? value, double expected)
    {
        Assert.Equal(expected, new BleuOptions { Smoothing = smoothing, SmoothValue = value }.EffectiveSmoothValue);
    }
}
