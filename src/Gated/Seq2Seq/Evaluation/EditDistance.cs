using System.Buffers;

namespace Gated.Seq2Seq.Evaluation;

/// <summary>
/// Levenshtein distance: the fewest insertions, deletions and substitutions, each costing 1, that turn one sequence
/// into the other. O(n·m) time; memory for one row over the shorter sequence.
/// </summary>
public static class EditDistance
{
    // Rows up to this many entries live on the stack; longer ones are rented.
    private const int StackRow = 256;

    /// <summary>
    /// The edit distance between <paramref name="hypothesis"/> and <paramref name="reference"/>, elements compared with
    /// <see cref="EqualityComparer{T}.Default"/> (ordinal for strings). Symmetric; 0 only for equal sequences; the
    /// length of the other sequence when one is empty.
    /// </summary>
    /// <typeparam name="T">The element type: tokens (strings), characters or code points.</typeparam>
    /// <param name="hypothesis">The system's sequence.</param>
    /// <param name="reference">The reference sequence.</param>
    public static int Levenshtein<T>(ReadOnlySpan<T> hypothesis, ReadOnlySpan<T> reference)
    {
        // The row runs over the shorter sequence: the distance is symmetric.
        bool swap = reference.Length > hypothesis.Length;
        ReadOnlySpan<T> outer = swap ? reference : hypothesis;
        ReadOnlySpan<T> inner = swap ? hypothesis : reference;

        int m = inner.Length;
        if (m == 0)
        {
            return outer.Length;
        }

        int[]? rented = null;
        Span<int> row = m + 1 <= StackRow ? stackalloc int[StackRow] : (rented = ArrayPool<int>.Shared.Rent(m + 1));
        row = row[..(m + 1)];
        try
        {
            // row[j] is the distance between outer[..i] and inner[..j]; diagonal holds the previous row's row[j − 1].
            for (int j = 0; j <= m; j++)
            {
                row[j] = j;
            }

            var comparer = EqualityComparer<T>.Default;
            for (int i = 1; i <= outer.Length; i++)
            {
                int diagonal = row[0];
                row[0] = i;
                T item = outer[i - 1];
                for (int j = 1; j <= m; j++)
                {
                    int above = row[j];
                    int substitution = diagonal + (comparer.Equals(item, inner[j - 1]) ? 0 : 1);
                    row[j] = Math.Min(substitution, Math.Min(above, row[j - 1]) + 1);
                    diagonal = above;
                }
            }

            return row[m];
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }
}
