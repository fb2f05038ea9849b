using Gated.Seq2Seq.Evaluation;

namespace Gated.Seq2Seq;

/// <summary>
/// How well outputs match their references: corpus BLEU (sacreBLEU's defaults, 13a), token error rate (edit distance
/// over target tokens / reference tokens: phoneme or word error rate), character error rate, and sequence error rate
/// (the share of outputs equal to no reference: G2P papers' "WER"). Rates are fractions; BLEU is 0–100, over words
/// (13a) for word targets and over characters for character targets.
/// </summary>
/// <param name="Bleu">Corpus BLEU, 0–100.</param>
/// <param name="TokenErrorRate">Σ token edits / Σ reference tokens.</param>
/// <param name="CharErrorRate">Σ character edits / Σ reference characters.</param>
/// <param name="SequenceErrorRate">Outputs equal to none of their references / outputs.</param>
public sealed record Seq2SeqScores(double Bleu, double TokenErrorRate, double CharErrorRate, double SequenceErrorRate)
{
    /// <summary>
    /// Scores outputs against one or more references each. With several references, the error rates take the reference
    /// closest to the output (fewest edits; the first of equals), BLEU uses them all, and an output is right when it equals any.
    /// </summary>
    /// <param name="outputs">One output line per item.</param>
    /// <param name="references">Each item's reference lines (at least one).</param>
    /// <param name="unit">How lines split into tokens for the token error rate and exact matches.</param>
    public static Seq2SeqScores Of(IReadOnlyList<string> outputs, IReadOnlyList<IReadOnlyList<string>> references, TokenUnit unit)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(references);
        if (outputs.Count != references.Count || outputs.Count == 0 || references.Any(r => r is null || r.Count == 0))
        {
            throw new ArgumentException("Give one output and at least one reference per item, and at least one item.", nameof(references));
        }

        long tokenEdits = 0, tokenTotal = 0, charEdits = 0, charTotal = 0;
        int wrong = 0;
        for (int i = 0; i < outputs.Count; i++)
        {
            var output = LineTokens.Split(outputs[i], unit);
            var candidates = references[i].Select(r => LineTokens.Split(r, unit)).ToArray();
            var (edits, length) = candidates.Select(r => (Edits: EditDistance.Levenshtein<string>(output, r), r.Length)).MinBy(e => e.Edits);
            tokenEdits += edits;
            tokenTotal += length;
            var (charDistance, charLength) = references[i].Select(r => (Edits: EditDistance.Levenshtein<char>(outputs[i], r), r.Length)).MinBy(e => e.Edits);
            charEdits += charDistance;
            charTotal += charLength;
            wrong += candidates.Any(r => r.SequenceEqual(output, StringComparer.Ordinal)) ? 0 : 1;
        }

        int streams = references.Max(r => r.Count);
        var referenceStreams = Enumerable.Range(0, streams)
            .Select(s => (IReadOnlyList<string?>)references.Select(r => s < r.Count ? r[s] : null).ToList())
            .ToList();
        // Character targets are scored by BLEU over characters (joined by spaces), not over whole lines as one "word".
        double bleu = unit == TokenUnit.Chars
            ? Evaluation.Bleu.Corpus(
                outputs.Select(o => string.Join(' ', LineTokens.Split(o, unit))).ToList(),
                referenceStreams.Select(r => (IReadOnlyList<string?>)r.Select(line => line is null ? null : string.Join(' ', LineTokens.Split(line, unit))).ToList()).ToList()).Score
            : Evaluation.Bleu.Corpus(outputs, referenceStreams).Score;
        return new Seq2SeqScores(bleu, Rate(tokenEdits, tokenTotal), Rate(charEdits, charTotal), (double)wrong / outputs.Count);
    }

    private static double Rate(long errors, long total) => total == 0 ? (errors == 0 ? 0 : double.PositiveInfinity) : (double)errors / total;
}
