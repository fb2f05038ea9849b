using BenchmarkDotNet.Attributes;
using Gated.Layers.Recurrent;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Benchmarks;

/// <summary>
/// A full inference Forward of one GRU layer on the seed shape (B=32, T=100, I=1, H=50, last step only): the
/// per-sequence cost the step benchmark adds up to, with the whole-sequence input projection and the output tensor.
/// </summary>
[MemoryDiagnoser]
public class GruForwardBenchmarks
{
    private const int B = 32, T = 100, I = 1, H = 50;

    private Gru _gru = null!;
    private Tensor _input = null!;

    [GlobalSetup]
    public void Setup()
    {
        _gru = new Gru(H);
        _gru.Build([T, I], new SeededRandom(21));
        _input = new Tensor(BenchData.Uniform(B * T * I, -1f, 1f, 5), B, T, I);
    }

    [Benchmark]
    public Tensor ForwardSeed() => _gru.Forward(_input);
}
