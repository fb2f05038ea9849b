using BenchmarkDotNet.Attributes;
using Gated.Kernels;

namespace Gated.Benchmarks;

/// <summary>
/// The int8 product of one row, the shape of a streaming step (B=1; W 64 × 384 and U 128 × 384 for I=64, H=128 —
/// 72 KiB of weights in all, more than L1 holds): the integer sums alone on the fastest path, and the whole product
/// (quantizing the row, the sums, the float conversion with bias). Set against MachinePeakBenchmarks' vpdpbusd rate.
/// </summary>
public class Int8GemmBenchmarks
{
    private QuantizedMatrix _weights = null!;
    private float[] _row = [];
    private float[] _bias = [];
    private float[] _output = [];
    private sbyte[] _quantized = [];
    private int[] _sums = [];
    private readonly Int8Scratch _scratch = new();

    [Params(64, 128)]
    public int K { get; set; }

    [Params(384)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _weights = QuantizedMatrix.Quantize(BenchData.Uniform(K * N, -0.3f, 0.3f, 7), K, N);
        _row = BenchData.Uniform(K, -1f, 1f, 8);
        _bias = BenchData.Uniform(N, -0.1f, 0.1f, 9);
        _output = new float[N];
        _quantized = new sbyte[_weights.PaddedRows];
        _sums = new int[_weights.Panels * QuantizedMatrix.PanelWidth];
        Int8Gemm.QuantizeRows(_row, K, 1, K, _weights.PaddedRows, _quantized, new float[1]);
    }

    [Benchmark]
    public void OneRowSums() => Int8Gemm.Accumulate(Int8Gemm.DefaultPath, _quantized, 1, _weights, _sums);

    [Benchmark]
    public void QuantizeRow() => Int8Gemm.QuantizeRows(_row, K, 1, K, _weights.PaddedRows, _quantized, _scales);

    private readonly float[] _scales = new float[1];

    [Benchmark]
    public void OneRowProduct() => Int8Gemm.Multiply(_row, 1, _weights, _bias, _output, _scratch);
}
