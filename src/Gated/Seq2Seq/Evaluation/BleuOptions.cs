using System.Globalization;

namespace Gated.Seq2Seq.Evaluation;

/// <summary>
/// The settings of a BLEU computation. A new instance holds sacreBLEU's <c>BLEU()</c> defaults (<see cref="Corpus"/>):
/// n-grams up to 4, "exp" smoothing, case kept, the "13a" tokenizer, no effective order. <see cref="Sentence"/> is
/// sacreBLEU's <c>sentence_bleu</c>: the same with effective order.
/// </summary>
public sealed record BleuOptions
{
    /// <summary>sacreBLEU's corpus defaults: <c>BLEU()</c>, <c>corpus_bleu</c> and the sacrebleu command.</summary>
    public static BleuOptions Corpus { get; } = new();

    /// <summary>sacreBLEU's sentence defaults (<c>sentence_bleu</c>): the corpus defaults with effective order.</summary>
    public static BleuOptions Sentence { get; } = new() { EffectiveOrder = true };

    /// <summary>The longest n-gram counted; 4 by default.</summary>
    public int MaxNgramOrder { get; init; } = 4;

    /// <summary>How an order without matches is treated; <see cref="BleuSmoothing.Exponential"/> by default.</summary>
    public BleuSmoothing Smoothing { get; init; } = BleuSmoothing.Exponential;

    /// <summary>
    /// The value of <see cref="BleuSmoothing.Floor"/> or k of <see cref="BleuSmoothing.AddK"/>; null for the defaults
    /// 0.1 and 1. The other methods ignore it.
    /// </summary>
    public double? SmoothValue { get; init; }

    /// <summary>
    /// Lowercase hypotheses and references before tokenizing (invariant culture, one character for one: unlike
    /// Python's <c>str.lower()</c>, "İ" becomes "i" and a final "Σ" becomes "σ").
    /// </summary>
    public bool Lowercase { get; init; }

    /// <summary>How segments are split into tokens; <see cref="BleuTokenizer.Mteval13a"/> by default.</summary>
    public BleuTokenizer Tokenizer { get; init; } = BleuTokenizer.Mteval13a;

    /// <summary>
    /// Average the log precisions only over the orders the hypotheses have n-grams of, instead of all
    /// <see cref="MaxNgramOrder"/> (for sentence BLEU, where a short hypothesis has no 4-grams); off by default.
    /// </summary>
    public bool EffectiveOrder { get; init; }

    /// <summary>The smoothing value in use: <see cref="SmoothValue"/>, or the method's default (0.1, 1, or 0 when unused).</summary>
    public double EffectiveSmoothValue => SmoothValue ?? Smoothing switch
    {
        BleuSmoothing.Floor => 0.1,
        BleuSmoothing.AddK => 1,
        _ => 0,
    };

    /// <summary>
    /// sacreBLEU's signature of these settings for <paramref name="referenceCount"/> references, without the
    /// version: "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp". Null for no nrefs part; "var" when the count varies.
    /// </summary>
    /// <param name="referenceCount">The "nrefs" value ("1", "2", "var"), or null to leave it out.</param>
    public string Signature(string? referenceCount)
    {
        string tokenizer = Tokenizer switch
        {
            BleuTokenizer.Mteval13a => "13a",
            BleuTokenizer.None => "none",
            _ => "char",
        };
        string smoothing = Smoothing switch
        {
            BleuSmoothing.None => "none",
            BleuSmoothing.Floor => "floor[" + EffectiveSmoothValue.ToString("F2", CultureInfo.InvariantCulture) + "]",
            BleuSmoothing.AddK => "add-k[" + EffectiveSmoothValue.ToString("F2", CultureInfo.InvariantCulture) + "]",
            _ => "exp",
        };
        string settings = $"case:{(Lowercase ? "lc" : "mixed")}|eff:{(EffectiveOrder ? "yes" : "no")}|tok:{tokenizer}|smooth:{smoothing}";
        return referenceCount is null ? settings : $"nrefs:{referenceCount}|{settings}";
    }

    /// <summary>Throws when a setting is out of range.</summary>
    internal void Validate()
    {
        if (MaxNgramOrder < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxNgramOrder), MaxNgramOrder, "The n-gram order must be at least 1.");
        }

        if (!Enum.IsDefined(Smoothing))
        {
            throw new ArgumentOutOfRangeException(nameof(Smoothing), Smoothing, "Unknown smoothing method.");
        }

        if (!Enum.IsDefined(Tokenizer))
        {
            throw new ArgumentOutOfRangeException(nameof(Tokenizer), Tokenizer, "Unknown tokenizer.");
        }

        if (SmoothValue is double value && !(value >= 0 && double.IsFinite(value)))
        {
            throw new ArgumentOutOfRangeException(nameof(SmoothValue), value, "The smoothing value must be finite and not negative.");
        }
    }
}
