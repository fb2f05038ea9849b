using System.Globalization;

namespace Gated.Seq2Seq.Evaluation;

/// <summary>
/// A BLEU score and the statistics it was computed from, as sacreBLEU's <c>BLEUScore</c>.
/// <see cref="ToString"/> prints sacreBLEU's line: "BLEU|nrefs:2|…|smooth:exp = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943
/// ratio = 0.944 hyp_len = 17 ref_len = 18)".
/// </summary>
public sealed class BleuScore
{
    internal BleuScore(
        double score, long[] counts, long[] totals, double[] precisions, double brevityPenalty,
        long hypothesisLength, long referenceLength, string signature)
    {
        Score = score;
        Counts = counts;
        Totals = totals;
        Precisions = precisions;
        BrevityPenalty = brevityPenalty;
        HypothesisLength = hypothesisLength;
        ReferenceLength = referenceLength;
        Signature = signature;
    }

    /// <summary>BLEU, from 0 to 100.</summary>
    public double Score { get; }

    /// <summary>
    /// Matched n-grams of each order (index 0 for unigrams), clipped by the reference counts. Raw counts, also under
    /// add-k smoothing (sacreBLEU reports the counts with k added there).
    /// </summary>
    public IReadOnlyList<long> Counts { get; }

    /// <summary>The hypotheses' n-grams of each order (index 0 for unigrams); raw, as <see cref="Counts"/>.</summary>
    public IReadOnlyList<long> Totals { get; }

    /// <summary>The (smoothed) precision of each order in percent; 0 for orders past the longest hypothesis n-gram.</summary>
    public IReadOnlyList<double> Precisions { get; }

    /// <summary>The brevity penalty: exp(1 − r / c) when the hypotheses are shorter (c &lt; r), else 1; 0 when c = 0.</summary>
    public double BrevityPenalty { get; }

    /// <summary>Hypothesis length over reference length (c / r); 0 when r = 0.</summary>
    public double Ratio => ReferenceLength == 0 ? 0 : (double)HypothesisLength / ReferenceLength;

    /// <summary>Tokens in all hypotheses (c).</summary>
    public long HypothesisLength { get; }

    /// <summary>
    /// The effective reference length (r): for each segment, the length of the reference closest to the hypothesis's
    /// (the shorter one on a tie), summed.
    /// </summary>
    public long ReferenceLength { get; }

    /// <summary>sacreBLEU's signature without the version, such as "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp".</summary>
    public string Signature { get; }

    /// <summary>sacreBLEU's score line, with two decimals for the score and one for each precision.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        string precisions = string.Join('/', Precisions.Select(p => p.ToString("F1", c)));
        return string.Create(c, $"BLEU|{Signature} = {Score:F2} {precisions} (BP = {BrevityPenalty:F3} ratio = {Ratio:F3} hyp_len = {HypothesisLength} ref_len = {ReferenceLength})");
    }
}
