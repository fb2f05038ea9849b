using Gated.IO;
using Gated.Layers.Recurrent;
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
/// Embedding against ReferenceEmbedding (a lookup, so forward must match exactly and the scatter-add of the table
/// gradient to float rounding of the sums), central differences on the table (the loss is linear in it, so only
/// float rounding differs; ε = 1e-2, 1e-2 relative with a 0.1 × max floor as DenseTests), and fixed values.
/// </summary>
public sealed class EmbeddingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // (batch, time, vocabulary, output dim); small vocabularies make repeated tokens, so the scatter-add sums.
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 1, 1, 1, 1 },
        { 1, 7, 3, 2 },
        { 4, 5, 11, 8 },
        { 3, 9, 2, 17 },
        { 2, 1, 50, 33 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReference(int batch, int steps, int vocabulary, int dim)
    {
        string what = $"Embedding x ({batch}, {steps}) V={vocabulary} D={dim}";
        var random = new SeededRandom((ulong)((batch * 1000) + (steps * 100) + vocabulary + dim));
        var embedding = new Embedding(vocabulary, dim);
        embedding.Build([steps], random);
        TestData.Uniform(random, vocabulary * dim, 1.0).CopyTo(embedding.Parameter("embeddings").Values);
        var reference = new ReferenceEmbedding(vocabulary, dim, TestData.ToDouble(embedding.ValuesArray("embeddings")));

        var (x, indices) = RandomIndices(random, batch, steps, vocabulary);
        var y = embedding.Forward(x, training: true);
        NumericAssert.ShapeEqual([batch, steps, dim], y.Shape, what + " output");
        Assert.Equal(reference.Forward(indices), TestData.ToDouble(y.Data));

        var dy = TestData.UniformTensor(random, 1.0, y.Shape);
        embedding.ZeroGradients();
        var dx = embedding.Backward(dy);
        reference.Backward(TestData.ToDouble(dy.Data));
        NumericAssert.CloseToScale(reference.TableGradient, embedding.Parameter("embeddings").Gradients, 1e-5, 1e-3, what + " dembeddings");
        NumericAssert.ShapeEqual(x.Shape, dx.Shape, what + " dx");
        Assert.All(dx.Data, v => Assert.Equal(0f, v));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardMatchesFiniteDifferences(int batch, int steps, int vocabulary, int dim)
    {
        string what = $"Embedding x ({batch}, {steps}) V={vocabulary} D={dim}";
        var random = new SeededRandom((ulong)((batch * 1000) + (steps * 100) + vocabulary + dim + 7));
        var embedding = new Embedding(vocabulary, dim);
        embedding.Build([steps], random);
        var (x, _) = RandomIndices(random, batch, steps, vocabulary);
        var y = embedding.Forward(x, training: true);
        var w = TestData.UniformTensor(random, 1.0, y.Shape);
        embedding.ZeroGradients();
        embedding.Backward(w);

        double Loss() => TestData.WeightedSum(embedding.Forward(x).Data, w.Data);
        var table = embedding.Parameter("embeddings");
        NumericAssert.Gradient(FiniteDifference.Gradient(table, Loss, 1e-2), table.Gradients, 1e-2, 0.1, what + " dembeddings");
    }

    [Fact]
    public void LooksUpKnownRowsAndSumsGradientsOfRepeatedTokens()
    {
        var embedding = new Embedding(4, 2);
        embedding.Build([3], new SeededRandom(1));
        new float[] { 0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f }.CopyTo(embedding.Parameter("embeddings").Values);

        var y = embedding.Forward(new Tensor([3f, 1f, 3f], 1, 3), training: true);
        Assert.Equal([3f, 3.5f, 1f, 1.5f, 3f, 3.5f], y.Data);

        embedding.ZeroGradients();
        embedding.Backward(new Tensor([1f, 2f, 10f, 20f, 100f, 200f], 1, 3, 2));
        Assert.Equal([0f, 0f, 10f, 20f, 0f, 0f, 101f, 202f], embedding.GradientsArray("embeddings"));

        // Backward adds: a second pass doubles the gradient rather than replacing it.
        embedding.Backward(new Tensor([1f, 2f, 10f, 20f, 100f, 200f], 1, 3, 2));
        Assert.Equal([0f, 0f, 20f, 40f, 0f, 0f, 202f, 404f], embedding.GradientsArray("embeddings"));
    }

    [Fact]
    public void InitialisesUniformlyInKerasRange()
    {
        var embedding = new Embedding(200, 50);
        embedding.Build([4], new SeededRandom(3));
        var values = embedding.ValuesArray("embeddings");
        Assert.All(values, v => Assert.InRange(v, -0.05f, 0.05f));

        // U(−a, a) has standard deviation a/√3; over 10,000 values the estimate is within a few percent.
        double std = Math.Sqrt(values.Average(v => (double)v * v));
        Assert.InRange(std, 0.05 / Math.Sqrt(3) * 0.95, 0.05 / Math.Sqrt(3) * 1.05);
    }

    [Fact]
    public void AcceptsSequencesOfAnyLength()
    {
        var embedding = new Embedding(5, 3);
        embedding.Build([4], new SeededRandom(2));
        Assert.Equal([2, 1, 3], embedding.Forward(new Tensor([1f, 2f], 2, 1)).Shape);
        Assert.Equal([1, 9, 3], embedding.Forward(new Tensor(new float[9], 1, 9)).Shape);

        var bad = Assert.Throws<ArgumentException>(() => embedding.Forward(new Tensor(new float[6], 1, 2, 3)));
        Assert.Equal("input", bad.ParamName);
    }

    [Fact]
    public void MaskZeroMarksNonZeroTokens()
    {
        var embedding = new Embedding(6, 2, maskZero: true);
        embedding.Build([4], new SeededRandom(1));
        var x = new Tensor([5f, 2f, 0f, 0f, 0f, 1f, 3f, 0f], 2, 4);
        var mask = embedding.ComputeMask(x, null);
        Assert.NotNull(mask);
        Assert.Equal([2, 4], mask.Shape);
        Assert.Equal([1f, 1f, 0f, 0f, 0f, 1f, 1f, 0f], mask.Data);

        // Padding still looks up row 0; later layers use the mask to skip it.
        var y = embedding.Forward(x);
        Assert.Equal(embedding.ValuesArray("embeddings")[..2], y.Data[4..6]);
    }

    [Fact]
    public void AModelSkipsPaddedStepsThroughTheMask()
    {
        // The mask reaches the GRU through Sequential, so trailing padding leaves the final state of the real steps.
        var embedding = new Embedding(10, 4, maskZero: true);
        var gru = new Gru(3);
        var model = new Sequential(embedding, gru);
        model.Build([5], seed: 7);
        var padded = model.Predict(new Tensor([3f, 5f, 2f, 0f, 0f, 4f, 1f, 1f, 9f, 6f], 2, 5));

        var shortOnly = gru.Forward(embedding.Forward(new Tensor([3f, 5f, 2f], 1, 3)));
        var full = gru.Forward(embedding.Forward(new Tensor([4f, 1f, 1f, 9f, 6f], 1, 5)));
        // Batches of other sizes may take other GEMM paths, so summation order, not the result, may differ.
        NumericAssert.Close([.. shortOnly.Data, .. full.Data], padded.Data, 1e-6, 1e-6, "masked GRU final states");
    }

    [Fact]
    public void WithoutMaskZeroNoMaskLeavesTheLayer()
    {
        var embedding = new Embedding(6, 2);
        embedding.Build([2], new SeededRandom(1));
        var x = new Tensor([0f, 2f], 1, 2);
        Assert.Null(embedding.ComputeMask(x, null));
        Assert.Null(embedding.ComputeMask(x, new Tensor([1f, 0f], 1, 2)));
    }

    [Theory]
    [InlineData(10f, "10")]
    [InlineData(-1f, "-1")]
    [InlineData(2.5f, "2.5")]
    [InlineData(float.NaN, "NaN")]
    public void AnIndexOutsideTheVocabularyNamesTheArgumentValueAndPosition(float bad, string shown)
    {
        var embedding = new Embedding(10, 3);
        embedding.Build([3], new SeededRandom(1));
        var x = new Tensor([1f, 2f, 3f, 4f, 5f, bad], 2, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => embedding.Forward(x));
        Assert.Equal("input", e.ParamName);
        Assert.Contains($"is {shown};", e.Message, StringComparison.Ordinal);
        Assert.Contains("(sample 1, step 2)", e.Message, StringComparison.Ordinal);
        Assert.Contains("vocabulary of size 10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadConstructorArgumentsAreNamed()
    {
        Assert.Equal("inputDim", Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(0, 3)).ParamName);
        Assert.Equal("inputDim", Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding((1 << 24) + 1, 3)).ParamName);
        Assert.Equal("outputDim", Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(3, -1)).ParamName);
        Assert.Equal("inputShape", Assert.Throws<ArgumentException>(() => new Embedding(3, 2).Build([4, 1], new SeededRandom(0))).ParamName);
    }

    [Fact]
    public void BackwardWithoutTrainingForwardFails()
    {
        var embedding = new Embedding(3, 2);
        embedding.Build([2], new SeededRandom(0));
        embedding.Forward(new Tensor([1f, 2f], 1, 2));
        Assert.Throws<InvalidOperationException>(() => embedding.Backward(new Tensor(1, 2, 2)));
    }

    [Fact]
    public void ConfigRoundTripsAndBadValuesAreModelFormatErrors()
    {
        var embedding = new Embedding(7, 4, maskZero: true);
        var copy = (Embedding)LayerRegistry.Create("Embedding", embedding.GetConfig(), "test");
        Assert.Equal((7, 4, true), (copy.InputDim, copy.OutputDim, copy.MaskZero));

        var bad = new Dictionary<string, string>(embedding.GetConfig()) { ["input_dim"] = "-3" };
        var e = Assert.Throws<ModelFormatException>(() => LayerRegistry.Create("Embedding", bad, "m.safetensors"));
        Assert.Contains("input_dim", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASavedModelLoadsAndPredictsTheSame()
    {
        var model = new Sequential(new Embedding(12, 4, maskZero: true), new Dense(3));
        model.Build([6], seed: 4);
        var (x, _) = RandomIndices(new SeededRandom(9), 5, 6, 12);
        string path = _folder.File("embedding.safetensors");
        GatedModelFile.Save(path, model);

        var (loaded, _) = GatedModelFile.Load(path);

        Assert.Equal(model.ParameterValues.ToArray(), loaded.ParameterValues.ToArray());
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Assert.True(((Embedding)loaded.Layers[0]).MaskZero);
        Assert.Equal(model.Summary(), loaded.Summary());
    }

    [Fact]
    public void SummaryCountsInputDimTimesOutputDim()
    {
        var model = new Sequential(new Embedding(1000, 16));
        model.Build([20]);
        Assert.Equal(16_000, model.ParameterCount);
        Assert.Contains("embedding (Embedding)", model.Summary(), StringComparison.Ordinal);
        Assert.Contains("(None, 20, 16)", model.Summary(), StringComparison.Ordinal);
        Assert.Contains("16,000", model.Summary(), StringComparison.Ordinal);
    }

    private static (Tensor X, int[] Indices) RandomIndices(SeededRandom random, int batch, int steps, int vocabulary)
    {
        var indices = new int[batch * steps];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = random.NextInt(vocabulary);
        }

        return (new Tensor(Array.ConvertAll(indices, i => (float)i), batch, steps), indices);
    }
}
