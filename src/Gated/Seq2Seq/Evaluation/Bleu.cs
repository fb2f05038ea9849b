using System.Globalization;

namespace Gated.Seq2Seq.Evaluation;

/// <summary>
/// BLEU (Papineni et al., 2002) exactly as sacreBLEU 2.x computes it: each segment lowercased if asked, stripped of
/// trailing whitespace and tokenized; n-grams of orders 1 to N counted per segment and clipped by the largest count
/// of any of its references; the reference length of a segment is that of the reference closest in length to the
/// hypothesis (the shorter on a tie); counts and lengths summed over the corpus; then
/// BLEU = 100 · BP · exp(mean of log pₙ), with the smoothing of <see cref="BleuOptions.Smoothing"/> and a log of 0
/// taken as −9 999 999 999 (so a zero precision gives 0).
/// </summary>
public static class Bleu
{
    // sacreBLEU's my_log floor for log(0).
    private const double LogOfZero = -9999999999;

    /// <summary>
    /// Corpus BLEU of <paramref name="hypotheses"/> against one or more reference streams, with sacreBLEU's
    /// <c>BLEU()</c> defaults unless <paramref name="options"/> says otherwise. As in sacreBLEU, a reference line that
    /// is null or empty is left out of its segment (a variable number of references gives "nrefs:var"), and an empty
    /// hypothesis stays in the corpus.
    /// </summary>
    /// <param name="hypotheses">The system's output, one segment a line.</param>
    /// <param name="references">
    /// The reference streams, each with one line per hypothesis: <c>references[stream][segment]</c>, as sacreBLEU's
    /// <c>refs</c>.
    /// </param>
    /// <param name="options">The settings; <see cref="BleuOptions.Corpus"/> when null.</param>
    /// <exception cref="ArgumentNullException">An argument or a hypothesis is null.</exception>
    /// <exception cref="ArgumentException">
    /// There are no hypotheses or no streams, a stream's length differs from the hypotheses', or a segment has no
    /// reference in any stream.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range.</exception>
    public static BleuScore Corpus(
        IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> references, BleuOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        options ??= BleuOptions.Corpus;
        options.Validate();
        CheckStreams(hypotheses, references);

        int order = options.MaxNgramOrder;
        var counts = new long[order];
        var totals = new long[order];
        long hypothesisLength = 0, referenceLength = 0;
        var referenceCounts = new HashSet<int>();
        var referenceLengths = new List<int>();
        var referenceNgrams = new Dictionary<string, int>[order];
        var segmentNgrams = new Dictionary<string, int>[order];
        for (int n = 0; n < order; n++)
        {
            referenceNgrams[n] = new Dictionary<string, int>(StringComparer.Ordinal);
            segmentNgrams[n] = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        for (int i = 0; i < hypotheses.Count; i++)
        {
            string hypothesis = hypotheses[i] ?? throw new ArgumentNullException(nameof(hypotheses), $"Hypothesis {i} is null.");
            referenceLengths.Clear();
            foreach (var map in referenceNgrams)
            {
                map.Clear();
            }

            foreach (var stream in references)
            {
                string? line = stream[i];
                if (string.IsNullOrEmpty(line))
                {
                    continue;
                }

                string[] tokens = Tokenize(line, options);
                referenceLengths.Add(tokens.Length);
                CountNgrams(tokens, segmentNgrams);
                for (int n = 0; n < order; n++)
                {
                    foreach (var (ngram, count) in segmentNgrams[n])
                    {
                        referenceNgrams[n][ngram] = Math.Max(count, referenceNgrams[n].GetValueOrDefault(ngram));
                    }
                }
            }

            if (referenceLengths.Count == 0)
            {
                throw new ArgumentException($"Segment {i} has no reference: its line is null or empty in every stream.", nameof(references));
            }

            referenceCounts.Add(referenceLengths.Count);
            string[] hypothesisTokens = Tokenize(hypothesis, options);
            hypothesisLength += hypothesisTokens.Length;
            referenceLength += ClosestLength(hypothesisTokens.Length, referenceLengths);
            CountNgrams(hypothesisTokens, segmentNgrams);
            for (int n = 0; n < order; n++)
            {
                foreach (var (ngram, count) in segmentNgrams[n])
                {
                    totals[n] += count;
                    counts[n] += Math.Min(count, referenceNgrams[n].GetValueOrDefault(ngram));
                }
            }
        }

        string nrefs = referenceCounts.Count == 1
            ? referenceCounts.First().ToString(CultureInfo.InvariantCulture)
            : "var";
        return Score(counts, totals, hypothesisLength, referenceLength, options, options.Signature(nrefs));
    }

    /// <summary>
    /// Sentence BLEU of one hypothesis against its references, with sacreBLEU's <c>sentence_bleu</c> defaults
    /// (<see cref="BleuOptions.Sentence"/>: effective order, "exp" smoothing) unless <paramref name="options"/> says
    /// otherwise. BLEU is meant for corpora; averaging sentence scores does not give corpus BLEU.
    /// </summary>
    /// <param name="hypothesis">The system's output for one segment.</param>
    /// <param name="references">Its references; null or empty ones are left out.</param>
    /// <param name="options">The settings; <see cref="BleuOptions.Sentence"/> when null.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">No reference is left.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range.</exception>
    public static BleuScore Sentence(string hypothesis, IReadOnlyList<string?> references, BleuOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hypothesis);
        ArgumentNullException.ThrowIfNull(references);
        var streams = new IReadOnlyList<string?>[references.Count];
        for (int r = 0; r < streams.Length; r++)
        {
            streams[r] = [references[r]];
        }

        return Corpus([hypothesis], streams, options ?? BleuOptions.Sentence);
    }

