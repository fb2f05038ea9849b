using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// RecurrentStream.Step, one step of a batch at a time (real-time inference), reproduces Forward's outputs for every
/// cell, starts from zero or from states written through State(k), ignores dropout, and allocates nothing per step.
/// </summary>
public sealed class RecurrentStreamTests
{
    private const int B = 3, T = 7, I = 4, H = 9;

    public static TheoryData<string> Cells => new("lstm", "lstm_pytorch", "rnn_tanh", "rnn_relu_pytorch", "gru_reset_after", "gru_reset_before");

    [Theory]
    [MemberData(nameof(Cells))]
    public void StepsReproduceForward(string cell)
    {
        var layer = Layer(cell, new RecurrentOptions { ReturnSequences = true, Dropout = 0.3f, RecurrentDropout = 0.3f });
        var random = new SeededRandom(21);
        var x = TestData.UniformTensor(random, 1.0, B, T, I);
        var states = RecurrentComparison.RandomStates(random, layer.StateCount, B, H);
        foreach (bool withStates in new[] { false, true })
        {
            var expected = layer.Forward(x, new RecurrentInputs { InitialStates = withStates ? states : null });
            var stream = layer.CreateStream(B);
            Assert.Equal(B, stream.Batch);
            for (int k = 0; k < layer.StateCount && withStates; k++)
            {
                states[k].Data.CopyTo(stream.State(k));
            }

            var actual = Run(stream, x);
            NumericAssert.Close(expected.Data, actual.Data, 1e-6, 0, $"{cell} states={withStates} stream outputs");
            for (int k = 0; k < layer.StateCount; k++)
            {
                NumericAssert.Close(layer.FinalStates[k].Data, stream.State(k), 1e-6, 0, $"{cell} state {k}");
            }

            stream.Reset();
            for (int k = 0; k < layer.StateCount; k++)
            {
                Assert.All(stream.State(k).ToArray(), v => Assert.Equal(0f, v));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void StepsAllocateNothing(string cell)
    {
        var layer = Layer(cell, new RecurrentOptions());
        var stream = layer.CreateStream(B);
        var input = TestData.Uniform(new SeededRandom(22), B * I, 1.0);
        var output = new float[B * H];
        for (int i = 0; i < 50; i++)
        {
            stream.Step(input, output);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            stream.Step(input, output);
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(before, after);
    }

    [Fact]
    public void WrongSizesThrowNamingTheArgument()
    {
        var layer = Layer("gru_reset_after", new RecurrentOptions());
        var stream = layer.CreateStream(2);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => stream.Step(new float[(2 * I) + 1], new float[2 * H])).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => stream.Step(new float[2 * I], new float[H])).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.State(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.CreateStream(0));
        Assert.Throws<InvalidOperationException>(() => new Lstm(3).CreateStream(1));
    }

    private static RecurrentLayer Layer(string cell, RecurrentOptions options)
    {
        var layer = RecurrentTestSetup.Create(cell, H, options);
        layer.Build([T, I], new SeededRandom(20));
        RecurrentTestSetup.Randomize(layer, new SeededRandom(23));
        return layer;
    }

    // Feeds x (B, T, I) step by step; returns (B, T, H).
    private static Tensor Run(RecurrentStream stream, Tensor x)
    {
        var result = new Tensor(B, T, H);
        var input = new float[B * I];
        var output = new float[B * H];
        for (int t = 0; t < T; t++)
        {
            for (int b = 0; b < B; b++)
            {
                x.Data.AsSpan(((b * T) + t) * I, I).CopyTo(input.AsSpan(b * I, I));
            }

            stream.Step(input, output);
            for (int b = 0; b < B; b++)
            {
                output.AsSpan(b * H, H).CopyTo(result.Data.AsSpan(((b * T) + t) * H, H));
            }
        }

        return result;
    }
}
