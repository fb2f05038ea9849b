using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// Masks and lengths beyond the reference comparisons: lengths are exactly a post-padding mask; what padded steps
/// hold cannot change outputs, states or any gradient (PyTorch's packed sequences never read them); padded steps
/// get zero input gradient; a sequence with no real step keeps its initial state and passes its gradient through.
/// </summary>
public sealed class RecurrentMaskingTests
{
    private const int B = 3, T = 6, I = 2, H = 5;
    private static readonly int[] Lengths = [4, 6, 1];

    public static TheoryData<string> Kinds => new("lstm", "rnn_tanh_pytorch", "rnn_relu", "gru_reset_after", "gru_reset_before", "bidirectional_lstm", "bidirectional_gru");

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LengthsAreExactlyAPostPaddingMask(string kind)
    {
        foreach (bool goBackwards in new[] { false, true })
        {
            var layer = Create(kind, goBackwards);
            var x = TestData.UniformTensor(new SeededRandom(2), 1.0, B, T, I);
            var dy = TestData.UniformTensor(new SeededRandom(3), 1.0, [B, .. layer.OutputShape]);
            var (y1, dx1, grads1) = Run(layer, x, new RecurrentInputs { Lengths = Lengths }, dy);
            var (y2, dx2, grads2) = Run(layer, x, new RecurrentInputs { Mask = PostPaddingMask() }, dy);
            Assert.Equal(y1, y2);
            Assert.Equal(dx1, dx2);
            Assert.Equal(grads1, grads2);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PaddedStepsDoNotMatter(string kind)
    {
        var layer = Create(kind, goBackwards: false);
        var x = TestData.UniformTensor(new SeededRandom(2), 1.0, B, T, I);
        var dy = TestData.UniformTensor(new SeededRandom(3), 1.0, [B, .. layer.OutputShape]);
        var inputs = new RecurrentInputs { Lengths = Lengths };
        var (y1, dx1, grads1) = Run(layer, x, inputs, dy);
        var other = x.Clone();
        ForEachPadded((b, t) => other.Data.AsSpan(((b * T) + t) * I, I).Fill(123.5f));
        var (y2, dx2, grads2) = Run(layer, other, inputs, dy);
        Assert.Equal(y1, y2);
        Assert.Equal(dx1, dx2);
        NumericAssert.Close(grads1, grads2, 1e-6, 1e-6, $"{kind} parameter gradients");
        ForEachPadded((b, t) => Assert.All(dx1.AsSpan(((b * T) + t) * I, I).ToArray(), v => Assert.Equal(0f, v)));
    }

    /// <summary>NaN or ±∞ in padding (a common sentinel) must not reach the weight gradients either.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void NonFinitePaddingDoesNotLeak(string kind)
    {
        var layer = Create(kind, goBackwards: false);
        var x = TestData.UniformTensor(new SeededRandom(2), 1.0, B, T, I);
        var dy = TestData.UniformTensor(new SeededRandom(3), 1.0, [B, .. layer.OutputShape]);
        var inputs = new RecurrentInputs { Lengths = Lengths };
        var (y1, dx1, grads1) = Run(layer, x, inputs, dy);
        var other = x.Clone();
        ForEachPadded((b, t) => other.Data.AsSpan(((b * T) + t) * I, I).Fill(float.NaN));
        var (y2, dx2, grads2) = Run(layer, other, inputs, dy);
        Assert.Equal(y1, y2);
        Assert.Equal(dx1, dx2);
        NumericAssert.Close(grads1, grads2, 1e-6, 1e-6, $"{kind} parameter gradients");
    }

    /// <summary>A sequence whose every step is masked outputs zeros, keeps its initial state, and hands the final-state gradient straight back to it.</summary>
    [Theory]
    [InlineData("lstm")]
    [InlineData("gru_reset_after")]
    [InlineData("rnn_tanh")]
    public void AFullyMaskedSequenceKeepsItsInitialState(string cell)
    {
        var layer = RecurrentTestSetup.Create(cell, H, new RecurrentOptions { ReturnSequences = true });
        layer.Build([T, I], new SeededRandom(1));
        var mask = PostPaddingMask();
        mask.Data.AsSpan(2 * T, T).Clear();
        var states = RecurrentComparison.RandomStates(new SeededRandom(4), layer.StateCount, B, H);
        var y = layer.Forward(TestData.UniformTensor(new SeededRandom(2), 1.0, B, T, I), new RecurrentInputs { Mask = mask, InitialStates = states }, training: true);
        Assert.All(y.Data.AsSpan(2 * T * H, T * H).ToArray(), v => Assert.Equal(0f, v));
        var finalGradients = RecurrentComparison.RandomStates(new SeededRandom(5), layer.StateCount, B, H);
        layer.Backward(TestData.UniformTensor(new SeededRandom(3), 1.0, y.Shape), finalGradients);
        for (int k = 0; k < layer.StateCount; k++)
        {
            Assert.Equal(states[k].Data.AsSpan(2 * H, H).ToArray(), layer.FinalStates[k].Data.AsSpan(2 * H, H).ToArray());
            Assert.Equal(finalGradients[k].Data.AsSpan(2 * H, H).ToArray(), layer.InitialStateGradients![k].Data.AsSpan(2 * H, H).ToArray());
        }
    }

    private static Layer Create(string kind, bool goBackwards)
    {
        var options = new RecurrentOptions { ReturnSequences = true, GoBackwards = goBackwards };
        Layer layer = kind switch
        {
            "bidirectional_lstm" => new Bidirectional(new Lstm(H, options), BidirectionalMerge.Mul),
            "bidirectional_gru" => new Bidirectional(new Gru(H, options with { ReturnSequences = false }), BidirectionalMerge.Concat),
            _ => RecurrentTestSetup.Create(kind, H, options),
        };
        layer.Build([T, I], new SeededRandom(1));
        RecurrentTestSetup.Randomize(layer, new SeededRandom(7));
        return layer;
    }

    // Forward (training) and Backward; returns the output, dx and all parameter gradients concatenated.
    private static (float[] Y, float[] Dx, float[] Gradients) Run(Layer layer, Tensor x, RecurrentInputs inputs, Tensor dy)
    {
        var y = layer switch
        {
            RecurrentLayer r => r.Forward(x, inputs, training: true),
            Bidirectional b => b.Forward(x, inputs, training: true),
            _ => throw new ArgumentException(layer.TypeName, nameof(layer)),
        };
        layer.ZeroGradients();
        var dx = layer.Backward(dy);
        return (y.Data, dx.Data, layer.Parameters.SelectMany(p => p.Gradients.ToArray()).ToArray());
    }

    private static Tensor PostPaddingMask()
    {
        var mask = new Tensor(B, T);
        for (int b = 0; b < B; b++)
        {
            mask.Data.AsSpan(b * T, Lengths[b]).Fill(1f);
        }

        return mask;
    }

    private static void ForEachPadded(Action<int, int> action)
    {
        for (int b = 0; b < B; b++)
        {
            for (int t = Lengths[b]; t < T; t++)
            {
                action(b, t);
            }
        }
    }
}
