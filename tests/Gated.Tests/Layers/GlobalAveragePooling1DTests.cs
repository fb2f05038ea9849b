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
/// GlobalAveragePooling1D, TimeMean under Keras's name: the same values with and without a mask, backward against
/// central differences (the loss summed in double, ε = 1e-2), its own configuration through LayerRegistry and model
/// files, and TimeMean still loading as TimeMean.
/// </summary>
public sealed class GlobalAveragePooling1DTests
{
    [Fact]
    public void AveragesLikeTimeMean()
    {
        var layer = new GlobalAveragePooling1D();
        layer.Build([3, 2], new SeededRandom(0));
        var x = new Tensor([1f, 2f, 3f, 4f, 5f, 9f, -1f, 0f, 1f, 0f, 0f, 6f], 2, 3, 2);
        NumericAssert.Close(new[] { 3.0, 5, 0, 2 }, layer.Forward(x).Data, 1e-7, 1e-6, "mean");
        var mask = new Tensor([1f, 0f, 1f, 0f, 0f, 0f], 2, 3);
        Assert.Null(layer.ComputeMask(x, mask));
        NumericAssert.Close(new[] { 3.0, 5.5, 0, 0 }, layer.ForwardMasked(x, mask, false).Data, 1e-7, 1e-6, "masked mean");
        Assert.Equal("GlobalAveragePooling1D", layer.TypeName);
        Assert.Contains("GlobalAveragePooling1D", Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(2, 3, 3))).Message);
    }

    [Fact]
    public void BackwardMatchesFiniteDifferences()
    {
        var random = new SeededRandom(5);
        var layer = new GlobalAveragePooling1D();
        layer.Build([4, 3], random);
        var x = TestData.UniformTensor(random, 2.0, 2, 4, 3);
        var mask = new Tensor([1f, 1f, 1f, 0f, 1f, 0f, 0f, 0f], 2, 4);
        layer.ForwardMasked(x, mask, training: true);
        var w = TestData.UniformTensor(random, 1.0, 2, 3);
        var dx = layer.Backward(w);
        double Loss() => TestData.WeightedSum(layer.ForwardMasked(x, mask, false).Data, w.Data);
        NumericAssert.Gradient(FiniteDifference.Gradient(x.Data, Loss, 1e-2), dx.Data, 1e-2, 0.1, "GlobalAveragePooling1D dx");
    }

    [Fact]
    public void ConfigurationRoundTripsThroughTheRegistryAndModelFiles()
    {
        Assert.Contains("GlobalAveragePooling1D", LayerRegistry.KnownTypes);
        var layer = new GlobalAveragePooling1D();
        Assert.Equal(new Dictionary<string, string> { ["data_format"] = "channels_last", ["keepdims"] = "false" }, layer.GetConfig());
        Assert.IsType<GlobalAveragePooling1D>(LayerRegistry.Create(layer.TypeName, layer.GetConfig(), "test"));
        Assert.IsType<GlobalAveragePooling1D>(LayerRegistry.Create("GlobalAveragePooling1D", new Dictionary<string, string>(), "test"));
        Assert.IsType<TimeMean>(LayerRegistry.Create("TimeMean", new Dictionary<string, string>(), "test"));
        Assert.Throws<Gated.IO.ModelFormatException>(() => LayerRegistry.Create("GlobalAveragePooling1D", new Dictionary<string, string> { ["keepdims"] = "true" }, "test"));
        Assert.Throws<Gated.IO.ModelFormatException>(() => LayerRegistry.Create("GlobalAveragePooling1D", new Dictionary<string, string> { ["data_format"] = "channels_first" }, "test"));

        using var folder = new TempFolder();
        string path = folder.File("pool.safetensors");
        var model = new Sequential(new Embedding(5, 3, maskZero: true), new Gated.Layers.Recurrent.Gru(3, returnSequences: true), new GlobalAveragePooling1D(), new Dense(2));
        model.Build([4], seed: 4);
        var x = new Tensor([1f, 2f, 3f, 0f, 4f, 4f, 0f, 0f], 2, 4);
        GatedModelFile.Save(path, model);
        var loaded = GatedModelFile.Load(path).Model;
        Assert.IsType<GlobalAveragePooling1D>(loaded.Layers[2]);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }
}
