using Gated.IO;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Layers;

/// <summary>
/// Activation against ReferenceActivation in double: forward within 2e-7 absolute + 1e-6 relative (the sigmoid
/// and tanh kernels promise 1e-7 absolute; softmax adds a float exp and a product), backward within 1e-6 + 1e-5
/// relative; central differences with ε = 1e-3 held to 1e-2 relative with a 0.1 × max floor (relu inputs are kept
/// at least 0.05 from its kink); fixed values of each function.
/// </summary>
public sealed class ActivationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<ActivationKind, int[]> Cases()
    {
        var data = new TheoryData<ActivationKind, int[]>();
        foreach (var kind in Enum.GetValues<ActivationKind>())
        {
            data.Add(kind, [1, 1]);
            data.Add(kind, [3, 7]);
            data.Add(kind, [2, 5, 4]);
            data.Add(kind, [1, 3, 33]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(ActivationKind kind, int[] shape)
    {
        string what = $"{kind} x ({string.Join(", ", shape)})";
        var random = new SeededRandom((ulong)(shape.Sum() + (100 * (int)kind)));
        var layer = new Activation(kind);
        layer.Build(shape[1..], random);
        var x = Input(random, kind, 3.0, shape);
        var y = layer.Forward(x, training: true);
        NumericAssert.ShapeEqual(shape, y.Shape, what + " output");
        var xd = TestData.ToDouble(x.Data);
        NumericAssert.Close(ReferenceActivation.Forward(kind, xd, shape[^1]), y.Data, 2e-7, 1e-6, what + " output");

        var dy = TestData.UniformTensor(random, 1.0, shape);
        var dx = layer.Backward(dy);
        NumericAssert.ShapeEqual(shape, dx.Shape, what + " dx");
        NumericAssert.Close(ReferenceActivation.Backward(kind, xd, TestData.ToDouble(dy.Data), shape[^1]), dx.Data, 1e-6, 1e-5, what + " dx");
        Assert.Empty(layer.Parameters);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(ActivationKind kind, int[] shape)
    {
        string what = $"{kind} x ({string.Join(", ", shape)})";
        var random = new SeededRandom((ulong)(shape.Sum() + (100 * (int)kind) + 7));
        var layer = new Activation(kind);
        layer.Build(shape[1..], random);
        var x = Input(random, kind, 2.0, shape);
        var y = layer.Forward(x, training: true);
        var w = TestData.UniformTensor(random, 1.0, y.Shape);
        var dx = layer.Backward(w);

        double Loss() => TestData.WeightedSum(layer.Forward(x).Data, w.Data);
        NumericAssert.Gradient(FiniteDifference.Gradient(x.Data, Loss, 1e-3), dx.Data, 1e-2, 0.1, what + " dx");
    }

    [Fact]
    public void FixedValues()
    {
        NumericAssert.Close(new[] { 0.5, 0.8807970779778823, 0.11920292202211755 }, Run("sigmoid", 0f, 2f, -2f), 1e-7, 0, "sigmoid");
        NumericAssert.Close(new[] { 0.0, 0.7615941559557649, -0.9640275800758169 }, Run("tanh", 0f, 1f, -2f), 1e-7, 0, "tanh");
        Assert.Equal([0f, 0f, 2f, 0f], Run("relu", -1f, 0f, 2f, -0.5f));
        Assert.Equal([-1f, 0f, 2.5f], Run("linear", -1f, 0f, 2.5f));
        NumericAssert.Close(new[] { 0.09003057317038046, 0.24472847105479767, 0.6652409557748219 }, Run("softmax", 1f, 2f, 3f), 1e-7, 0, "softmax");
    }

    [Fact]
    public void SoftmaxIsStableForLargeLogitsAndEachRowSumsToOne()
    {
        // Shifting a row by a constant changes nothing: the layer subtracts the row maximum before exp.
        var shifted = Run("softmax", 1000f, 1001f, 1002f);
        Assert.Equal(Run("softmax", 0f, 1f, 2f), shifted);
        Assert.Equal([0f, 1f], Run("softmax", -1000f, 0f));
        NumericAssert.Close(new[] { 0.7310585786300049, 0.2689414213699951 }, Run("softmax", -1000f, -1001f), 1e-7, 0, "softmax of very negative logits");
        Assert.Equal([0.5f, 0.5f], Run("softmax", 88.7f, 88.7f));

        var layer = new Activation(ActivationKind.Softmax);
        layer.Build([4, 9], new SeededRandom(0));
        var y = layer.Forward(TestData.UniformTensor(new SeededRandom(1), 20.0, 3, 4, 9));
        for (int row = 0; row < 12; row++)
        {
            double sum = y.Data.AsSpan(row * 9, 9).ToArray().Sum(v => (double)v);
            Assert.InRange(sum, 1 - 1e-6, 1 + 1e-6);
        }
    }

    [Fact]
    public void SoftmaxBackwardIsTheJacobianProduct()
    {
        // y = softmax([0, ln 3]) = [0.25, 0.75]; J = [[y0(1−y0), −y0y1], [−y0y1, y1(1−y1)]] = [[3/16, −3/16], [−3/16, 3/16]].
        var layer = new Activation("softmax");
        layer.Build([2], new SeededRandom(0));
        layer.Forward(new Tensor([0f, MathF.Log(3f)], 1, 2), training: true);
        var dx = layer.Backward(new Tensor([1f, 0f], 1, 2));
        NumericAssert.Close(new[] { 3.0 / 16, -3.0 / 16 }, dx.Data, 1e-7, 0, "softmax dx");
    }

    [Fact]
    public void NamesAndKindsAgree()
    {
        foreach (var (name, kind) in new[] { ("linear", ActivationKind.Linear), ("sigmoid", ActivationKind.Sigmoid), ("tanh", ActivationKind.Tanh), ("relu", ActivationKind.Relu), ("softmax", ActivationKind.Softmax) })
        {
            Assert.Equal(kind, new Activation(name).Kind);
            Assert.Equal(name, new Activation(kind).KindName);
            var copy = (Activation)LayerRegistry.Create("Activation", new Activation(kind).GetConfig(), "test");
            Assert.Equal(kind, copy.Kind);
        }
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        Assert.Equal("kind", Assert.Throws<ArgumentException>(() => new Activation("swish")).ParamName);
        Assert.Equal("kind", Assert.Throws<ArgumentException>(() => new Activation("Sigmoid")).ParamName);
        Assert.Equal("kind", Assert.Throws<ArgumentNullException>(() => new Activation((string)null!)).ParamName);
        Assert.Equal("kind", Assert.Throws<ArgumentOutOfRangeException>(() => new Activation((ActivationKind)99)).ParamName);
        Assert.Throws<ModelFormatException>(() => LayerRegistry.Create("Activation", new Dictionary<string, string> { ["activation"] = "gelu" }, "m.safetensors"));

        var layer = new Activation("relu");
        layer.Build([3], new SeededRandom(0));
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(2, 4))).ParamName);
        layer.Forward(new Tensor(2, 3));
        Assert.Throws<InvalidOperationException>(() => layer.Backward(new Tensor(2, 3)));
    }

    [Fact]
    public void MasksPassThroughAndSequencesMayVaryInLength()
    {
        var layer = new Activation("tanh");
        layer.Build([5, 2], new SeededRandom(0));
        var mask = new Tensor([1f, 0f, 0f], 1, 3);
        Assert.Same(mask, layer.ComputeMask(new Tensor(1, 3, 2), mask));
        Assert.Equal([1, 3, 2], layer.Forward(new Tensor(1, 3, 2)).Shape);
    }

    [Fact]
    public void ASigmoidOutputLayerTrains()
    {
        // Dense(1) → sigmoid on a separable problem: the label is whether x0 + x1 > 0.
        var model = new Sequential(new Dense(1), new Activation("sigmoid"));
        model.Build([2], seed: 1);
        model.Compile(new Sgd(learningRate: 1f), Loss.MeanSquaredError);
        var x = TestData.UniformTensor(new SeededRandom(2), 1.0, 64, 2);
        var y = new Tensor(64, 1);
        for (int i = 0; i < 64; i++)
        {
            y.Data[i] = x.Data[2 * i] + x.Data[(2 * i) + 1] > 0 ? 1f : 0f;
        }

        float first = model.TrainOnBatch(x, y);
        float last = first;
        for (int i = 0; i < 200; i++)
        {
            last = model.TrainOnBatch(x, y);
        }

        Assert.True(last < first * 0.5f, $"loss went from {first} to {last}");
        Assert.All(model.Predict(x).Data, p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void ASavedModelLoadsAndPredictsTheSame()
    {
        var model = new Sequential(new Dense(4), new Activation("relu"), new Dense(3), new Activation(ActivationKind.Softmax));
        model.Build([5], seed: 3);
        var x = TestData.UniformTensor(new SeededRandom(6), 1.0, 7, 5);
        string path = _folder.File("activation.safetensors");
        GatedModelFile.Save(path, model);

        var (loaded, _) = GatedModelFile.Load(path);

        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Assert.Equal(ActivationKind.Softmax, ((Activation)loaded.Layers[3]).Kind);
        Assert.Equal(model.Summary(), loaded.Summary());
    }

    [Fact]
    public void HasNoParameters()
    {
        var model = new Sequential(new Dense(3), new Activation("softmax"));
        model.Build([4]);
        Assert.Equal(15, model.ParameterCount);
        Assert.Equal(0, model.Layers[1].ParameterCount);
        Assert.Contains("activation (Activation)", model.Summary(), StringComparison.Ordinal);
    }

    private static float[] Run(string kind, params float[] values)
    {
        var layer = new Activation(kind);
        layer.Build([values.Length], new SeededRandom(0));
        return layer.Forward(new Tensor(values, 1, values.Length)).Data;
    }

    // U(−scale, scale); for relu moved at least 0.05 away from 0 so no difference step crosses the kink.
    private static Tensor Input(SeededRandom random, ActivationKind kind, double scale, int[] shape)
    {
        var x = TestData.UniformTensor(random, scale, shape);
        if (kind == ActivationKind.Relu)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x.Data[i] = MathF.CopySign(0.05f + MathF.Abs(x.Data[i]), x.Data[i]);
            }
        }

        return x;
    }
}
