using BenchmarkDotNet.Attributes;
using Gated.Layers.Recurrent;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Benchmarks;

/// <summary>
/// One streaming step of a GRU layer (RecurrentStream.Step: input projection, recurrent GEMM, fused gates) through
/// the public API. Shapes: the stream workload (B=1, I=64, H=128, real-time inference of one series) and the seed
/// shape (B=32, I=50, H=50, a small batch where per-call overhead is a large share). Should allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class GruStepBenchmarks
{
    private RecurrentStream _stream = null!;
    private float[] _input = [];
    private float[] _output = [];

    [ParamsSource(nameof(Shapes))]
    public StepShape Shape { get; set; } = StepShape.All[0];

    public static IEnumerable<StepShape> Shapes => StepShape.All;

    [GlobalSetup]
    public void Setup()
    {
        var gru = new Gru(Shape.Hidden);
        gru.Build([1, Shape.Input], new SeededRandom(20));
        _stream = gru.CreateStream(Shape.Batch);
        _input = BenchData.Uniform(Shape.Batch * Shape.Input, -1f, 1f, 4);
        _output = new float[Shape.Batch * Shape.Hidden];
    }

    [Benchmark]
    public void Step() => _stream.Step(_input, _output);
}

/// <summary>Batch, input features and hidden units of one streaming step.</summary>
public sealed record StepShape(int Batch, int Input, int Hidden)
{
    public static readonly StepShape[] All = [new(1, 64, 128), new(32, 50, 50)];

    public override string ToString() => $"B={Batch} I={Input} H={Hidden}";
}
