namespace Gated.Benchmarks;

/// <summary>Deterministic inputs for the benchmarks.</summary>
internal static class BenchData
{
    /// <summary>length values uniform in [low, high), from a fixed seed.</summary>
    public static float[] Uniform(int length, float low, float high, ulong seed)
    {
        var random = new Gated.Randomness.SeededRandom(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextUniform(low, high);
        }

        return values;
    }
}
