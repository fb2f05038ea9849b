using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers;

/// <summary>
/// TimeMean: fixed values with and without a mask (only real steps averaged; a sample with none gives zeros), any
/// sequence length, backward against central differences of a double twin (ε = 1e-5), masked backward by hand, its
/// configuration through LayerRegistry and model files, and a masked Embedding → TimeMean model.
/// </summary>
public sealed class TimeMeanTests
{
    [Fact]
    public void FixedValues()
    {
        // Sample 0: steps [1, 2], [3, 4], [5, 9] → [3, 5]; sample 1: [−1, 0], [1, 0], [0, 6] → [0, 2].
        var layer = Built(3, 2);
        var x = new Tensor([1f, 2f, 3f, 4f, 5f, 9f, -1f, 0f, 1f, 0f, 0f, 6f], 2, 3, 2);
        var y = layer.Forward(x);
        Assert.Equal(new[] { 2, 2 }, y.Shape);
        NumericAssert.Close(new[] { 3.0, 5, 0, 2 }, y.Data, 1e-7, 1e-6, "time mean");

        // Any sequence length: one step is the identity.
        Assert.Equal(new[] { 7f, -2f }, layer.Forward(new Tensor([7f, -2f], 1, 1, 2)).Data);
    }

    [Fact]
    public void AMaskAveragesOnlyRealSteps()
    {
        // Sample 0 keeps steps 0 and 2: ([1, 2] + [5, 9]) / 2 = [3, 5.5]; sample 1 has no real step: zeros.
        var layer = Built(3, 2);
        var x = new Tensor([1f, 2f, 3f, 4f, 5f, 9f, -1f, 0f, 1f, 0f, 0f, 6f], 2, 3, 2);
        var mask = new Tensor([1f, 0f, 1f, 0f, 0f, 0f], 2, 3);
        Assert.Null(layer.ComputeMask(x, mask));
        var y = layer.ForwardMasked(x, mask, training: true);
        NumericAssert.Close(new[] { 3.0, 5.5, 0, 0 }, y.Data, 1e-7, 1e-6, "masked time mean");

        // dx = dy / 2 at the two real steps of sample 0, zero elsewhere.
        var dx = layer.Backward(new Tensor([2f, -4f, 1f, 1f], 2, 2));
        NumericAssert.Close(new[] { 1.0, -2, 0, 0, 1, -2, 0, 0, 0, 0, 0, 0 }, dx.Data, 1e-7, 1e-6, "masked time mean dx");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 5, 3)]
    [InlineData(3, 4, 6)]
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
            for (int i = 0; i < xd.Length; i++)
            {
                int b = i / (steps * features), f = i % features;
                sum += wd[(b * features) + f] * xd[i] / steps;
            }

            return sum;
        }

        NumericAssert.Gradient(FiniteDifference.Gradient(xd, Loss, 1e-5), dx.Data, 1e-4, 0.01, $"({batch}, {steps}, {features}) dx");
    }

    [Fact]
    public void ConfigurationRoundTripsThroughTheRegistryAndModelFiles()
    {
        Assert.Contains("TimeMean", LayerRegistry.KnownTypes);
        var layer = new TimeMean();
        Assert.Empty(layer.GetConfig());
        Assert.Equal("TimeMean", Assert.IsType<TimeMean>(LayerRegistry.Create(layer.TypeName, layer.GetConfig(), "test")).TypeName);

        using var folder = new TempFolder();
        string path = folder.File("mean.safetensors");
        var model = new Sequential(new Gated.Layers.Recurrent.Gru(3, returnSequences: true), new TimeMean(), new Dense(2));
        model.Build([4, 2], seed: 4);
        var x = TestData.UniformTensor(new SeededRandom(2), 2.0, 5, 4, 2);
        GatedModelFile.Save(path, model);
        var loaded = GatedModelFile.Load(path).Model;
        Assert.IsType<TimeMean>(loaded.Layers[1]);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }

    [Fact]
    public void AMaskedModelAveragesTheRealTokens()
    {
        // Embedding(maskZero) rows e₁, e₂: tokens [1, 2, 0] average (e₁ + e₂) / 2; [0, 0, 0] has no real step.
        var model = new Sequential(new Embedding(3, 2, maskZero: true), new TimeMean());
        model.Build([3], seed: 1);
        var table = ((Embedding)model.Layers[0]).Embeddings.Values;
        var y = model.Predict(new Tensor([1f, 2f, 0f, 0f, 0f, 0f], 2, 3));
        NumericAssert.Close(new[] { (table[2] + table[4]) / 2.0, (table[3] + table[5]) / 2.0, 0, 0 }, y.Data, 1e-6, 1e-6, "masked model");
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        Assert.Equal("inputShape", Assert.Throws<ArgumentException>(() => new TimeMean().Build([4], new SeededRandom(0))).ParamName);
        var layer = Built(3, 2);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(2, 3, 3))).ParamName);
        layer.Forward(new Tensor(2, 3, 2));
        Assert.Throws<InvalidOperationException>(() => layer.Backward(new Tensor(2, 2)));
        layer.Forward(new Tensor(2, 3, 2), training: true);
        Assert.Equal("outputGradient", Assert.Throws<ArgumentException>(() => layer.Backward(new Tensor(2, 3))).ParamName);
        Assert.Empty(layer.Parameters);
    }

    private static TimeMean Built(int steps, int features)
    {
        var layer = new TimeMean();
        layer.Build([steps, features], new SeededRandom(0));
        return layer;
    }
}
