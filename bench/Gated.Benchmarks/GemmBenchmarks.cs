using BenchmarkDotNet.Attributes;
using Gated.Kernels;

namespace Gated.Benchmarks;

/// <summary>
/// Gemm.Multiply (C = op(A)·op(B), beta = 0) on the shapes the GRU workloads of bench/README.md produce: the
/// packed SIMD path the process uses (Gemm.DefaultPath) against the plain scalar triple loop (the baseline). The
/// weight-gradient shape has no scalar baseline: the triple loop takes about 8 s per call there.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    public static IEnumerable<GemmShape> ScalarShapes => GemmShape.All.Where(s => s.WithScalar);

    public static IEnumerable<GemmShape> AllShapes => GemmShape.All;

    [Benchmark(Baseline = true)]
    [ArgumentsSource(nameof(ScalarShapes))]
    public void Scalar(GemmShape shape) => shape.Run(GemmPath.Scalar);

    [Benchmark]
    [ArgumentsSource(nameof(AllShapes))]
    public void Default(GemmShape shape) => shape.Run(Gemm.DefaultPath);
}

/// <summary>
/// One GEMM shape, named after the workload step it comes from (ToString is what the summary table shows, at most
/// 20 characters), with its operands, allocated on the first call (a warm-up call) and reused after.
/// </summary>
public sealed class GemmShape(string name, bool transposeA, int m, int n, int k, bool withScalar = true)
{
    public static readonly GemmShape[] All =
    [
        // seed (B=32, H=50): the recurrent product of one step, h (B,H) · U (H,3H).
        new("seed 32x150x50", false, 32, 150, 50),
        // mid (B=64, H=256): the recurrent product of one step.
        new("mid 64x768x256", false, 64, 768, 256),
        // large (B=64, H=1024): the recurrent product of one step; the biggest per-step GEMM.
        new("large 64x3072x1024", false, 64, 3072, 1024),
        // stream (B=1, H=128): one streaming step, a single row of C (the unpacked row path).
        new("stream 1x384x128", false, 1, 384, 128),
        // seed first layer: the input projection of all B·T = 3200 rows at once, x (B·T,1) · W (1,3H); K = 1.
        new("seed-in 3200x150x1", false, 3200, 150, 1),
        // mid: the input projection of all B·T = 6400 rows, x (B·T,32) · W (32,3H); tall and thin.
        new("mid-in 6400x768x32", false, 6400, 768, 32),
        // mid backward: the recurrent weight gradient dU = hᵀ (H, B·T) · dGates (B·T, 3H); transposed A, deep K.
        new("dW Aᵀ 256x768x6400", true, 256, 768, 6400, withScalar: false),
    ];

    private float[]? _a, _b, _c;

    public bool WithScalar => withScalar;

    internal void Run(GemmPath path)
    {
        if (_c is null)
        {
            _a = BenchData.Uniform(m * k, -1f, 1f, 1);
            _b = BenchData.Uniform(k * n, -1f, 1f, 2);
            _c = new float[m * n];
        }

        // A is stored (M,K), or (K,M) when transposed; B is stored (K,N).
        Gemm.Multiply(path, transposeA, false, m, n, k, 1f, _a, transposeA ? m : k, _b, n, 0f, _c, n);
    }

    public override string ToString() => name;
}
