using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace Gated.Benchmarks;

/// <summary>
/// What one core of this machine can do at most, for the ceilings the engine's goals run into, beside the float FMA
/// peak that `gated bench` measures in every run (<c>fma_peak_gflops_1_thread</c>): the int8 vpdpbusd rate at the
/// widest width .NET 10 exposes (256 bits: it has no 512-bit form outside AVX10), and how fast a 288 KiB block (a GRU
/// step's float weights at I = 64, H = 128) streams from L2. Each reports the time per instruction or per 64-byte line
/// through OperationsPerInvoke: G multiply-adds/s = 32 / ns for vpdpbusd on 256 bits (against FMA GFLOP/s / 2 for
/// float), B/ns = 64 / ns for the read. Ten independent chains cover latency × throughput (4 cycles × 2 pipes on
/// current cores). Run with <c>--filter '*MachinePeak*'</c>; without AVX-VNNI the vpdpbusd benchmark returns at once.
/// </summary>
public class MachinePeakBenchmarks
{
    private const int Iterations = 1_000_000;
    private const int Chains = 10;
    private const int ReadBytes = 288 * 1024;

    private float[] _block = [];

    [GlobalSetup]
    public void Setup()
    {
        _block = BenchData.Uniform(ReadBytes / sizeof(float), -1f, 1f, 3);
    }

    [Benchmark(OperationsPerInvoke = Chains * Iterations)]
    public int Int8VpdpbusdAvxVnni256() => AvxVnni.IsSupported ? Vnni256() : 0;

    [Benchmark(OperationsPerInvoke = ReadBytes / 64)]
    public float ReadL2Block() => Read(_block);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Vnni256()
    {
        var a = Vector256.Create((byte)3);
        var b = Vector256.Create((sbyte)-2);
        Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default, c8 = default, c9 = default;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, a, b);
            c1 = AvxVnni.MultiplyWideningAndAdd(c1, a, b);
            c2 = AvxVnni.MultiplyWideningAndAdd(c2, a, b);
            c3 = AvxVnni.MultiplyWideningAndAdd(c3, a, b);
            c4 = AvxVnni.MultiplyWideningAndAdd(c4, a, b);
            c5 = AvxVnni.MultiplyWideningAndAdd(c5, a, b);
            c6 = AvxVnni.MultiplyWideningAndAdd(c6, a, b);
            c7 = AvxVnni.MultiplyWideningAndAdd(c7, a, b);
            c8 = AvxVnni.MultiplyWideningAndAdd(c8, a, b);
            c9 = AvxVnni.MultiplyWideningAndAdd(c9, a, b);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9);
    }

    // Eight accumulators of 256-bit loads (the same rate as 512-bit ones here): the read, not the adds, is the limit.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Read(float[] block)
    {
        ref float start = ref MemoryMarshal.GetArrayDataReference(block);
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (nuint i = 0; i < (nuint)block.Length; i += 64)
        {
            s0 += Vector256.LoadUnsafe(ref start, i);
            s1 += Vector256.LoadUnsafe(ref start, i + 8);
            s2 += Vector256.LoadUnsafe(ref start, i + 16);
            s3 += Vector256.LoadUnsafe(ref start, i + 24);
            s4 += Vector256.LoadUnsafe(ref start, i + 32);
            s5 += Vector256.LoadUnsafe(ref start, i + 40);
            s6 += Vector256.LoadUnsafe(ref start, i + 48);
            s7 += Vector256.LoadUnsafe(ref start, i + 56);
        }

        return Vector256.Sum(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7);
    }
}
