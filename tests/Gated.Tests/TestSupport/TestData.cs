using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Tests.TestSupport;

/// <summary>Reproducible random inputs for tests.</summary>
public static class TestData
{
    /// <summary>count values from U(−scale, scale).</summary>
    public static float[] Uniform(SeededRandom random, int count, double scale)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = random.NextUniform((float)-scale, (float)scale);
        }

        return values;
    }

    public static Tensor UniformTensor(SeededRandom random, double scale, params int[] shape) =>
        new(Uniform(random, Tensor.ShapeLength(shape), scale), shape);

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    /// <summary>Σ values[k]·weights[k] in double: the scalar loss whose gradient with respect to values is weights.</summary>
    public static double WeightedSum(ReadOnlySpan<float> values, ReadOnlySpan<float> weights)
    {
        if (values.Length != weights.Length)
        {
            throw new ArgumentException($"{values.Length} values but {weights.Length} weights.", nameof(weights));
        }

        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += (double)values[i] * weights[i];
        }

        return sum;
    }

    public static double WeightedSum(ReadOnlySpan<double> values, ReadOnlySpan<double> weights)
    {
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values[i] * weights[i];
        }

        return sum;
    }
}
