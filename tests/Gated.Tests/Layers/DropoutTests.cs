using Gated.IO;
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
/// Dropout: kept fraction and exact scaling, identity at inference, reproducible masks (same seed, restored
/// generator state), Backward through the same mask, central differences with the mask held fixed, and the
/// model-file round trip. The reference mask is one NextDouble per element in row-major order, kept when ≥ rate.
/// </summary>
public sealed class DropoutTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void KeepsAboutOneMinusRateAndScalesKeptValuesExactly(double rate)
    {
        var dropout = new Dropout(rate, seed: 11);
        dropout.Build([100, 1000], new SeededRandom(0));
        var x = PositiveInput(new SeededRandom(5), 1, 100, 1000);
        var y = dropout.Forward(x, training: true);

        float scale = (float)(1.0 / (1.0 - rate));
        Assert.Equal(scale, dropout.Scale);
        int kept = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (y.Data[i] != 0f)
            {
                kept++;
                Assert.Equal(x.Data[i] * scale, y.Data[i]);
            }
        }

        // Binomial(100,000, 1 − rate): its standard deviation is at most 0.0016 of the count, so 0.01 is over 6σ.
        Assert.InRange((double)kept / y.Length, 1 - rate - 0.01, 1 - rate + 0.01);
    }

    [Fact]
    public void MatchesTheReferenceMask()
    {
        const double rate = 0.4;
        var dropout = new Dropout(rate, seed: 123);
        dropout.Build([3, 5], new SeededRandom(0));
        var x = PositiveInput(new SeededRandom(1), 4, 3, 5);
        var y = dropout.Forward(x, training: true);

        var generator = new SeededRandom(123);
        double scale = 1.0 / (1.0 - rate);
        var expected = x.Data.Select(v => generator.NextDouble() >= rate ? v * scale : 0.0).ToArray();
        // Two float roundings (the scale and the product) separate the layer from the double reference.
        NumericAssert.Close(expected, y.Data, 0, 3e-7, "dropout output");
    }

    [Fact]
    public void IsTheIdentityAtInference()
    {
        var dropout = new Dropout(0.5, seed: 1);
        dropout.Build([7], new SeededRandom(0));
        var x = PositiveInput(new SeededRandom(2), 3, 7);
        Assert.Equal(x.Data, dropout.Forward(x, training: false).Data);
    }

    [Fact]
    public void RateZeroKeepsEverythingInTraining()
    {
        var dropout = new Dropout(0);
        dropout.Build([7], new SeededRandom(0));
        var x = PositiveInput(new SeededRandom(2), 3, 7);
        Assert.Equal(x.Data, dropout.Forward(x, training: true).Data);
        Assert.Equal(x.Data, dropout.Backward(x).Data);
    }

    [Fact]
    public void TheSameSeedGivesTheSameMasks()
    {
        var x = PositiveInput(new SeededRandom(3), 8, 50);
        float[] Run(Dropout d)
        {
            d.Build([50], new SeededRandom(0));
            return [.. d.Forward(x, training: true).Data, .. d.Forward(x, training: true).Data];
        }

        Assert.Equal(Run(new Dropout(0.5, seed: 7)), Run(new Dropout(0.5, seed: 7)));
        Assert.NotEqual(Run(new Dropout(0.5, seed: 7)), Run(new Dropout(0.5, seed: 8)));

        // Without a seed, the generator comes from the build generator: the same build seed, the same masks.
        var a = new Dropout(0.5);
        var b = new Dropout(0.5);
        a.Build([50], new SeededRandom(42));
        b.Build([50], new SeededRandom(42));
        Assert.Equal(a.Forward(x, training: true).Data, b.Forward(x, training: true).Data);
    }

    [Fact]
    public void RestoringTheGeneratorStateRepeatsTheMask()
    {
        var dropout = new Dropout(0.5);
        dropout.Build([20], new SeededRandom(6));
        var x = PositiveInput(new SeededRandom(3), 4, 20);
        ulong[] state = dropout.RandomStream!.GetState();
        var first = dropout.Forward(x, training: true).Data;
        Assert.NotEqual(first, dropout.Forward(x, training: true).Data);
        dropout.RandomStream!.SetState(state);
        Assert.Equal(first, dropout.Forward(x, training: true).Data);
    }

    [Fact]
    public void BackwardMultipliesByTheSameMask()
    {
        var dropout = new Dropout(0.3, seed: 5);
        dropout.Build([4, 6], new SeededRandom(0));
        var x = PositiveInput(new SeededRandom(1), 3, 4, 6);
        var y = dropout.Forward(x, training: true);
        var dy = TestData.UniformTensor(new SeededRandom(2), 1.0, y.Shape);
        var dx = dropout.Backward(dy);
        NumericAssert.ShapeEqual(x.Shape, dx.Shape, "dx");
        for (int i = 0; i < dx.Length; i++)
        {
            Assert.Equal(y.Data[i] == 0f ? 0f : dy.Data[i] * dropout.Scale, dx.Data[i]);
        }
    }

    /// <summary>With the mask fixed (a fresh layer with the same seed per evaluation) the loss is linear in x; ε = 1e-2.</summary>
    [Fact]
    public void BackwardMatchesFiniteDifferences()
    {
        Dropout Fresh()
        {
            var d = new Dropout(0.4, seed: 9);
            d.Build([5, 3], new SeededRandom(0));
            return d;
        }

        var dropout = Fresh();
        var x = TestData.UniformTensor(new SeededRandom(4), 1.0, 2, 5, 3);
        var y = dropout.Forward(x, training: true);
        var w = TestData.UniformTensor(new SeededRandom(8), 1.0, y.Shape);
        var dx = dropout.Backward(w);

        double Loss() => TestData.WeightedSum(Fresh().Forward(x, training: true).Data, w.Data);
        NumericAssert.Gradient(FiniteDifference.Gradient(x.Data, Loss, 1e-2), dx.Data, 1e-2, 0.1, "dropout dx");
    }

    [Fact]
    public void MasksPassThrough()
    {
        var dropout = new Dropout(0.5, seed: 1);
        dropout.Build([3, 2], new SeededRandom(0));
        var x = new Tensor(2, 3, 2);
        var mask = new Tensor([1f, 1f, 0f, 1f, 0f, 0f], 2, 3);
        Assert.Same(mask, dropout.ComputeMask(x, mask));
        Assert.Null(dropout.ComputeMask(x, null));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(1.5)]
    public void ARateOutsideZeroToOneIsRejected(double rate)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(rate));
        Assert.Equal("rate", e.ParamName);
    }

    [Fact]
    public void ConfigRoundTripsAndBadValuesAreModelFormatErrors()
    {
        var seeded = (Dropout)LayerRegistry.Create("Dropout", new Dropout(0.1 + 0.2, seed: ulong.MaxValue).GetConfig(), "test");
        Assert.Equal((0.1 + 0.2, (ulong?)ulong.MaxValue), (seeded.Rate, seeded.Seed));
        var plain = (Dropout)LayerRegistry.Create("Dropout", new Dropout(0.25).GetConfig(), "test");
        Assert.Equal((0.25, (ulong?)null), (plain.Rate, plain.Seed));

        foreach (var (key, value) in new[] { ("rate", "1"), ("rate", "-0.5"), ("rate", "x"), ("seed", "-1") })
        {
            var config = new Dictionary<string, string> { ["rate"] = "0.5", [key] = value };
            var e = Assert.Throws<ModelFormatException>(() => LayerRegistry.Create("Dropout", config, "m.safetensors"));
            Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ASavedModelLoadsAndPredictsTheSame()
    {
        var model = new Sequential(new Dense(4), new Dropout(0.5, seed: 3), new Dense(2));
        model.Build([5, 3], seed: 8);
        var x = TestData.UniformTensor(new SeededRandom(2), 1.0, 6, 5, 3);
        string path = _folder.File("dropout.safetensors");
        GatedModelFile.Save(path, model);

        var (loaded, _) = GatedModelFile.Load(path);

        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Assert.Equal((0.5, (ulong?)3), (((Dropout)loaded.Layers[1]).Rate, ((Dropout)loaded.Layers[1]).Seed));
        Assert.Equal(model.Summary(), loaded.Summary());
    }

    [Fact]
    public void HasNoParameters()
    {
        var model = new Sequential(new Dense(4), new Dropout(0.2));
        model.Build([3]);
        Assert.Equal(16, model.ParameterCount);
        Assert.Contains("dropout (Dropout)", model.Summary(), StringComparison.Ordinal);
        Assert.Equal(0, model.Layers[1].ParameterCount);
    }

    // Values in [1, 2), so a kept value is never 0 and a zero in the output always means dropped.
    private static Tensor PositiveInput(SeededRandom random, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++)
        {
            t.Data[i] = random.NextUniform(1f, 2f);
        }

        return t;
    }
}
