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
/// RepeatVector: fixed values, backward against central differences (the loss summed in double, ε = 1e-2; the
/// layer is linear), no mask out, its configuration through LayerRegistry and model files (a small encoder–decoder).
/// </summary>
public sealed class RepeatVectorTests
{
    [Fact]
    public void FixedValues()
    {
        var layer = Built(3, 2);
        var y = layer.Forward(new Tensor([1f, 2f, -3f, 4f], 2, 2), training: true);
        Assert.Equal(new[] { 2, 3, 2 }, y.Shape);
        Assert.Equal(new[] { 1f, 2f, 1f, 2f, 1f, 2f, -3f, 4f, -3f, 4f, -3f, 4f }, y.Data);
        Assert.Equal(new[] { 3, 2 }, layer.OutputShape);

        // dx sums the steps: [1 + 3 + 5, 2 + 4 + 6] and [0, 1].
        var dx = layer.Backward(new Tensor([1f, 2f, 3f, 4f, 5f, 6f, 0f, 1f, 0f, 0f, 0f, 0f], 2, 3, 2));
        Assert.Equal(new[] { 9f, 12f, 0f, 1f }, dx.Data);
        Assert.Null(layer.ComputeMask(y, null));
        Assert.Throws<NotSupportedException>(() => layer.ForwardMasked(new Tensor(2, 2), new Tensor(2, 3), false));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 4, 5)]
    public void BackwardMatchesFiniteDifferences(int batch, int n, int features)
    {
        var random = new SeededRandom((ulong)((batch * 100) + (n * 10) + features));
        var layer = Built(n, features);
        var x = TestData.UniformTensor(random, 2.0, batch, features);
        layer.Forward(x, training: true);
        var w = TestData.UniformTensor(random, 1.0, batch, n, features);
        var dx = layer.Backward(w);
        double Loss() => TestData.WeightedSum(layer.Forward(x).Data, w.Data);
        NumericAssert.Gradient(FiniteDifference.Gradient(x.Data, Loss, 1e-2), dx.Data, 1e-2, 0.1, $"RepeatVector ({batch}, {n}, {features}) dx");
    }

    [Fact]
    public void ConfigurationRoundTripsThroughTheRegistryAndModelFiles()
    {
        Assert.Contains("RepeatVector", LayerRegistry.KnownTypes);
        var layer = new RepeatVector(4);
        Assert.Equal(new Dictionary<string, string> { ["n"] = "4" }, layer.GetConfig());
        Assert.Equal(4, Assert.IsType<RepeatVector>(LayerRegistry.Create(layer.TypeName, layer.GetConfig(), "test")).N);

        using var folder = new TempFolder();
        string path = folder.File("repeat.safetensors");
        var model = new Sequential(new Gated.Layers.Recurrent.Gru(3), new RepeatVector(4), new Gated.Layers.Recurrent.Gru(2, returnSequences: true));
        model.Build([5, 2], seed: 4);
        var x = TestData.UniformTensor(new SeededRandom(2), 2.0, 3, 5, 2);
        GatedModelFile.Save(path, model);
        var loaded = GatedModelFile.Load(path).Model;
        Assert.IsType<RepeatVector>(loaded.Layers[1]);
        Assert.Equal(new[] { 3, 4, 2 }, loaded.Predict(x).Shape);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => new RepeatVector(0)).ParamName);
        Assert.Equal("inputShape", Assert.Throws<ArgumentException>(() => new RepeatVector(2).Build([3, 4], new SeededRandom(0))).ParamName);
        var layer = Built(2, 3);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(2, 4))).ParamName);
        layer.Forward(new Tensor(2, 3));
        Assert.Throws<InvalidOperationException>(() => layer.Backward(new Tensor(2, 2, 3)));
        layer.Forward(new Tensor(2, 3), training: true);
        Assert.Equal("outputGradient", Assert.Throws<ArgumentException>(() => layer.Backward(new Tensor(2, 3, 3))).ParamName);
    }

    private static RepeatVector Built(int n, int features)
    {
        var layer = new RepeatVector(n);
        layer.Build([features], new SeededRandom(0));
        return layer;
    }
}
