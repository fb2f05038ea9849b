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
/// Flatten and Reshape: fixed values (the row-major order kept), the −1 inferred and a bad product refused at
/// build, backward against central differences (the loss summed in double, ε = 1e-2), masks refused, and their
/// configurations through LayerRegistry and model files.
/// </summary>
public sealed class FlattenReshapeTests
{
    [Fact]
    public void FlattenKeepsTheOrder()
    {
        var layer = new Flatten();
        layer.Build([2, 3], new SeededRandom(0));
        Assert.Equal(new[] { 6 }, layer.OutputShape);
        float[] values = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        var y = layer.Forward(new Tensor(values, 2, 2, 3), training: true);
        Assert.Equal(new[] { 2, 6 }, y.Shape);
        Assert.Equal(values, y.Data);
        var dx = layer.Backward(new Tensor(values, 2, 6));
        Assert.Equal(new[] { 2, 2, 3 }, dx.Shape);
        Assert.Equal(values, dx.Data);
        Assert.Throws<NotSupportedException>(() => layer.ForwardMasked(new Tensor(2, 2, 3), new Tensor(2, 2), false));
    }

    [Fact]
    public void ReshapeInfersTheFreeAxisAndChecksTheProduct()
    {
        var layer = new Reshape(3, -1);
        layer.Build([2, 3], new SeededRandom(0));
        Assert.Equal(new[] { 3, 2 }, layer.OutputShape);
        float[] values = Enumerable.Range(0, 6).Select(i => (float)i).ToArray();
        var y = layer.Forward(new Tensor(values, 1, 2, 3), training: true);
        Assert.Equal(new[] { 1, 3, 2 }, y.Shape);
        Assert.Equal(values, y.Data);
        Assert.Equal(new[] { 1, 2, 3 }, layer.Backward(new Tensor(values, 1, 3, 2)).Shape);

        var bad = Assert.Throws<ArgumentException>(() => new Reshape(4, -1).Build([2, 3], new SeededRandom(0)));
        Assert.Equal("Reshape cannot turn input (2, 3) (6 values) into (4, -1). (Parameter 'inputShape')", bad.Message);
        Assert.Throws<ArgumentException>(() => new Reshape(5).Build([6], new SeededRandom(0)));
        Assert.Equal("targetShape", Assert.Throws<ArgumentException>(() => new Reshape(-1, -1)).ParamName);
        Assert.Equal("targetShape", Assert.Throws<ArgumentException>(() => new Reshape(0, 2)).ParamName);
        Assert.Throws<NotSupportedException>(() => layer.ForwardMasked(new Tensor(1, 2, 3), new Tensor(1, 2), false));
        Assert.Null(layer.ComputeMask(new Tensor(1, 2, 3), new Tensor(1, 2)));
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4, -1 })]
    [InlineData(new[] { 5 }, new[] { 5, 1 })]
    public void BackwardMatchesFiniteDifferences(int[] inputShape, int[] target)
    {
        var random = new SeededRandom((ulong)inputShape.Sum());
        foreach (Layer layer in new Layer[] { new Flatten(), new Reshape(target) })
        {
            layer.Build(inputShape, random);
            var x = TestData.UniformTensor(random, 2.0, [3, .. inputShape]);
            var y = layer.Forward(x, training: true);
            var w = TestData.UniformTensor(random, 1.0, y.Shape);
            var dx = layer.Backward(w);
            double Loss() => TestData.WeightedSum(layer.Forward(x).Data, w.Data);
            NumericAssert.Gradient(FiniteDifference.Gradient(x.Data, Loss, 1e-2), dx.Data, 1e-2, 0.1, $"{layer.TypeName} dx");
        }
    }

    [Fact]
    public void ConfigurationsRoundTripThroughTheRegistryAndModelFiles()
    {
        Assert.Contains("Flatten", LayerRegistry.KnownTypes);
        Assert.Contains("Reshape", LayerRegistry.KnownTypes);
        var reshape = new Reshape(2, -1);
        Assert.Equal(new Dictionary<string, string> { ["target_shape"] = "[2, -1]" }, reshape.GetConfig());
        Assert.Equal(new[] { 2, -1 }, Assert.IsType<Reshape>(LayerRegistry.Create("Reshape", reshape.GetConfig(), "test")).TargetShape);
        Assert.Equal(new[] { 4, 3 }, Assert.IsType<Reshape>(LayerRegistry.Create("Reshape", new Dictionary<string, string> { ["target_shape"] = "(4,3)" }, "test")).TargetShape);
        Assert.Throws<Gated.IO.ModelFormatException>(() => LayerRegistry.Create("Reshape", new Dictionary<string, string> { ["target_shape"] = "[-1, -1]" }, "test"));
        Assert.Throws<Gated.IO.ModelFormatException>(() => LayerRegistry.Create("Reshape", new Dictionary<string, string> { ["target_shape"] = "[x]" }, "test"));
        Assert.IsType<Flatten>(LayerRegistry.Create("Flatten", new Flatten().GetConfig(), "test"));
        Assert.Throws<Gated.IO.ModelFormatException>(() => LayerRegistry.Create("Flatten", new Dictionary<string, string> { ["data_format"] = "channels_first" }, "test"));

        // (4, 2) → GRU sequences (4, 3) → Flatten (12) → Reshape (6, 2) → GRU (2).
        using var folder = new TempFolder();
        string path = folder.File("shapes.safetensors");
        var model = new Sequential(
            new Gated.Layers.Recurrent.Gru(3, returnSequences: true), new Flatten(), new Reshape(-1, 2), new Gated.Layers.Recurrent.Gru(2, returnSequences: true));
        model.Build([4, 2], seed: 4);
        var x = TestData.UniformTensor(new SeededRandom(2), 2.0, 5, 4, 2);
        GatedModelFile.Save(path, model);
        var loaded = GatedModelFile.Load(path).Model;
        Assert.IsType<Flatten>(loaded.Layers[1]);
        Assert.Equal(new[] { -1, 2 }, Assert.IsType<Reshape>(loaded.Layers[2]).TargetShape);
        Assert.Equal(new[] { 5, 6, 2 }, loaded.Predict(x).Shape);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }
}
