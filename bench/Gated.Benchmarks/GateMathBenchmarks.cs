using BenchmarkDotNet.Attributes;
using Gated.Kernels;

namespace Gated.Benchmarks;

/// <summary>
/// The fused GRU gate pass of one step (GateMath), forward and backward, on the vector path and on the float
/// reference. Shapes: the seed step (32 rows of H = 50, where 2 of every 50 units fall in the tail) and the mid
/// step (64 rows of H = 256).
/// </summary>
[MemoryDiagnoser]
public class GateMathBenchmarks
{
    private float[] _gx = [], _gh = [], _bias = [], _hPrev = [], _z = [], _r = [], _n = [], _e = [], _hNext = [], _dh = [], _dgx = [], _dgh = [];

    [Params(50, 256)]
    public int Hidden { get; set; }

    private int Rows => Hidden == 50 ? 32 : 64;

    [GlobalSetup]
    public void Setup()
    {
        int block = Rows * Hidden;
        _gx = BenchData.Uniform(3 * block, -3f, 3f, 1);
        _gh = BenchData.Uniform(3 * block, -3f, 3f, 2);
        _bias = BenchData.Uniform(3 * Hidden, -0.5f, 0.5f, 3);
        _hPrev = BenchData.Uniform(block, -1f, 1f, 4);
        _dh = BenchData.Uniform(block, -1f, 1f, 5);
        _z = new float[block];
        _r = new float[block];
        _n = new float[block];
        _e = new float[block];
        _hNext = new float[block];
        _dgx = new float[3 * block];
        _dgh = new float[3 * block];
    }

    [Benchmark(Baseline = true)]
    public void ForwardFloat() => GateMath.GruResetAfterForward(Step(), vectorized: false);

    [Benchmark]
    public void ForwardVector() => GateMath.GruResetAfterForward(Step(), GateMath.Vectorized);

    [Benchmark]
    public void BackwardVector() => GateMath.GruResetAfterBackward(Step(), GateMath.Vectorized);

    // Whole rows: every unit, gh as a (Rows, 3H) product.
    private GruGateSpans Step() => new()
    {
        Rows = Rows, Units = Hidden, Count = Hidden, InputGates = _gx, RecurrentGates = _gh, RecurrentRowStride = 3 * Hidden,
        RecurrentGateStride = Hidden, RecurrentBias = _bias, PreviousState = _hPrev, Update = _z, Reset = _r, Candidate = _n,
        RecurrentCandidate = _e, NextState = _hNext, StateGradient = _dh, InputGateGradients = _dgx, RecurrentGateGradients = _dgh,
    };
}
