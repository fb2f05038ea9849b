namespace Gated.Seq2Seq.Evaluation;

/// <summary>
/// Error rates of sequence outputs against references, paired by index and summed over the corpus:
/// token error rate (Σ edit distance / Σ reference tokens; phoneme error rate for pronunciations, word error rate for
/// sentences), character error rate (the same over characters) and sequence error rate (the share of outputs not
/// exactly equal to their reference — what grapheme-to-phoneme papers call WER). Tokens compare ordinally, with no
/// normalisation of case, whitespace or Unicode form: normalise before if needed. An empty reference is allowed: it
/// adds nothing to the total and the hypothesis's length to the errors. Corpora must not be empty.
/// </summary>
public static class SequenceErrorRates
{
    /// <summary>Token error rate: Σ <see cref="EditDistance.Levenshtein{T}"/>(hypothesis, reference) / Σ reference tokens.</summary>
    /// <param name="hypotheses">The outputs, one token array each (phonemes, words).</param>
    /// <param name="references">The references, one per output.</param>
    /// <exception cref="ArgumentNullException">A list, an array or a token is null.</exception>
    /// <exception cref="ArgumentException">The corpus is empty or the lists differ in length.</exception>
    public static ErrorRate TokenErrorRate(IReadOnlyList<string[]> hypotheses, IReadOnlyList<string[]> references)
    {
        CheckPairs(hypotheses, references);
        long errors = 0, total = 0;
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var (hypothesis, reference) = Tokens(hypotheses, references, i);
            errors += EditDistance.Levenshtein<string>(hypothesis, reference);
            total += reference.Length;
        }

        return new ErrorRate(errors, total);
    }

    /// <summary>
    /// Word error rate of sentences: <see cref="TokenErrorRate"/> over the words of each string, split at whitespace
    /// (runs of whitespace and the ends ignored).
    /// </summary>
    /// <param name="hypotheses">The output sentences.</param>
    /// <param name="references">The reference sentences, one per output.</param>
    /// <exception cref="ArgumentNullException">A list or a sentence is null.</exception>
    /// <exception cref="ArgumentException">The corpus is empty or the lists differ in length.</exception>
    public static ErrorRate WordErrorRate(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references)
    {
        CheckPairs(hypotheses, references);
        var hypothesisWords = new string[hypotheses.Count][];
        var referenceWords = new string[references.Count][];
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var (hypothesis, reference) = Texts(hypotheses, references, i);
            hypothesisWords[i] = PythonText.Split(hypothesis);
            referenceWords[i] = PythonText.Split(reference);
        }

        return TokenErrorRate(hypothesisWords, referenceWords);
    }

    /// <summary>
    /// Character error rate: Σ edit distance between the characters of output and reference / Σ reference characters.
    /// Characters are Unicode code points (a surrogate pair is one); spaces count as characters.
    /// </summary>
    /// <param name="hypotheses">The output strings.</param>
    /// <param name="references">The reference strings, one per output.</param>
    /// <exception cref="ArgumentNullException">A list or a string is null.</exception>
    /// <exception cref="ArgumentException">The corpus is empty or the lists differ in length.</exception>
    public static ErrorRate CharacterErrorRate(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references)
    {
        CheckPairs(hypotheses, references);
        long errors = 0, total = 0;
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var (hypothesis, reference) = Texts(hypotheses, references, i);
            int[] referencePoints = PythonText.CodePoints(reference);
            errors += EditDistance.Levenshtein<int>(PythonText.CodePoints(hypothesis), referencePoints);
            total += referencePoints.Length;
        }

        return new ErrorRate(errors, total);
    }

    /// <summary>
    /// Sequence error rate: the share of outputs whose tokens are not exactly those of their reference (same length,
    /// same tokens in order). Errors counts the wrong outputs and Total all of them.
    /// </summary>
    /// <param name="hypotheses">The outputs, one token array each.</param>
    /// <param name="references">The references, one per output.</param>
    /// <exception cref="ArgumentNullException">A list, an array or a token is null.</exception>
    /// <exception cref="ArgumentException">The corpus is empty or the lists differ in length.</exception>
    public static ErrorRate SequenceErrorRate(IReadOnlyList<string[]> hypotheses, IReadOnlyList<string[]> references)
    {
        CheckPairs(hypotheses, references);
        long wrong = 0;
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var (hypothesis, reference) = Tokens(hypotheses, references, i);
            if (!hypothesis.AsSpan().SequenceEqual(reference, StringComparer.Ordinal))
            {
                wrong++;
            }
        }

        return new ErrorRate(wrong, hypotheses.Count);
    }

    private static void CheckPairs<T>(IReadOnlyList<T> hypotheses, IReadOnlyList<T> references)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (hypotheses.Count == 0)
        {
            throw new ArgumentException("Need at least one hypothesis.", nameof(hypotheses));
        }

        if (references.Count != hypotheses.Count)
        {
            throw new ArgumentException(
                $"{references.Count} references for {hypotheses.Count} hypotheses: need one each.", nameof(references));
        }
    }

    private static (string Hypothesis, string Reference) Texts(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references, int i) =>
        (hypotheses[i] ?? throw new ArgumentNullException(nameof(hypotheses), $"Hypothesis {i} is null."),
         references[i] ?? throw new ArgumentNullException(nameof(references), $"Reference {i} is null."));

    private static (string[] Hypothesis, string[] Reference) Tokens(IReadOnlyList<string[]> hypotheses, IReadOnlyList<string[]> references, int i)
    {
        var (hypothesis, reference) = (
            hypotheses[i] ?? throw new ArgumentNullException(nameof(hypotheses), $"Hypothesis {i} is null."),
            references[i] ?? throw new ArgumentNullException(nameof(references), $"Reference {i} is null."));
        if (Array.IndexOf(hypothesis, null) is int h and >= 0)
        {
            throw new ArgumentNullException(nameof(hypotheses), $"Token {h} of hypothesis {i} is null.");
        }

        if (Array.IndexOf(reference, null) is int r and >= 0)
        {
            throw new ArgumentNullException(nameof(references), $"Token {r} of reference {i} is null.");
        }

        return (hypothesis, reference);
    }
}