    /// <summary>
    /// BLEU from its sufficient statistics, as sacreBLEU's <c>BLEU.compute_bleu</c>: matched and total n-grams of
    /// each order, and the hypothesis and effective reference lengths. The signature has no "nrefs" part.
    /// </summary>
    /// <param name="counts">Matched n-grams of orders 1 to <see cref="BleuOptions.MaxNgramOrder"/>.</param>
    /// <param name="totals">The hypotheses' n-grams of the same orders.</param>
    /// <param name="hypothesisLength">Tokens in the hypotheses (c).</param>
    /// <param name="referenceLength">The effective reference length (r).</param>
    /// <param name="options">The settings (smoothing, effective order, order); <see cref="BleuOptions.Corpus"/> when null.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lists are not one entry per order, or a count is negative or above its total.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is negative, or a setting of <paramref name="options"/> is out of range.</exception>
    public static BleuScore FromStatistics(
        IReadOnlyList<long> counts, IReadOnlyList<long> totals, long hypothesisLength, long referenceLength,
        BleuOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentOutOfRangeException.ThrowIfNegative(hypothesisLength);
        ArgumentOutOfRangeException.ThrowIfNegative(referenceLength);
        options ??= BleuOptions.Corpus;
        options.Validate();
        int order = options.MaxNgramOrder;
        if (counts.Count != order || totals.Count != order)
        {
            throw new ArgumentException($"Need one count and one total for each of the {order} n-gram orders.", nameof(counts));
        }

        for (int n = 0; n < order; n++)
        {
            if (counts[n] < 0 || counts[n] > totals[n])
            {
                throw new ArgumentException($"Order {n + 1} has {counts[n]} matches of {totals[n]} n-grams.", nameof(counts));
            }
        }

        return Score([.. counts], [.. totals], hypothesisLength, referenceLength, options, options.Signature(null));
    }

