using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Gated.Training;

namespace Gated.Tests.Training;

/// <summary>
/// Small, fast training problems for callback and checkpoint tests: sequences x (N, T=5, F=2) from U(−1, 1) with
/// regression targets y = mean over time of (x₀ − x₁) (N, 1), or class targets from its sign.
/// </summary>
internal static class TinyProblem
{
    public const int Steps = 5;
    public const int Features = 2;

    public static (Tensor X, Tensor Y) Regression(int samples = 30, ulong seed = 1)
    {
        var x = TestData.UniformTensor(new SeededRandom(seed), 1, samples, Steps, Features);
        var y = new Tensor(samples, 1);
        for (int n = 0; n < samples; n++)
        {
            y.Data[n] = Signal(x, n);
        }

        return (x, y);
    }

    /// <summary>Targets 0 or 1 (N, 1): whether the signal is positive.</summary>
    public static (Tensor X, Tensor Y) Binary(int samples = 40, ulong seed = 2)
    {
        var (x, y) = Regression(samples, seed);
        for (int n = 0; n < samples; n++)
        {
            y.Data[n] = y.Data[n] > 0 ? 1f : 0f;
        }

        return (x, y);
    }

    /// <summary>Class targets (N) in {0, 1, 2}: signal below −0.15, between, above 0.15.</summary>
    public static (Tensor X, Tensor Y) ThreeClasses(int samples = 45, ulong seed = 3)
    {
        var (x, signal) = Regression(samples, seed);
        var y = new Tensor(samples);
        for (int n = 0; n < samples; n++)
        {
            y.Data[n] = signal.Data[n] < -0.15f ? 0f : signal.Data[n] > 0.15f ? 2f : 1f;
        }

        return (x, y);
    }

    /// <summary>Gru(4) → Dense(outputs), built from seed.</summary>
    public static Sequential Model(ulong seed = 7, int outputs = 1)
    {
        var model = new Sequential(new Layer[] { new Gru(4), new Dense(outputs) });
        model.Build([Steps, Features], seed);
        return model;
    }

    /// <summary>A copy of every parameter.</summary>
    public static float[] Weights(Sequential model) => model.ParameterValues.ToArray();

    private static float Signal(Tensor x, int n)
    {
        float sum = 0;
        for (int t = 0; t < Steps; t++)
        {
            int at = ((n * Steps) + t) * Features;
            sum += x.Data[at] - x.Data[at + 1];
        }

        return sum / Steps;
    }
}
