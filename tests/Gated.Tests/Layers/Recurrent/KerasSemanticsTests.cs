using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// Fixed-value tests with hand-set weights and expected numbers written into the test, for behaviour PyTorch has no
/// twin of: GRU reset before (Keras reset_after=False), Keras's go_backwards output order, masks with holes, the
/// LSTM gate order of the Keras layout, and Bidirectional merging. Dropout on/off semantics: RecurrentDropoutTests.
/// </summary>
public sealed class KerasSemanticsTests
{
    /// <summary>
    /// GRU, I = 1, H = 2, constant weights per gate block (kernel z 0.3, r −0.6, n 0.9; recurrent z 0.2, r 0.5,
    /// n −0.4; bias z 0.1, r −0.1, n 0.05; reset after also recurrent_bias n 0.3), h0 = (0.5, −0.25), x = 1, −2, 0.5.
    /// Expected values from numpy in double:
    ///     sig = lambda a: 1 / (1 + np.exp(-a)); Uh = lambda u, v: u * v.sum() * np.ones(2)
    ///     z = sig(0.3*x + 0.1 + Uh(0.2, h)); r = sig(-0.6*x - 0.1 + Uh(0.5, h))
    ///     before: n = np.tanh(0.9*x + 0.05 + Uh(-0.4, r*h));  after: n = np.tanh(0.9*x + 0.05 + r*(Uh(-0.4, h) + 0.3))
    ///     h = z*h + (1 - z)*n
    /// </summary>
    [Theory]
    [InlineData(GruVariant.ResetBefore, new[] { 0.58684403, 0.12886461, -0.32475108, -0.51331051, 0.08928385, -0.00887742 })]
    [InlineData(GruVariant.ResetAfter, new[] { 0.60539478, 0.14741536, -0.30181808, -0.49120115, 0.12809132, 0.02907557 })]
    public void GruWithConstantWeights(GruVariant variant, double[] expected)
    {
        var gru = new Gru(2, new RecurrentOptions { ReturnSequences = true }, variant);
        gru.Build([3, 1], new SeededRandom(1));
        SetBlocks(gru, "kernel", 0.3f, -0.6f, 0.9f);
        SetBlocks(gru, "recurrent_kernel", 0.2f, 0.5f, -0.4f);
        SetBlocks(gru, "bias", 0.1f, -0.1f, 0.05f);
        if (variant == GruVariant.ResetAfter)
        {
            SetBlocks(gru, "recurrent_bias", 0f, 0f, 0.3f);
        }

        var y = gru.Forward(new Tensor([1f, -2f, 0.5f], 1, 3, 1), new Tensor([0.5f, -0.25f], 1, 2));
        NumericAssert.Close(expected, y.Data, 1e-6, 0, $"{variant} outputs");
    }

    /// <summary>
    /// LSTM with zero kernels and biases (i 0, f ln 3, g atanh 0.5, o 0) from c0 = 1: i = 0.5, f = 0.75, g = 0.5,
    /// o = 0.5, so c = 0.75·1 + 0.5·0.5 = 1 at every step and h = 0.5·tanh(1). A wrong gate order moves c off 1.
    /// </summary>
    [Fact]
    public void LstmGatesAreInputForgetCellOutput()
    {
        var lstm = new Lstm(1, new RecurrentOptions { ReturnSequences = true });
        lstm.Build([3, 2], new SeededRandom(1));
        lstm.Parameter("kernel").Values.Clear();
        lstm.Parameter("recurrent_kernel").Values.Clear();
        float[] bias = [0f, MathF.Log(3f), MathF.Atanh(0.5f), 0f];
        bias.CopyTo(lstm.Parameter("bias").Values);
        var y = lstm.Forward(TestData.UniformTensor(new SeededRandom(2), 1.0, 1, 3, 2), new RecurrentInputs { InitialStates = [new Tensor(1, 1), new Tensor([1f], 1, 1)] });
        double h = 0.5 * Math.Tanh(1);
        NumericAssert.Close(new[] { h, h, h }, y.Data, 1e-6, 0, "h");
        NumericAssert.Close(new[] { 1.0 }, lstm.FinalStates[1].Data, 1e-6, 0, "c");
    }

