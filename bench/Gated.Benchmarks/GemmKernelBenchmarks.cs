using BenchmarkDotNet.Attributes;
using Gated.Kernels;

namespace Gated.Benchmarks;

/// <summary>
/// One thread of the AVX2 (Vector256) packed GEMM on the shapes whose GFLOP/s the micro-kernel work is judged by:
/// the recurrent products C = h · U of one step with U packed once (<see cref="PackedMatrix"/>, as the layers do),
/// the same products packing U per call, and one big product. GFLOP/s = 2·M·N·K / time. Run with
/// <c>--filter '*GemmKernel*'</c>; the machine is noisy, so compare runs taken back to back.
/// </summary>
public class GemmKernelBenchmarks
{
    public static IEnumerable<KernelShape> Shapes => KernelShape.All;

    [Benchmark]
    [ArgumentsSource(nameof(Shapes))]
    public void PackedB(KernelShape shape) => shape.RunPacked();

    [Benchmark]
    [ArgumentsSource(nameof(Shapes))]
    public void Blocked(KernelShape shape) => shape.RunBlocked();
}

/// <summary>C (M,N) = A (M,K) · B (K,N), all row-major and dense; operands allocated (and B packed) on the first call.</summary>
public sealed class KernelShape(int m, int n, int k)
{
    public static readonly KernelShape[] All =
    [
        new(640, 3072, 1024),
        new(64, 3072, 1024),
        new(32, 3072, 1024),
        new(64, 1536, 1024),
        new(64, 768, 256),
        new(32, 768, 256),
        new(32, 150, 50),
    ];

    private float[]? _a, _b, _c;
    private PackedMatrix? _packed;

    internal void RunPacked()
    {
        Prepare();
        Gemm.Multiply(false, m, 1f, _a, k, _packed!, 0f, _c, n);
    }

    internal void RunBlocked()
    {
        Prepare();
        Gemm.Multiply(GemmPath.Vector256, false, false, m, n, k, 1f, _a, k, _b, n, 0f, _c, n);
    }

    private void Prepare()
    {
        if (_c is null)
        {
            _a = BenchData.Uniform(m * k, -1f, 1f, 1);
            _b = BenchData.Uniform(k * n, -1f, 1f, 2);
            _c = new float[m * n];
            _packed = new PackedMatrix();
            _packed.Pack(GemmPath.Vector256, false, k, n, _b, n);
        }
    }

    public override string ToString() => $"{m}x{n}x{k}";
}
