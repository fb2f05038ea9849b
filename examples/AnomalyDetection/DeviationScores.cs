namespace Gated.Examples.AnomalyDetection;

/// <summary>
/// Turns residuals into one score per reading: how many training standard deviations the residual lies from the
/// training mean, the largest over the channels. A reading is flagged when its score exceeds K, so one set of
/// scores serves every threshold.
/// </summary>
internal static class DeviationScores
{
    /// <summary>
    /// residuals[c][i] is channel c's residual at reading i, NaN where it has none (the score is then NaN and the
    /// reading never flagged); mean and standard deviation come from readings before <paramref name="trainCount"/>.
    /// </summary>
    public static float[] FromResiduals(IReadOnlyList<float[]> residuals, int trainCount)
    {
        int n = residuals[0].Length;
        var scores = new float[n];
        Array.Fill(scores, float.NaN);
        foreach (float[] r in residuals)
        {
            var (mean, std) = MeanAndStd(r.AsSpan(0, trainCount));
            for (int i = 0; i < n; i++)
            {
                if (float.IsNaN(r[i]))
                {
                    continue;
                }

                float score = (float)(Math.Abs(r[i] - mean) / std);
                scores[i] = float.IsNaN(scores[i]) ? score : Math.Max(scores[i], score);
            }
        }

        return scores;
    }

    /// <summary>Flags where the score exceeds <paramref name="k"/>; NaN scores are never flagged.</summary>
    public static bool[] Flags(ReadOnlySpan<float> scores, double k)
    {
        var flags = new bool[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            flags[i] = scores[i] > k;
        }

        return flags;
    }

    /// <summary>Mean and population standard deviation of the finite values; a constant residual gets std 1 so nothing divides by 0.</summary>
    public static (double Mean, double Std) MeanAndStd(ReadOnlySpan<float> values)
    {
        double sum = 0;
        int count = 0;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                sum += v;
                count++;
            }
        }

        if (count == 0)
        {
            throw new ArgumentException("no finite residuals in the training part to set a threshold from", nameof(values));
        }

        double mean = sum / count;
        double squares = 0;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                squares += (v - mean) * (v - mean);
            }
        }

        double std = Math.Sqrt(squares / count);
        return (mean, std > 0 ? std : 1);
    }
}