    /// <summary>
    /// SimpleRNN(ReLU) with kernel 1, recurrent kernel 1, bias 0 keeps a running sum: on x = 1, 2, 3, 4 it outputs
    /// 1, 3, 6, 10. Keras's go_backwards reads 4, 3, 2, 1 and returns the outputs in that processing order:
    /// 4, 7, 9, 10 (not flipped back). At a masked step the output is 0 and the sum is carried.
    /// </summary>
    [Theory]
    [InlineData(false, null, new float[] { 1, 3, 6, 10 }, 10f)]
    [InlineData(true, null, new float[] { 4, 7, 9, 10 }, 10f)]
    [InlineData(false, new float[] { 1, 1, 1, 0 }, new float[] { 1, 3, 6, 0 }, 6f)]
    [InlineData(true, new float[] { 1, 1, 1, 0 }, new float[] { 0, 3, 5, 6 }, 6f)]
    [InlineData(false, new float[] { 1, 0, 1, 1 }, new float[] { 1, 0, 4, 8 }, 8f)]
    [InlineData(true, new float[] { 1, 0, 1, 1 }, new float[] { 4, 7, 0, 8 }, 8f)]
    [InlineData(false, new float[] { 0, 0, 0, 0 }, new float[] { 0, 0, 0, 0 }, 0f)]
    public void RunningSumShowsOrderAndMasking(bool goBackwards, float[]? mask, float[] expected, float last)
    {
        var x = new Tensor([1f, 2f, 3f, 4f], 1, 4, 1);
        var inputs = new RecurrentInputs { Mask = mask is null ? null : new Tensor(mask, 1, 4) };
        var sequence = RunningSum(new RecurrentOptions { ReturnSequences = true, GoBackwards = goBackwards });
        Assert.Equal(expected, sequence.Forward(x, inputs).Data);
        Assert.Equal([last], sequence.FinalState.Data);
        var lastOnly = RunningSum(new RecurrentOptions { GoBackwards = goBackwards });
        Assert.Equal([last], lastOnly.Forward(x, inputs).Data);
    }

    /// <summary>Lengths are a post-padding mask: lengths 3 of 4 is the mask 1, 1, 1, 0 in both directions.</summary>
    [Theory]
    [InlineData(false, new float[] { 1, 3, 6, 0 })]
    [InlineData(true, new float[] { 0, 3, 5, 6 })]
    public void LengthsAreAPostPaddingMask(bool goBackwards, float[] expected)
    {
        var layer = RunningSum(new RecurrentOptions { ReturnSequences = true, GoBackwards = goBackwards });
        var y = layer.Forward(new Tensor([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], 2, 4, 1), new RecurrentInputs { Lengths = [3, 1] });
        Assert.Equal(expected, y.Data.AsSpan(0, 4).ToArray());
        Assert.Equal(goBackwards ? [0f, 0f, 0f, 5f] : [5f, 0f, 0f, 0f], y.Data.AsSpan(4, 4).ToArray());
        Assert.Equal([6f, 5f], layer.FinalState.Data);
    }

    /// <summary>
    /// Bidirectional running sums on 1, 2, 3, 4: forward 1, 3, 6, 10; backward (processing 4, 3, 2, 1) 4, 7, 9, 10,
    /// flipped back to 10, 9, 7, 4 so step t of both lines up. With lengths 3 the backward pass starts at step 2.
    /// </summary>
    [Theory]
    [InlineData(BidirectionalMerge.Concat, null, new float[] { 1, 10, 3, 9, 6, 7, 10, 4 })]
    [InlineData(BidirectionalMerge.Sum, null, new float[] { 11, 12, 13, 14 })]
    [InlineData(BidirectionalMerge.Mul, null, new float[] { 10, 27, 42, 40 })]
    [InlineData(BidirectionalMerge.Average, null, new float[] { 5.5f, 6, 6.5f, 7 })]
    [InlineData(BidirectionalMerge.Sum, 3, new float[] { 7, 8, 9, 0 })]
    [InlineData(BidirectionalMerge.Concat, 3, new float[] { 1, 6, 3, 5, 6, 3, 0, 0 })]
    public void BidirectionalRunningSums(BidirectionalMerge merge, int? length, float[] expected)
    {
        var x = new Tensor([1f, 2f, 3f, 4f], 1, 4, 1);
        var inputs = new RecurrentInputs { Lengths = length is int n ? [n] : null };
        var bi = new Bidirectional(new SimpleRnn(1, new RecurrentOptions { ReturnSequences = true }, SimpleRnnActivation.Relu), merge);
        bi.Build([4, 1], new SeededRandom(1));
        foreach (var p in bi.Parameters)
        {
            p.Values.Fill(p.Name == "bias" ? 0f : 1f);
        }

        Assert.Equal(expected, bi.Forward(x, inputs).Data);
        float sum = length is null ? 10 : 6;
        Assert.Equal([sum, sum], bi.FinalStates.Select(s => s.Data[0]));

        var lastOnly = new Bidirectional(new SimpleRnn(1, new RecurrentOptions(), SimpleRnnActivation.Relu), BidirectionalMerge.Concat);
        lastOnly.Build([4, 1], new SeededRandom(1));
        foreach (var p in lastOnly.Parameters)
        {
            p.Values.Fill(p.Name == "bias" ? 0f : 1f);
        }

        Assert.Equal([sum, sum], lastOnly.Forward(x, inputs).Data);
    }

    private static SimpleRnn RunningSum(RecurrentOptions options)
    {
        var rnn = new SimpleRnn(1, options, SimpleRnnActivation.Relu);
        rnn.Build([4, 1], new SeededRandom(1));
        rnn.Parameter("kernel").Values.Fill(1f);
        rnn.Parameter("recurrent_kernel").Values.Fill(1f);
        rnn.Parameter("bias").Values.Clear();
        return rnn;
    }

    // Fills each of the three gate blocks (z, r, n columns) of a GRU parameter with one value.
    private static void SetBlocks(Gru gru, string name, float z, float r, float n)
    {
        var values = gru.Parameter(name).Values;
        int h = gru.Units;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ((i % (3 * h)) / h) switch { 0 => z, 1 => r, _ => n };
        }
    }
}
