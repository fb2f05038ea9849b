using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Data;

/// <summary>
/// The adding problem, the classic long-range dependency task (Hochreiter &amp; Schmidhuber 1997), in the form of
/// Le et al. 2015 and Arjovsky et al. 2016. Each sample is T steps of 2 features: a value drawn from U(0, 1) and a
/// marker that is 1 at exactly two steps, one in the first half [0, ⌊T/2⌋) and one in the second half [⌊T/2⌋, T),
/// and 0 elsewhere. The target is the sum of the two marked values, so a model must carry the first one across
/// up to T − 1 steps of distractors.
/// </summary>
public static class AddingProblem
{
    /// <summary>
    /// The mean squared error of always predicting 1, the mean of the target: the sum of two independent U(0, 1)
    /// values has variance 2 · 1/12 = 1/6 ≈ 0.167. A model that has not learned the task stays near it.
    /// </summary>
    public const double BaselineMeanSquaredError = 1.0 / 6.0;

    /// <summary>
    /// Draws <paramref name="samples"/> samples of <paramref name="length"/> steps from <paramref name="seed"/>;
    /// returns inputs (N, T, 2) with the value in feature 0 and the marker in feature 1, and targets (N, 1).
    /// The same seed gives the same data on every machine.
    /// </summary>
    public static (Tensor Inputs, Tensor Targets) Generate(int samples, int length, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);

        var inputs = new Tensor(samples, length, 2);
        var targets = new Tensor(samples, 1);
        var random = new SeededRandom(seed);
        int half = length / 2;
        float[] x = inputs.Data;
        for (int n = 0; n < samples; n++)
        {
            // Values first, then the two marker positions: this draw order fixes the data a seed gives.
            int row = n * length * 2;
            for (int t = 0; t < length; t++)
            {
                x[row + (2 * t)] = (float)random.NextDouble();
            }

            int first = random.NextInt(half);
            int second = half + random.NextInt(length - half);
            x[row + (2 * first) + 1] = 1f;
            x[row + (2 * second) + 1] = 1f;

            // Summed in float from the stored values, so the target is exactly what the inputs say.
            targets.Data[n] = x[row + (2 * first)] + x[row + (2 * second)];
        }

        return (inputs, targets);
    }
}
