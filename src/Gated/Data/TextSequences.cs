using Gated.Tensors;

namespace Gated.Data;

/// <summary>
/// Cuts a token sequence into samples for next-token (language-model) training: each input window is paired
/// with the same window shifted one token ahead, so a model returning sequences learns every position at once.
/// </summary>
public static class TextSequences
{
    // Token indices are stored in float tensors; beyond 2^24 a float no longer holds every integer.
    private const int MaxExactToken = 1 << 24;

    /// <summary>
    /// Number of windows: one starting at every multiple of <paramref name="stride"/> whose inputs and the one
    /// token after them fit, <c>(tokenCount − length − 1) / stride + 1</c>, or 0 when the text is too short.
    /// </summary>
    public static int Count(int tokenCount, int length, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokenCount);
        CheckSizes(length, stride);
        // long: length + 1 overflows int for length = int.MaxValue.
        long spare = (long)tokenCount - length - 1;
        return spare < 0 ? 0 : (int)((spare / stride) + 1);
    }

    /// <summary>
    /// Inputs (N, length) and targets (N, length) for windows starting at 0, stride, 2·stride, …:
    /// <c>inputs[i, t] = tokens[i·stride + t]</c> and <c>targets[i, t] = tokens[i·stride + t + 1]</c>. Only
    /// full windows are made, so up to stride tokens at the end may go unused.
    /// </summary>
    public static (Tensor Inputs, Tensor Targets) NextTokenWindows(ReadOnlySpan<int> tokens, int length, int stride)
    {
        CheckSizes(length, stride);
        if ((long)length + 1 > tokens.Length)
        {
            throw new ArgumentException(
                $"length {length} needs at least {(long)length + 1} tokens (a window and the token after it); the text has {tokens.Length}",
                nameof(length));
        }

        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] > MaxExactToken)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(tokens), tokens[i], $"token {tokens[i]} at position {i} is not an index in [0, 2^24], which a float holds exactly");
            }
        }

        int n = Count(tokens.Length, length, stride);
        if ((long)n * length > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{n} windows of {length} tokens do not fit in one array; use a larger stride or a shorter text", nameof(stride));
        }

        var inputs = new float[n * length];
        var targets = new float[n * length];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<int> window = tokens.Slice(i * stride, length + 1);
            Span<float> input = inputs.AsSpan(i * length, length);
            Span<float> target = targets.AsSpan(i * length, length);
            for (int t = 0; t < length; t++)
            {
                input[t] = window[t];
                target[t] = window[t + 1];
            }
        }

        return (new Tensor(inputs, n, length), new Tensor(targets, n, length));
    }

    /// <summary>
    /// Splits a token sequence in time order: the last <paramref name="testFraction"/> of the tokens is the test
    /// part (as many as <see cref="DatasetSplit.Chronological"/> would hold out). Splitting the tokens before
    /// cutting windows keeps overlapping windows from sharing text across the split.
    /// </summary>
    public static (int[] Train, int[] Test) SplitChronologically(ReadOnlySpan<int> tokens, double testFraction)
    {
        int train = tokens.Length - DatasetSplit.TestCount(tokens.Length, testFraction, "tokens", nameof(tokens));
        return (tokens[..train].ToArray(), tokens[train..].ToArray());
    }

    private static void CheckSizes(int length, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
    }
}
