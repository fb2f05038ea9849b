using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers;

/// <summary>
/// LayerNormalization: fixed values by hand, against ReferenceLayerNormalization on (B, F) and (B, T, F) inputs
/// (forward 1e-5 absolute + 1e-5 relative, gradients 1e-4 of the scale), backward against central differences of
/// the float layer with the loss summed in double (ε = 1e-2), center/scale off, the mask passed through, and its
/// configuration through LayerRegistry and model files.
/// </summary>
public sealed class LayerNormalizationTests
{
    public static TheoryData<int[]> Shapes => new()
    {
        { [1, 1] },
        { [4, 7] },
        { [2, 5, 3] },
        { [3, 2, 16] },
    };

    [Fact]
    public void FixedValues()
    {
        // Row [1, 3]: mean 2, var 1 → x̂ = [−1, 1] / sqrt(1 + 1e-3); row [5, 5]: var 0 → x̂ = [0, 0].
        var layer = Built([2]);
        new float[] { 2f, -1f }.CopyTo(layer.Parameter("gamma").Values);
        new float[] { 0.5f, 0.25f }.CopyTo(layer.Parameter("beta").Values);
        var y = layer.Forward(new Tensor([1f, 3f, 5f, 5f], 2, 2));
        double s = Math.Sqrt(1.001);
        NumericAssert.Close(new[] { (-2 / s) + 0.5, (-1 / s) + 0.25, 0.5, 0.25 }, y.Data, 1e-6, 1e-6, "layer norm");
        Assert.Equal(["gamma", "beta"], layer.Parameters.Select(p => p.Name));
        Assert.Equal(new[] { 1f, 1f }, Built([2]).ValuesArray("gamma"));
        Assert.Equal(new[] { 0f, 0f }, Built([2]).ValuesArray("beta"));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReference(int[] inputShape)
    {
        string what = $"LayerNormalization x ({string.Join(", ", inputShape)})";
        var random = new SeededRandom((ulong)inputShape.Sum());
        var layer = Built(inputShape[1..]);
        foreach (var p in layer.Parameters)
        {
            TestData.Uniform(random, p.Length, 1.0).CopyTo(p.Values);
        }

        var reference = new ReferenceLayerNormalization(
            inputShape[^1], 1e-3, TestData.ToDouble(layer.ValuesArray("gamma")), TestData.ToDouble(layer.ValuesArray("beta")));
        var x = TestData.UniformTensor(random, 2.0, inputShape);
        var y = layer.Forward(x, training: true);
        NumericAssert.ShapeEqual(inputShape, y.Shape, what + " output");
        NumericAssert.Close(reference.Forward(TestData.ToDouble(x.Data)), y.Data, 1e-5, 1e-5, what + " output");

        var dy = TestData.UniformTensor(random, 1.0, inputShape);
        layer.ZeroGradients();
        var dx = layer.Backward(dy);
        reference.Backward(TestData.ToDouble(dy.Data));
        NumericAssert.CloseToScale(reference.InputGradient, dx.Data, 1e-4, 1e-3, what + " dx");
        NumericAssert.CloseToScale(reference.GammaGradient, layer.Parameter("gamma").Gradients, 1e-4, 1e-3, what + " dgamma");
        NumericAssert.CloseToScale(reference.BetaGradient, layer.Parameter("beta").Gradients, 1e-4, 1e-3, what + " dbeta");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardMatchesFiniteDifferences(int[] inputShape)
    {
        string what = $"LayerNormalization x ({string.Join(", ", inputShape)})";
        var random = new SeededRandom((ulong)inputShape.Sum() + 7);
        var layer = Built(inputShape[1..]);
        foreach (var p in layer.Parameters)
        {
            TestData.Uniform(random, p.Length, 1.0).CopyTo(p.Values);
        }

        var x = TestData.UniformTensor(random, 2.0, inputShape);
        layer.Forward(x, training: true);
        var w = TestData.UniformTensor(random, 1.0, inputShape);
        layer.ZeroGradients();
        var dx = layer.Backward(w);

        double Loss() => TestData.WeightedSum(layer.Forward(x).Data, w.Data);
        foreach (var p in layer.Parameters)
        {
            NumericAssert.Gradient(FiniteDifference.Gradient(p, Loss, 1e-2), p.Gradients, 1e-2, 0.1, $"{what} d{p.Name}");
        }

        NumericAssert.Gradient(FiniteDifference.Gradient(x.Data, Loss, 1e-2), dx.Data, 1e-2, 0.1, what + " dx");
    }

    [Fact]
    public void CenterAndScaleOffLeaveThePlainNormalisation()
    {
        var layer = new LayerNormalization(epsilon: 1e-5, center: false, scale: false);
        layer.Build([3], new SeededRandom(0));
        Assert.Empty(layer.Parameters);
        var y = layer.Forward(new Tensor([0f, 1f, 2f], 1, 3), training: true);
        double s = Math.Sqrt((2.0 / 3) + 1e-5);
        NumericAssert.Close(new[] { -1 / s, 0, 1 / s }, y.Data, 1e-6, 1e-6, "plain layer norm");

        // A constant dy has no effect on normalised values: dx = 0.
        NumericAssert.Close(new[] { 0.0, 0, 0 }, layer.Backward(new Tensor([1f, 1f, 1f], 1, 3)).Data, 1e-6, 0, "dx of a constant dy");
    }

    [Fact]
    public void AMaskPassesThrough()
    {
        var layer = Built([3, 2]);
        var x = new Tensor(2, 3, 2);
        var mask = new Tensor([1f, 1f, 0f, 1f, 0f, 0f], 2, 3);
        Assert.Same(mask, layer.ComputeMask(x, mask));

        // Embedding(maskZero) → LayerNormalization → GRU: the padded steps stay skipped.
        var model = new Sequential(new Embedding(4, 3, maskZero: true), new LayerNormalization(), new Gated.Layers.Recurrent.Gru(2));
        model.Build([3], seed: 2);
        var padded = model.Predict(new Tensor([1f, 2f, 0f], 1, 3));
        var shorter = model.Predict(new Tensor([1f, 2f], 1, 2));
        NumericAssert.Close(shorter.Data, padded.Data, 1e-6, 1e-6, "masked steps skipped");
    }

    [Fact]
    public void ConfigurationRoundTripsThroughTheRegistryAndModelFiles()
    {
        Assert.Contains("LayerNormalization", LayerRegistry.KnownTypes);
        var layer = new LayerNormalization(epsilon: 1e-5, center: false);
        Assert.Equal(new Dictionary<string, string> { ["axis"] = "-1", ["epsilon"] = "1E-05", ["center"] = "false", ["scale"] = "true" }, layer.GetConfig());
        var copy = Assert.IsType<LayerNormalization>(LayerRegistry.Create(layer.TypeName, layer.GetConfig(), "test"));
        Assert.Equal((1e-5, false, true), (copy.Epsilon, copy.Center, copy.Scale));
        Assert.Throws<Gated.IO.ModelFormatException>(() => LayerRegistry.Create(
            "LayerNormalization", new Dictionary<string, string> { ["axis"] = "1", ["epsilon"] = "0.001", ["center"] = "true", ["scale"] = "true" }, "test"));

        using var folder = new TempFolder();
        string path = folder.File("norm.safetensors");
        var model = new Sequential(new Gated.Layers.Recurrent.Gru(3, returnSequences: true), new LayerNormalization(), new TimeMean(), new Dense(2));
        model.Build([4, 2], seed: 4);
        var random = new SeededRandom(3);
        TestData.Uniform(random, 3, 1.0).CopyTo(model.Layers[1].Parameter("gamma").Values);
        TestData.Uniform(random, 3, 1.0).CopyTo(model.Layers[1].Parameter("beta").Values);
        var x = TestData.UniformTensor(new SeededRandom(2), 2.0, 5, 4, 2);
        GatedModelFile.Save(path, model);
        var loaded = GatedModelFile.Load(path).Model;
        Assert.IsType<LayerNormalization>(loaded.Layers[1]);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNormalization(0)).ParamName);
        Assert.Equal("inputShape", Assert.Throws<ArgumentException>(() => new LayerNormalization().Build([2, 3, 4], new SeededRandom(0))).ParamName);
        var layer = Built([3]);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(2, 4))).ParamName);
        layer.Forward(new Tensor(2, 3));
        Assert.Throws<InvalidOperationException>(() => layer.Backward(new Tensor(2, 3)));
        layer.Forward(new Tensor(2, 3), training: true);
        Assert.Equal("outputGradient", Assert.Throws<ArgumentException>(() => layer.Backward(new Tensor(2, 2))).ParamName);
    }

    private static LayerNormalization Built(int[] shape)
    {
        var layer = new LayerNormalization();
        layer.Build(shape, new SeededRandom(0));
        return layer;
    }
}
