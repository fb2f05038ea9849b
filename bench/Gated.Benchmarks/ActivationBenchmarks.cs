using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Gated.Kernels;

namespace Gated.Benchmarks;

/// <summary>
/// Activations.Sigmoid and Activations.Tanh over a span against a plain MathF loop (the baseline of each category).
/// Lengths: 150 = one seed gate row block (3H at H = 50), 1024 = one large hidden row, 65536 = a long
/// buffer that no longer fits in L1, where memory bandwidth starts to matter.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ActivationBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];

    [Params(150, 1024, 65536)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Pre-activations of a trained net sit mostly in a few units of zero; [-6, 6) covers the saturating tails too.
        _x = BenchData.Uniform(Length, -6f, 6f, 3);
        _y = new float[Length];
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Sigmoid")]
    public void SigmoidMathF()
    {
        var x = _x;
        var y = _y;
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = 1f / (1f + MathF.Exp(-x[i]));
        }
    }

    [Benchmark]
    [BenchmarkCategory("Sigmoid")]
    public void SigmoidSpan() => Activations.Sigmoid(_x, _y);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Tanh")]
    public void TanhMathF()
    {
        var x = _x;
        var y = _y;
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = MathF.Tanh(x[i]);
        }
    }

    [Benchmark]
    [BenchmarkCategory("Tanh")]
    public void TanhSpan() => Activations.Tanh(_x, _y);
}
