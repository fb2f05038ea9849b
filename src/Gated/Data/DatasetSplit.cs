using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Data;

/// <summary>
/// Train/test splits of N samples as index arrays, and <see cref="Gather(Tensor, ReadOnlySpan{int})"/> to pick
/// those samples out of a tensor or list. Both splits hold out <see cref="TestCount(int, double)"/> samples, the same
/// rounding the forecasting recipe uses.
/// </summary>
public static class DatasetSplit
{
    /// <summary>
    /// Samples held out for testing: <c>count − floor(count · (1 − testFraction))</c> (<see cref="HeldOutCount"/>).
    /// Both parts must be non-empty, so <paramref name="count"/> must be at least 2.
    /// </summary>
    /// <param name="count">Samples to split.</param>
    /// <param name="testFraction">The held-out fraction, in (0, 1).</param>
    public static int TestCount(int count, double testFraction) => TestCount(count, testFraction, "samples", nameof(count));

    /// <summary>
    /// The one rounding of every split here, in the forecaster and in <c>Fit</c>'s validationSplit: of
    /// <paramref name="count"/> samples the last <c>count − floor(count · (1 − fraction))</c> are held out. Either part
    /// may be empty; callers that need both say so.
    /// </summary>
    /// <param name="count">Samples to split, at least 0.</param>
    /// <param name="fraction">The held-out fraction, in [0, 1).</param>
    public static int HeldOutCount(int count, double fraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!(fraction >= 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must be in [0, 1)");
        }

        return count - (int)Math.Floor(count * (1 - fraction));
    }

    /// <summary><see cref="TestCount(int, double)"/> for a caller whose own parameter (<paramref name="paramName"/>) holds <paramref name="noun"/>.</summary>
    /// <param name="count">Samples to split.</param>
    /// <param name="testFraction">The held-out fraction, in (0, 1).</param>
    /// <param name="noun">What the samples are, for the message.</param>
    /// <param name="paramName">The caller's parameter that holds them.</param>
    internal static int TestCount(int count, double testFraction, string noun, string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count, paramName);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "must be between 0 and 1 (exclusive)");
        }

        int test = HeldOutCount(count, testFraction);
        int train = count - test;
        if (train == 0 || test == 0)
        {
            string empty = train == 0 ? "train" : "test";
            throw new ArgumentException(
                $"{count} {noun} with test fraction {testFraction} leave the {empty} part empty", paramName);
        }

        return test;
    }

    /// <summary>
    /// A random split, the same for the same seed on every machine: the indices 0..count−1 are shuffled with
    /// <see cref="SeededRandom"/>, the first <see cref="TestCount(int, double)"/> of them are the test part (as scikit-learn's
    /// <c>train_test_split</c> takes them) and the rest the train part, both left in shuffled order.
    /// </summary>
    /// <remarks>
    /// The train indices stay shuffled on purpose: <c>Fit</c>'s validationSplit takes the last samples, which for
    /// sorted indices would be the end of the file (in the sentiment set, a single source).
    /// </remarks>
    public static (int[] Train, int[] Test) Shuffled(int count, double testFraction, ulong seed)
    {
        int test = TestCount(count, testFraction);
        int[] order = Enumerable.Range(0, count).ToArray();
        new SeededRandom(seed).Shuffle(order);
        return (order[test..], order[..test]);
    }

    /// <summary>A split in time order: the first samples train, the last <see cref="TestCount(int, double)"/> test.</summary>
    public static (int[] Train, int[] Test) Chronological(int count, double testFraction)
    {
        int train = count - TestCount(count, testFraction);
        return (Enumerable.Range(0, train).ToArray(), Enumerable.Range(train, count - train).ToArray());
    }

    /// <summary>
    /// A new tensor holding the samples <paramref name="indices"/> of <paramref name="source"/> along its first
    /// axis, in that order (repeats allowed); a contiguous run is <see cref="Tensor.SliceBatch"/>.
    /// </summary>
    public static Tensor Gather(Tensor source, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Rank == 0)
        {
            throw new ArgumentException("a tensor of rank 0 has no first axis to gather along", nameof(source));
        }

        int samples = source.Shape[0];
        CheckIndices(indices, samples);
        int[] shape = (int[])source.Shape.Clone();
        shape[0] = indices.Length;
        var result = new Tensor(shape);
        int perSample = samples == 0 ? 0 : source.Length / samples;
        for (int i = 0; i < indices.Length; i++)
        {
            source.Data.AsSpan(indices[i] * perSample, perSample).CopyTo(result.Data.AsSpan(i * perSample, perSample));
        }

        return result;
    }

    /// <summary>The items <paramref name="indices"/> of <paramref name="source"/>, in that order, such as the texts or labels of a split.</summary>
    public static T[] Gather<T>(IReadOnlyList<T> source, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckIndices(indices, source.Count);
        var result = new T[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            result[i] = source[indices[i]];
        }

        return result;
    }

    private static void CheckIndices(ReadOnlySpan<int> indices, int samples)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)samples)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), indices[i], $"index {indices[i]} at position {i} is outside the {samples} samples");
            }
        }
    }
}
