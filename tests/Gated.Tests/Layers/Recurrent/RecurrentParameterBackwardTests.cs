using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// A model's first layer runs Backward without its input gradient (its input is data, as PyTorch skips inputs that
/// need no gradient): every parameter gradient must be the bits the full Backward gives, for every cell, with and
/// without a mask and sequences; and a Sequential of two layers trains to the same weights as one whose first layer
/// runs the full Backward.
/// </summary>
public sealed class RecurrentParameterBackwardTests
{
    [Theory]
    [InlineData("gru_reset_after", false)]
    [InlineData("gru_reset_before", true)]
    [InlineData("lstm", false)]
    [InlineData("rnn_tanh_pytorch", true)]
    public void ParameterGradientsAreTheFullBackwardsBits(string cell, bool masked)
    {
        const int batch = 3, steps = 5, inputSize = 4, units = 7;
        var random = new SeededRandom(31);
        var layer = RecurrentTestSetup.Create(cell, units, new RecurrentOptions { ReturnSequences = true });
        layer.Build([steps, inputSize], random);
        RecurrentTestSetup.Randomize(layer, random);
        var x = TestData.UniformTensor(random, 1.0, batch, steps, inputSize);
        var dy = TestData.UniformTensor(random, 1.0, batch, steps, units);
        var inputs = new RecurrentInputs { Lengths = masked ? [5, 2, 4] : null };

        float[][] Gradients(bool full)
        {
            foreach (var parameter in layer.Parameters)
            {
                parameter.Gradients.Clear();
            }

            layer.Forward(x, inputs, training: true);
            if (full)
            {
                Assert.Equal([batch, steps, inputSize], layer.Backward(dy).Shape);
            }
            else
            {
                layer.BackwardParameters(dy);
            }

            return layer.Parameters.Select(p => p.Gradients.ToArray()).ToArray();
        }

        var expected = Gradients(full: true);
        var actual = Gradients(full: false);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Any(g => g != 0), $"{cell}: parameter {i} got no gradient");
            Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"{cell}: parameter {layer.Parameters[i].Name} differs");
        }
    }

    [Fact]
    public void ASequentialTrainsAsWithTheFullBackward()
    {
        // Two stacked GRUs and a Dense, three Adam steps on one batch: with the first GRU as the model's first layer
        // (parameters-only Backward) and behind a linear Activation (full Backward, its dx feeding the Activation's,
        // which is then dropped), the weights must come out the same bits.
        var random = new SeededRandom(32);
        var x = TestData.UniformTensor(random, 1.0, 8, 6, 3);
        var y = TestData.UniformTensor(random, 1.0, 8, 1);
        float[] Train(bool first)
        {
            List<Gated.Layers.Layer> layers = [new Gru(5, new RecurrentOptions { ReturnSequences = true }), new Gru(4), new Gated.Layers.Dense(1)];
            if (!first)
            {
                layers.Insert(0, new Gated.Layers.Activation(Gated.Layers.ActivationKind.Linear));
            }

            var model = new Sequential(layers);
            model.Build([6, 3], 7);
            model.Compile(new Gated.Training.Adam(0.01f), Gated.Training.Loss.MeanSquaredError);
            for (int i = 0; i < 3; i++)
            {
                model.TrainOnBatch(x, y);
            }

            return model.ParameterValues.ToArray();
        }

        var untrained = new Sequential([new Gru(5, new RecurrentOptions { ReturnSequences = true }), new Gru(4), new Gated.Layers.Dense(1)]);
        untrained.Build([6, 3], 7);
        var withSkip = Train(first: true);
        Assert.Equal(Train(first: false), withSkip);
        Assert.NotEqual(untrained.ParameterValues.ToArray(), withSkip);
    }
}