    private static BleuScore Score(
        long[] counts, long[] totals, long hypothesisLength, long referenceLength, BleuOptions options, string signature)
    {
        double brevityPenalty = hypothesisLength >= referenceLength ? 1
            : hypothesisLength > 0 ? Math.Exp(1 - (double)referenceLength / hypothesisLength)
            : 0;
        int order = options.MaxNgramOrder;
        var precisions = new double[order];
        if (counts.All(c => c == 0))
        {
            // sacreBLEU stops here (its issue 141): no match at all is 0, whatever the smoothing.
            return new BleuScore(0, counts, totals, precisions, brevityPenalty, hypothesisLength, referenceLength, signature);
        }

        double k = options.EffectiveSmoothValue;
        double expDivisor = 1;
        int effectiveOrder = order;
        for (int n = 0; n < order; n++)
        {
            double correct = counts[n], total = totals[n];
            if (options.Smoothing == BleuSmoothing.AddK && n > 0)
            {
                correct += k;
                total += k;
            }

            // No hypothesis has n-grams this long: this and the longer orders keep precision 0.
            if (total == 0)
            {
                break;
            }

            if (options.EffectiveOrder)
            {
                effectiveOrder = n + 1;
            }

            if (correct != 0)
            {
                precisions[n] = 100.0 * correct / total;
            }
            else if (options.Smoothing == BleuSmoothing.Exponential)
            {
                expDivisor *= 2;
                precisions[n] = 100.0 / (expDivisor * total);
            }
            else if (options.Smoothing == BleuSmoothing.Floor)
            {
                precisions[n] = 100.0 * k / total;
            }
        }

        double logSum = 0;
        for (int n = 0; n < effectiveOrder; n++)
        {
            logSum += precisions[n] == 0 ? LogOfZero : Math.Log(precisions[n]);
        }

        double score = brevityPenalty * Math.Exp(logSum / effectiveOrder);
        return new BleuScore(score, counts, totals, precisions, brevityPenalty, hypothesisLength, referenceLength, signature);
    }

    private static void CheckStreams(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> references)
    {
        if (hypotheses.Count == 0)
        {
            throw new ArgumentException("Need at least one hypothesis.", nameof(hypotheses));
        }

        if (references.Count == 0)
        {
            throw new ArgumentException("Need at least one reference stream.", nameof(references));
        }

        for (int s = 0; s < references.Count; s++)
        {
            if (references[s] is not { } stream)
            {
                throw new ArgumentNullException(nameof(references), $"Reference stream {s} is null.");
            }

            if (stream.Count != hypotheses.Count)
            {
                throw new ArgumentException(
                    $"Reference stream {s} has {stream.Count} lines for {hypotheses.Count} hypotheses.", nameof(references));
            }
        }
    }

    // sacreBLEU's _preprocess_segment: lowercase, strip the end, tokenize; then split at whitespace.
    private static string[] Tokenize(string line, BleuOptions options)
    {
        if (options.Lowercase)
        {
            line = line.ToLowerInvariant();
        }

        line = PythonText.TrimEnd(line);
        return options.Tokenizer switch
        {
            BleuTokenizer.Mteval13a => Tokenizer13a.Tokens(line),
            BleuTokenizer.None => PythonText.Split(line),
            _ => PythonText.CharacterTokens(line),
        };
    }

    // The n-grams of each order of one segment with their counts; an n-gram's key is its tokens joined by spaces,
    // unique because tokens hold no whitespace.
    private static void CountNgrams(string[] tokens, Dictionary<string, int>[] ngrams)
    {
        for (int n = 0; n < ngrams.Length; n++)
        {
            var map = ngrams[n];
            map.Clear();
            for (int i = 0; i + n < tokens.Length; i++)
            {
                string key = n == 0 ? tokens[i] : string.Join(' ', tokens, i, n + 1);
                map[key] = map.GetValueOrDefault(key) + 1;
            }
        }
    }

    private static int ClosestLength(int hypothesisLength, List<int> referenceLengths)
    {
        int best = referenceLengths[0];
        foreach (int length in referenceLengths)
        {
            int difference = Math.Abs(hypothesisLength - length), bestDifference = Math.Abs(hypothesisLength - best);
            if (difference < bestDifference || (difference == bestDifference && length < best))
            {
                best = length;
            }
        }

        return best;
    }
}
