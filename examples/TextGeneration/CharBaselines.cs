namespace Gated.Examples.TextGeneration;

/// <summary>Models without memory, to show what the GRU's context is worth, in bits per character.</summary>
internal static class CharBaselines
{
    /// <summary>Entropy of the character distribution of <paramref name="tokens"/>: the best a model that ignores context can do on it.</summary>
    public static double UnigramEntropyBits(ReadOnlySpan<int> tokens, int vocabulary)
    {
        var counts = new long[vocabulary];
        foreach (int t in tokens)
        {
            counts[t]++;
        }

        double bits = 0;
        foreach (long c in counts)
        {
            if (c > 0)
            {
                double p = (double)c / tokens.Length;
                bits -= p * Math.Log2(p);
            }
        }

        return bits;
    }

    /// <summary>
    /// Cross-entropy on <paramref name="test"/> of a bigram model (next character given the previous one) counted
    /// on <paramref name="train"/>, with add-one smoothing so characters unseen after a context keep some probability.
    /// </summary>
    public static double BigramCrossEntropyBits(ReadOnlySpan<int> train, ReadOnlySpan<int> test, int vocabulary)
    {
        var counts = new long[vocabulary, vocabulary];
        var totals = new long[vocabulary];
        for (int i = 1; i < train.Length; i++)
        {
            counts[train[i - 1], train[i]]++;
            totals[train[i - 1]]++;
        }

        double bits = 0;
        for (int i = 1; i < test.Length; i++)
        {
            double p = (counts[test[i - 1], test[i]] + 1.0) / (totals[test[i - 1]] + vocabulary);
            bits -= Math.Log2(p);
        }

        return bits / (test.Length - 1);
    }
}
