namespace Gated.Training;

/// <summary>Scores of predictions against actual values, accumulated in double.</summary>
public static class ErrorScores
{
    /// <summary>√(mean((predicted − actual)²)).</summary>
    public static double RootMeanSquaredError(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        CheckPair(predicted, actual);
        double sum = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            double d = (double)predicted[i] - actual[i];
            sum += d * d;
        }

        return Math.Sqrt(sum / predicted.Length);
    }

    /// <summary>mean(|predicted − actual|).</summary>
    public static double MeanAbsoluteError(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        CheckPair(predicted, actual);
        double sum = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            sum += Math.Abs((double)predicted[i] - actual[i]);
        }

        return sum / predicted.Length;
    }

    private static void CheckPair(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        if (predicted.Length != actual.Length || predicted.IsEmpty)
        {
            throw new ArgumentException($"Need equal, non-zero lengths; got {predicted.Length} predictions and {actual.Length} actual values.", nameof(actual));
        }
    }
}
