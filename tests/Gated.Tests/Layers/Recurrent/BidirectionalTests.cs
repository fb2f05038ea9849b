using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// Bidirectional against ReferenceBidirectional (two double references, the backward one running the other way, its
/// sequence flipped back) for every merge mode, cell, returnSequences, goBackwards of the wrapped layer, a mask or
/// lengths, and initial states; forward and backward. Plus its structure: names, counts, shapes, state order.
/// </summary>
public sealed class BidirectionalTests
{
    private static readonly (int Batch, int Steps, int InputSize, int Units)[] Shapes = [(1, 1, 2, 3), (3, 5, 3, 7)];

    public static TheoryData<string, BidirectionalMerge, bool, bool, StepSelection> Cases()
    {
        var data = new TheoryData<string, BidirectionalMerge, bool, bool, StepSelection>();
        foreach (string cell in new[] { "gru_reset_after", "gru_reset_before", "lstm_pytorch", "rnn_relu" })
        {
            foreach (var merge in Enum.GetValues<BidirectionalMerge>())
            {
                foreach (bool returnSequences in new[] { true, false })
                {
                    foreach (bool goBackwards in new[] { false, true })
                    {
                        foreach (var steps in Enum.GetValues<StepSelection>())
                        {
                            data.Add(cell, merge, returnSequences, goBackwards, steps);
                        }
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchReference(string cell, BidirectionalMerge merge, bool returnSequences, bool goBackwards, StepSelection steps)
    {
        foreach (var (batch, time, inputSize, units) in Shapes)
        {
            foreach (bool withStates in new[] { false, true })
            {
                string what = $"Bidirectional({cell}, {merge}) B={batch} T={time} I={inputSize} H={units} seq={returnSequences} back={goBackwards} {steps} states={withStates}";
                var random = new SeededRandom((ulong)((units * 100) + (batch * 10) + time + (withStates ? 7 : 0)));
                var bi = new Bidirectional(RecurrentTestSetup.Create(cell, units, new RecurrentOptions { ReturnSequences = returnSequences, GoBackwards = goBackwards }), merge);
                bi.Build([time, inputSize], random);
                RecurrentTestSetup.Randomize(bi, random);
                var reference = RecurrentTestSetup.Reference(bi);
                int stateCount = bi.ForwardLayer.StateCount;

                var x = TestData.UniformTensor(random, 1.0, batch, time, inputSize);
                var states = withStates ? RecurrentComparison.RandomStates(random, 2 * stateCount, batch, units) : null;
                var inputs = new RecurrentInputs
                {
                    InitialStates = states,
                    Mask = steps == StepSelection.Mask ? RecurrentComparison.RandomMask(random, batch, time) : null,
                    Lengths = steps == StepSelection.Lengths ? RecurrentComparison.RandomLengths(random, batch, time) : null,
                };
                var run = new ReferenceRun { Mask = inputs.Mask is null ? null : TestData.ToDouble(inputs.Mask.Data), Lengths = inputs.Lengths?.ToArray() };
                var forwardRun = run with { InitialStates = RecurrentTestSetup.ToDouble(states?.Take(stateCount).ToArray()) };
                var backwardRun = run with { InitialStates = RecurrentTestSetup.ToDouble(states?.Skip(stateCount).ToArray()) };

                var y = bi.Forward(x, inputs, training: true);
                var expected = reference.Forward(TestData.ToDouble(x.Data), batch, time, forwardRun, backwardRun);
                int width = merge == BidirectionalMerge.Concat ? 2 * units : units;
                NumericAssert.ShapeEqual(returnSequences ? [batch, time, width] : [batch, width], y.Shape, what + " output");
                NumericAssert.Close(expected, y.Data, RecurrentComparison.OutputTolerance, RecurrentComparison.OutputTolerance, what + " output");
                var expectedStates = reference.ForwardLayer.FinalStates.Concat(reference.BackwardLayer.FinalStates).ToArray();
                Assert.Equal(2 * stateCount, bi.FinalStates.Count);
                for (int k = 0; k < expectedStates.Length; k++)
                {
                    NumericAssert.Close(expectedStates[k], bi.FinalStates[k].Data, RecurrentComparison.OutputTolerance, 0, $"{what} final state {k}");
                }

                var dy = TestData.UniformTensor(random, 1.0, y.Shape);
                bi.ZeroGradients();
                var dx = bi.Backward(dy);
                reference.Backward(TestData.ToDouble(dy.Data));
                NumericAssert.ShapeEqual(x.Shape, dx.Shape, what + " dx");
                NumericAssert.CloseToScale(reference.InputGradient, dx.Data, RecurrentComparison.GradientTolerance, RecurrentComparison.GradientFloor, what + " dx");
                RecurrentComparison.AssertParameterGradients(bi.ForwardLayer, reference.ForwardLayer, what + " forward");
                RecurrentComparison.AssertParameterGradients(bi.BackwardLayer, reference.BackwardLayer, what + " backward");
                RecurrentComparison.AssertInitialStateGradients(bi.ForwardLayer.InitialStateGradients, reference.ForwardLayer.InitialStateGradients, batch, units, what + " forward");
                RecurrentComparison.AssertInitialStateGradients(bi.BackwardLayer.InitialStateGradients, reference.BackwardLayer.InitialStateGradients, batch, units, what + " backward");
            }
        }
    }

    [Theory]
    [InlineData(BidirectionalMerge.Concat, 14)]
    [InlineData(BidirectionalMerge.Sum, 7)]
    [InlineData(BidirectionalMerge.Mul, 7)]
    [InlineData(BidirectionalMerge.Average, 7)]
    public void ParametersAreForwardsThenBackwardsWithTwiceTheCount(BidirectionalMerge merge, int width)
    {
        var inner = new Lstm(7, new RecurrentOptions { ReturnSequences = true }, separateRecurrentBias: true);
        var bi = new Bidirectional(inner, merge);
        bi.Build([5, 3], new SeededRandom(1));
        Assert.Same(inner, bi.ForwardLayer);
        Assert.True(bi.BackwardLayer.Options.GoBackwards);
        Assert.False(bi.ForwardLayer.Options.GoBackwards);
        Assert.IsType<Lstm>(bi.BackwardLayer);
        Assert.True(((Lstm)bi.BackwardLayer).SeparateRecurrentBias);
        Assert.Equal(
            ["forward/kernel", "forward/recurrent_kernel", "forward/bias", "forward/recurrent_bias", "backward/kernel", "backward/recurrent_kernel", "backward/bias", "backward/recurrent_bias"],
            bi.Parameters.Select(p => p.FullName));
        Assert.Equal(2 * inner.ParameterCount, bi.ParameterCount);
        Assert.Equal(2L * 4 * 7 * (3 + 7 + 2), bi.ParameterCount);
        Assert.Equal([5, width], bi.OutputShape);
        Assert.NotEqual(bi.ForwardLayer.ValuesArray("kernel"), bi.BackwardLayer.ValuesArray("kernel"));
    }

    /// <summary>The backward copy of a goBackwards layer runs forwards; the options other than goBackwards carry over.</summary>
    [Fact]
    public void TheBackwardCopyFlipsGoBackwardsAndKeepsTheRest()
    {
        var options = new RecurrentOptions { ReturnSequences = true, GoBackwards = true, Dropout = 0.25f, RecurrentDropout = 0.5f, Init = WeightInit.PyTorch };
        var bi = new Bidirectional(new SimpleRnn(4, options, SimpleRnnActivation.Relu, separateRecurrentBias: true));
        var backward = Assert.IsType<SimpleRnn>(bi.BackwardLayer);
        Assert.Equal(options with { GoBackwards = false }, backward.Options);
        Assert.Equal(SimpleRnnActivation.Relu, backward.Activation);
        Assert.True(backward.SeparateRecurrentBias);

        var gru = new Bidirectional(new Gru(3, new RecurrentOptions(), GruVariant.ResetBefore));
        Assert.Equal(GruVariant.ResetBefore, Assert.IsType<Gru>(gru.BackwardLayer).Variant);
    }

    [Fact]
    public void FinalStatesAreForwardsThenBackwards()
    {
        var bi = new Bidirectional(new Lstm(3, new RecurrentOptions()));
        bi.Build([4, 2], new SeededRandom(3));
        bi.Forward(TestData.UniformTensor(new SeededRandom(4), 1.0, 2, 4, 2));
        Assert.Equal(4, bi.FinalStates.Count);
        Assert.Equal(bi.ForwardLayer.FinalStates[0].Data, bi.FinalStates[0].Data);
        Assert.Equal(bi.ForwardLayer.FinalStates[1].Data, bi.FinalStates[1].Data);
        Assert.Equal(bi.BackwardLayer.FinalStates[0].Data, bi.FinalStates[2].Data);
        Assert.Equal(bi.BackwardLayer.FinalStates[1].Data, bi.FinalStates[3].Data);
    }

    [Fact]
    public void WrappingABuiltOrStatefulLayerThrows()
    {
        var built = new Gru(3);
        built.Build([4, 2], new SeededRandom(1));
        Assert.Equal("layer", Assert.Throws<ArgumentException>(() => new Bidirectional(built)).ParamName);
        Assert.Equal("layer", Assert.Throws<ArgumentException>(() => new Bidirectional(new Gru(3, new RecurrentOptions { Stateful = true }))).ParamName);
    }
}
