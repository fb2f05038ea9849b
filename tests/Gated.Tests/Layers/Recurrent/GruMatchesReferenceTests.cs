using Gated.Layers.Recurrent;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// The float Gru against the double ReferenceGru on odd shapes (B = 1, T = 1, H not a multiple of any vector
/// width), both variants, returnSequences on and off, with and without an initial state, forward and backward.
/// Tolerances as for PyTorch: outputs 1e-5 absolute; gradients 1e-4 of the tensor's largest magnitude.
/// </summary>
public sealed class GruMatchesReferenceTests
{
    private static readonly (int Batch, int Steps)[] Shapes = [(1, 1), (1, 5), (3, 1), (2, 6)];

    public static TheoryData<int, int, GruVariant, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, GruVariant, bool, bool>();
        foreach (int units in new[] { 1, 3, 7, 17, 33, 50 })
        {
            foreach (int inputSize in new[] { 1, 3 })
            {
                foreach (var variant in new[] { GruVariant.ResetAfter, GruVariant.ResetBefore })
                {
                    foreach (bool returnSequences in new[] { true, false })
                    {
                        foreach (bool withState in new[] { false, true })
                        {
                            data.Add(units, inputSize, variant, returnSequences, withState);
                        }
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchReference(int units, int inputSize, GruVariant variant, bool returnSequences, bool withState)
    {
        foreach (var (batch, steps) in Shapes)
        {
            string what = $"{variant} H={units} I={inputSize} B={batch} T={steps} seq={returnSequences} h0={withState}";
            var random = new SeededRandom((ulong)((units * 1000) + (inputSize * 100) + (batch * 10) + steps));
            var gru = new Gru(units, returnSequences, variant);
            gru.Build([steps, inputSize], random);
            RecurrentTestSetup.Randomize(gru, random);
            var reference = RecurrentTestSetup.Reference(gru);

            var x = TestData.UniformTensor(random, 1.0, batch, steps, inputSize);
            Tensor? h0 = withState ? TestData.UniformTensor(random, 0.9, batch, units) : null;
            var y = gru.Forward(x, h0, training: true);
            var expectedY = reference.Forward(TestData.ToDouble(x.Data), batch, steps, new ReferenceRun { InitialStates = h0 is null ? null : [TestData.ToDouble(h0.Data)] });
            NumericAssert.ShapeEqual(returnSequences ? [batch, steps, units] : [batch, units], y.Shape, what + " output");
            NumericAssert.Close(expectedY, y.Data, 1e-5, 0, what + " output");
            NumericAssert.Close(reference.FinalStates[0], gru.FinalState.Data, 1e-5, 0, what + " final state");

            var dy = TestData.UniformTensor(random, 1.0, y.Shape);
            gru.ZeroGradients();
            var dx = gru.Backward(dy);
            reference.Backward(TestData.ToDouble(dy.Data));
            NumericAssert.ShapeEqual(x.Shape, dx.Shape, what + " dx");
            NumericAssert.CloseToScale(reference.InputGradient, dx.Data, 1e-4, 1e-3, what + " dx");
            var expectedGradients = reference.ParameterGradients;
            Assert.Equal(expectedGradients.Keys.Order(), gru.Parameters.Select(p => p.Name).Order());
            foreach (var p in gru.Parameters)
            {
                NumericAssert.CloseToScale(expectedGradients[p.Name], p.Gradients, 1e-4, 1e-3, $"{what} d{p.Name}");
            }

            if (withState)
            {
                Assert.NotNull(gru.InitialStateGradient);
                NumericAssert.ShapeEqual([batch, units], gru.InitialStateGradient.Shape, what + " dh0");
                NumericAssert.CloseToScale(reference.InitialStateGradients![0], gru.InitialStateGradient.Data, 1e-4, 1e-3, what + " dh0");
            }
            else
            {
                Assert.Null(gru.InitialStateGradient);
            }
        }
    }

    [Theory]
    [InlineData(GruVariant.ResetAfter, 4)]
    [InlineData(GruVariant.ResetBefore, 3)]
    public void ParametersHaveKerasNamesAndShapes(GruVariant variant, int count)
    {
        var gru = new Gru(7, variant: variant);
        gru.Build([5, 3], new SeededRandom(1));
        Assert.Equal(count, gru.Parameters.Count);
        Assert.Equal("kernel", gru.Parameters[0].Name);
        Assert.Equal([3, 21], gru.Parameters[0].Shape);
        Assert.Equal("recurrent_kernel", gru.Parameters[1].Name);
        Assert.Equal([7, 21], gru.Parameters[1].Shape);
        Assert.Equal("bias", gru.Parameters[2].Name);
        Assert.Equal([21], gru.Parameters[2].Shape);
        if (variant == GruVariant.ResetAfter)
        {
            Assert.Equal("recurrent_bias", gru.Parameters[3].Name);
            Assert.Equal([21], gru.Parameters[3].Shape);
        }
    }
}
