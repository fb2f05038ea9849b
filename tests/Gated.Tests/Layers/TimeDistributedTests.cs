using Gated.IO;
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
/// TimeDistributed(Dense) against ReferenceDense applied to every step (B·T rows), with DenseTests' tolerances:
/// forward 1e-5 absolute + 1e-5 relative, gradients 1e-4 of scale, central differences ε = 1e-2 held to 1e-2
/// relative with a 0.1 × max floor. Also: its parameters are the inner layer's and live in the model's buffer.
/// </summary>
public sealed class TimeDistributedTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // (batch, time, features, units)
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 1, 1, 1, 1 },
        { 2, 5, 3, 4 },
        { 3, 1, 8, 33 },
        { 1, 9, 17, 1 },
        { 4, 6, 2, 5 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReferenceDenseAtEveryStep(int batch, int steps, int features, int units)
    {
        string what = $"TimeDistributed(Dense({units})) x ({batch}, {steps}, {features})";
        var random = new SeededRandom((ulong)((batch * 1000) + (steps * 100) + (features * 10) + units));
        var layer = new TimeDistributed(new Dense(units));
        layer.Build([steps, features], random);
        Randomize(layer, random);
        var reference = new ReferenceDense(features, units, TestData.ToDouble(layer.ValuesArray("kernel")), TestData.ToDouble(layer.ValuesArray("bias")));

        var x = TestData.UniformTensor(random, 1.0, batch, steps, features);
        var y = layer.Forward(x, training: true);
        NumericAssert.ShapeEqual([batch, steps, units], y.Shape, what + " output");
        NumericAssert.Close(reference.Forward(TestData.ToDouble(x.Data)), y.Data, 1e-5, 1e-5, what + " output");

        var dy = TestData.UniformTensor(random, 1.0, y.Shape);
        layer.ZeroGradients();
        var dx = layer.Backward(dy);
        reference.Backward(TestData.ToDouble(dy.Data));
        NumericAssert.ShapeEqual(x.Shape, dx.Shape, what + " dx");
        NumericAssert.CloseToScale(reference.InputGradient, dx.Data, 1e-4, 1e-3, what + " dx");
        NumericAssert.CloseToScale(reference.KernelGradient, layer.Parameter("kernel").Gradients, 1e-4, 1e-3, what + " dkernel");
        NumericAssert.CloseToScale(reference.BiasGradient, layer.Parameter("bias").Gradients, 1e-4, 1e-3, what + " dbias");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardMatchesFiniteDifferences(int batch, int steps, int features, int units)
    {
        string what = $"TimeDistributed(Dense({units})) x ({batch}, {steps}, {features})";
        var random = new SeededRandom((ulong)((batch * 1000) + (steps * 100) + (features * 10) + units + 7));
        var layer = new TimeDistributed(new Dense(units));
        layer.Build([steps, features], random);
        Randomize(layer, random);
        var x = TestData.UniformTensor(random, 1.0, batch, steps, features);
        var y = layer.Forward(x, training: true);
        var w = TestData.UniformTensor(random, 1.0, y.Shape);
        layer.ZeroGradients();
        var dx = layer.Backward(w);

        double Loss() => TestData.WeightedSum(layer.Forward(x).Data, w.Data);
        foreach (var p in layer.Parameters)
        {
            NumericAssert.Gradient(FiniteDifference.Gradient(p, Loss, 1e-2), p.Gradients, 1e-2, 0.1, $"{what} d{p.Name}");
        }

        NumericAssert.Gradient(FiniteDifference.Gradient(x.Data, Loss, 1e-2), dx.Data, 1e-2, 0.1, what + " dx");
    }

    /// <summary>x (1, 2, 2) with kernel [[1, 2], [3, 4]] and bias [0.5, −0.5], checked by hand step by step.</summary>
    [Fact]
    public void FixedValues()
    {
        var layer = new TimeDistributed(new Dense(2));
        layer.Build([2, 2], new SeededRandom(1));
        new float[] { 1, 2, 3, 4 }.CopyTo(layer.Parameter("kernel").Values);
        new float[] { 0.5f, -0.5f }.CopyTo(layer.Parameter("bias").Values);
        var y = layer.Forward(new Tensor([1f, -2f, 0f, 1f], 1, 2, 2), training: true);
        Assert.Equal([1, 2, 2], y.Shape);
        Assert.Equal([1 - 6 + 0.5f, 2 - 8 - 0.5f, 3 + 0.5f, 4 - 0.5f], y.Data);

        layer.ZeroGradients();
        var dx = layer.Backward(new Tensor([1f, 10f, 0f, 1f], 1, 2, 2));
        Assert.Equal([1 + 20f, 3 + 40f, 2f, 4f], dx.Data);
        Assert.Equal([1f, 10f, -2f, -20f + 1f], layer.GradientsArray("kernel"));
        Assert.Equal([1f, 11f], layer.GradientsArray("bias"));
    }

    [Fact]
    public void ItsParametersAreTheInnerLayersAndLiveInTheModelBuffer()
    {
        var dense = new Dense(3);
        var layer = new TimeDistributed(dense);
        var model = new Sequential(layer);
        model.Build([4, 5], seed: 2);

        Assert.Equal(dense.Parameters, layer.Parameters);
        Assert.Equal((5 * 3) + 3, layer.ParameterCount);
        Assert.Equal(layer.ParameterCount, model.ParameterCount);
        Assert.True(dense.Parameter("kernel").Values.Overlaps(model.ParameterValues));

        // A change to the model's buffer (what an optimizer does) reaches the inner layer.
        model.ParameterValues.Clear();
        var x = TestData.UniformTensor(new SeededRandom(1), 1.0, 2, 4, 5);
        Assert.All(model.Predict(x).Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TrainingThroughTheWrapperLowersTheLoss()
    {
        var model = new Sequential(new TimeDistributed(new Dense(2)));
        model.Build([3, 4], seed: 5);
        model.Compile(new Gated.Training.Sgd(learningRate: 0.1f), Gated.Training.Loss.MeanSquaredError);
        var random = new SeededRandom(3);
        var x = TestData.UniformTensor(random, 1.0, 8, 3, 4);
        var target = TestData.UniformTensor(random, 1.0, 8, 3, 2);
        float first = model.TrainOnBatch(x, target);
        float last = first;
        for (int i = 0; i < 50; i++)
        {
            last = model.TrainOnBatch(x, target);
        }

        Assert.True(last < first * 0.8f, $"loss went from {first} to {last}");
    }

    [Fact]
    public void GivesWhatDenseGivesOnASequence()
    {
        // Dense already applies itself per step on (B, T, F), so the two must agree bit for bit.
        var wrapped = new TimeDistributed(new Dense(3));
        var dense = new Dense(3);
        wrapped.Build([4, 2], new SeededRandom(6));
        dense.Build([4, 2], new SeededRandom(6));
        Assert.Equal(dense.ValuesArray("kernel"), wrapped.ValuesArray("kernel"));
        var x = TestData.UniformTensor(new SeededRandom(2), 1.0, 5, 4, 2);
        Assert.Equal(dense.Forward(x).Data, wrapped.Forward(x).Data);
    }

    [Fact]
    public void AcceptsSequencesOfAnyLength()
    {
        var layer = new TimeDistributed(new Dense(2));
        layer.Build([4, 3], new SeededRandom(0));
        Assert.Equal([2, 7, 2], layer.Forward(new Tensor(2, 7, 3)).Shape);
        Assert.Equal([1, 1, 2], layer.Forward(new Tensor(1, 1, 3)).Shape);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(2, 7, 4))).ParamName);
    }

    [Fact]
    public void WrapsLayersOnLongerStepShapesAndNests()
    {
        // Each step is (A, F); the inner TimeDistributed applies Dense to each of the A rows.
        var layer = new TimeDistributed(new TimeDistributed(new Dense(2)));
        layer.Build([3, 4, 5], new SeededRandom(0));
        Assert.Equal([3, 4, 2], layer.OutputShape);
        Assert.Equal(12, layer.ParameterCount);
        var x = TestData.UniformTensor(new SeededRandom(1), 1.0, 2, 3, 4, 5);
        var y = layer.Forward(x, training: true);
        Assert.Equal([2, 3, 4, 2], y.Shape);
        Assert.Equal(x.Shape, layer.Backward(y).Shape);
    }

    [Fact]
    public void MasksPassThroughAndRandomnessIsTheInnerLayers()
    {
        var layer = new TimeDistributed(new Dense(2));
        layer.Build([3, 2], new SeededRandom(0));
        var mask = new Tensor([1f, 1f, 0f], 1, 3);
        Assert.Same(mask, layer.ComputeMask(new Tensor(1, 3, 2), mask));
        Assert.Null(layer.RandomStream);

        var dropout = new Dropout(0.5);
        var wrapped = new TimeDistributed(dropout);
        wrapped.Build([3, 2], new SeededRandom(0));
        Assert.Same(dropout.RandomStream, wrapped.RandomStream);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        Assert.Equal("inner", Assert.Throws<ArgumentNullException>(() => new TimeDistributed(null!)).ParamName);
        var built = new Dense(2);
        built.Build([3], new SeededRandom(0));
        Assert.Equal("inner", Assert.Throws<ArgumentException>(() => new TimeDistributed(built)).ParamName);
        Assert.Equal("inputShape", Assert.Throws<ArgumentException>(() => new TimeDistributed(new Dense(2)).Build([3], new SeededRandom(0))).ParamName);
    }

    [Fact]
    public void ConfigRoundTripsAndBadValuesAreModelFormatErrors()
    {
        var layer = new TimeDistributed(new TimeDistributed(new Dense(7)));
        var copy = (TimeDistributed)LayerRegistry.Create("TimeDistributed", layer.GetConfig(), "test");
        var inner = (TimeDistributed)copy.Inner;
        Assert.Equal(7, ((Dense)inner.Inner).Units);
        Assert.Equal(layer.GetConfig(), copy.GetConfig());

        foreach (string bad in new[] { "{", "[]", "{\"type\":\"Dense\"}", "{\"type\":\"Dense\",\"config\":{\"units\":3}}", "{\"type\":\"Nope\",\"config\":{}}", "{\"type\":\"Dense\",\"config\":{\"units\":\"0\",\"init\":\"keras\"}}" })
        {
            Assert.Throws<ModelFormatException>(() => LayerRegistry.Create("TimeDistributed", new Dictionary<string, string> { ["layer"] = bad }, "m.safetensors"));
        }
    }

    [Fact]
    public void ASavedModelLoadsAndPredictsTheSame()
    {
        var model = new Sequential(new TimeDistributed(new Dense(4)), new Activation("tanh"), new TimeDistributed(new Dense(2)));
        model.Build([6, 3], seed: 12);
        var x = TestData.UniformTensor(new SeededRandom(4), 1.0, 5, 6, 3);
        string path = _folder.File("td.safetensors");
        GatedModelFile.Save(path, model);

        var (loaded, _) = GatedModelFile.Load(path);

        Assert.Equal(model.ParameterValues.ToArray(), loaded.ParameterValues.ToArray());
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Assert.Equal(model.Summary(), loaded.Summary());
    }

    [Fact]
    public void SummaryCountsTheInnerDenseParameters()
    {
        var model = new Sequential(new TimeDistributed(new Dense(8)));
        model.Build([10, 6]);
        Assert.Equal((6 * 8) + 8, model.ParameterCount);
        string summary = model.Summary();
        Assert.Contains("timedistributed (TimeDistributed)", summary, StringComparison.Ordinal);
        Assert.Contains("(None, 10, 8)", summary, StringComparison.Ordinal);
        Assert.Contains("Total params: 56", summary, StringComparison.Ordinal);
    }

    private static void Randomize(Layer layer, SeededRandom random)
    {
        foreach (var p in layer.Parameters)
        {
            TestData.Uniform(random, p.Length, 1.0).CopyTo(p.Values);
        }
    }
}
