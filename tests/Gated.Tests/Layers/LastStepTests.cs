using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers;

/// <summary>
/// LastStep: fixed values, any sequence length, backward against central differences (ε = 1e-5), masks refused,
/// its configuration through LayerRegistry and model files, and — after a Bidirectional GRU returning sequences —
/// the forward half's final state beside the backward half's output at the last step, which has read x_T only.
/// </summary>
public sealed class LastStepTests
{
    [Fact]
    public void FixedValues()
    {
        var layer = Built(3, 2);
        var x = new Tensor([1f, 2f, 3f, 4f, 5f, 9f, -1f, 0f, 1f, 0f, 0f, 6f], 2, 3, 2);
        var y = layer.Forward(x);
        Assert.Equal(new[] { 2, 2 }, y.Shape);
        Assert.Equal(new[] { 5f, 9f, 0f, 6f }, y.Data);
        Assert.Equal(new[] { 7f, -2f }, layer.Forward(new Tensor([3f, 3f, 7f, -2f], 1, 2, 2)).Data);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 5, 3)]
    public void BackwardMatchesFiniteDifferences(int batch, int steps, int features)
    {
        var random = new SeededRandom((ulong)((batch * 100) + (steps * 10) + features));
        var layer = Built(steps, features);
        var x = TestData.UniformTensor(random, 3.0, batch, steps, features);
        layer.Forward(x, training: true);
        var w = TestData.UniformTensor(random, 1.0, batch, features);
        var dx = layer.Backward(w);

        double[] xd = TestData.ToDouble(x.Data);
        double[] wd = TestData.ToDouble(w.Data);
        double Loss()
        {
            double sum = 0;
            for (int b = 0; b < batch; b++)
            {
                for (int f = 0; f < features; f++)
                {
                    sum += wd[(b * features) + f] * xd[(((b * steps) + steps - 1) * features) + f];
                }
            }

            return sum;
        }

        NumericAssert.Gradient(FiniteDifference.Gradient(xd, Loss, 1e-5), dx.Data, 1e-4, 0.01, $"({batch}, {steps}, {features}) dx");
    }

    [Fact]
    public void AfterABidirectionalLayerItIsTheForwardFinalStateBesideTheBackwardFirstStep()
    {
        var bi = new Bidirectional(new Gru(3, returnSequences: true));
        var model = new Sequential(bi, new LastStep());
        model.Build([4, 2], seed: 3);
        var x = TestData.UniformTensor(new SeededRandom(9), 1.0, 2, 4, 2);
        var y = model.Predict(x);

        // The forward half alone (final state) and the backward half run on x_T alone.
        var forward = new Gru(3);
        forward.Build([4, 2], new SeededRandom(0));
        CopyParameters(bi.ForwardLayer, forward);
        var backward = new Gru(3);
        backward.Build([1, 2], new SeededRandom(0));
        CopyParameters(bi.BackwardLayer, backward);
        var hForward = forward.Forward(x);
        var lastInput = new Tensor([x[0, 3, 0], x[0, 3, 1], x[1, 3, 0], x[1, 3, 1]], 2, 1, 2);
        var hBackward = backward.Forward(lastInput);
        for (int b = 0; b < 2; b++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(hForward[b, j], y[b, j], 6);
                Assert.Equal(hBackward[b, j], y[b, 3 + j], 6);
            }
        }
    }

    [Fact]
    public void MasksAreRefused()
    {
        var model = new Sequential(new Embedding(3, 2, maskZero: true), new Gru(2, returnSequences: true), new LastStep());
        model.Build([3], seed: 1);
        Assert.Throws<NotSupportedException>(() => model.Predict(new Tensor([1f, 2f, 0f], 1, 3)));
    }

    [Fact]
    public void ConfigurationRoundTripsThroughTheRegistryAndModelFiles()
    {
        Assert.Contains("LastStep", LayerRegistry.KnownTypes);
        var layer = new LastStep();
        Assert.Empty(layer.GetConfig());
        Assert.Equal("LastStep", Assert.IsType<LastStep>(LayerRegistry.Create(layer.TypeName, layer.GetConfig(), "test")).TypeName);

        using var folder = new TempFolder();
        string path = folder.File("last.safetensors");
        var model = new Sequential(new Bidirectional(new Lstm(3, returnSequences: true)), new LastStep(), new Dense(2));
        model.Build([4, 2], seed: 4);
        var x = TestData.UniformTensor(new SeededRandom(2), 2.0, 5, 4, 2);
        GatedModelFile.Save(path, model);
        var loaded = GatedModelFile.Load(path).Model;
        Assert.IsType<LastStep>(loaded.Layers[1]);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        Assert.Equal("inputShape", Assert.Throws<ArgumentException>(() => new LastStep().Build([4], new SeededRandom(0))).ParamName);
        var layer = Built(3, 2);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(2, 3, 3))).ParamName);
        layer.Forward(new Tensor(2, 3, 2));
        Assert.Throws<InvalidOperationException>(() => layer.Backward(new Tensor(2, 2)));
        layer.Forward(new Tensor(2, 3, 2), training: true);
        Assert.Equal("outputGradient", Assert.Throws<ArgumentException>(() => layer.Backward(new Tensor(2, 3))).ParamName);
        Assert.Empty(layer.Parameters);
    }

    private static void CopyParameters(Layer from, Layer to)
    {
        for (int i = 0; i < from.Parameters.Count; i++)
        {
            from.Parameters[i].Values.CopyTo(to.Parameters[i].Values);
        }
    }

    private static LastStep Built(int steps, int features)
    {
        var layer = new LastStep();
        layer.Build([steps, features], new SeededRandom(0));
        return layer;
    }
}
