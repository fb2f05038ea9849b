using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Serialization;

public sealed class KerasWeightsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("keras_gru")]
    [InlineData("keras_lstm")]
    [InlineData("keras_lstm_separate")]
    public void KerasLayoutFixturesGiveTheReferenceOutputs(string name)
    {
        string folder = Path.Combine(PyTorchFixture.FolderPath("interop"), name.Replace("_separate", "", StringComparison.Ordinal));
        var x = NpyFile.Read(Path.Combine(folder, "x.npy"));
        var expected = NpyFile.Read(Path.Combine(folder, "y.npy"));
        var options = new RecurrentOptions();
        RecurrentLayer layer = name switch
        {
            "keras_gru" => new Gru(4, options),
            "keras_lstm" => new Lstm(4, options),
            _ => new Lstm(4, options, separateRecurrentBias: true),
        };
        var model = new Sequential(layer);
        model.Build([x.Shape[1], x.Shape[2]], seed: 1);

        KerasWeights.LoadInto(layer, folder);

        NumericAssert.Close(expected.Data, model.Predict(x).Data, 1e-5, 0, name);
    }

    [Theory]
    [InlineData("gru", true)]
    [InlineData("gru_before", true)]
    [InlineData("lstm", false)]
    [InlineData("rnn", false)]
    [InlineData("gru", false)]
    [InlineData("gru_before", false)]
    [InlineData("lstm", true)]
    [InlineData("rnn", true)]
    public void KerasLayoutRoundTripsThroughGated(string cell, bool asSafetensors)
    {
        const int I = 3, H = 4;
        var random = new SeededRandom(5);
        int gates = cell switch { "lstm" => 4, "rnn" => 1, _ => 3 };
        var kernel = TestData.UniformTensor(random, 0.8, I, gates * H);
        var recurrent = TestData.UniformTensor(random, 0.8, H, gates * H);
        var bias = cell == "gru" ? TestData.UniformTensor(random, 0.5, 2, 3 * H) : TestData.UniformTensor(random, 0.5, gates * H);
        string source = Path.Combine(_folder.Path, "in");
        NpyFile.Write(Path.Combine(source, "kernel.npy"), kernel);
        NpyFile.Write(Path.Combine(source, "recurrent_kernel.npy"), recurrent);
        NpyFile.Write(Path.Combine(source, "bias.npy"), bias);
        var layer = Make(cell);
        var model = new Sequential(layer);
        model.Build([6, I], seed: 2);
        var x = TestData.UniformTensor(random, 1.5, 2, 6, I);

        KerasWeights.LoadInto(layer, source);
        string saved = asSafetensors ? _folder.File("out.safetensors") : Path.Combine(_folder.Path, "out");
        KerasWeights.Save(layer, saved);
        var again = Make(cell);
        var reloaded = new Sequential(again);
        reloaded.Build([6, I], seed: 3);
        KerasWeights.LoadInto(again, saved);

        var written = KerasWeights.ToKeras(again).ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(kernel.Data, written["kernel"].Data);
        Assert.Equal(recurrent.Data, written["recurrent_kernel"].Data);
        Assert.Equal(bias.Shape, written["bias"].Shape);
        Assert.Equal(bias.Data, written["bias"].Data);
        Assert.Equal(model.ParameterValues.ToArray(), reloaded.ParameterValues.ToArray());
        Assert.Equal(model.Predict(x).Data, reloaded.Predict(x).Data);
    }

    [Fact]
    public void AShapeDisagreementNamesTheTensorAndBothShapes()
    {
        string source = Path.Combine(_folder.Path, "in");
        NpyFile.Write(Path.Combine(source, "kernel.npy"), new Tensor(3, 12));
        NpyFile.Write(Path.Combine(source, "recurrent_kernel.npy"), new Tensor(4, 12));
        NpyFile.Write(Path.Combine(source, "bias.npy"), new Tensor(12));
        var layer = new Gru(4);
        new Sequential(layer).Build([5, 3]);

        var e = Assert.Throws<ModelFormatException>(() => KerasWeights.LoadInto(layer, source));

        Assert.Contains("'bias'", e.Message, StringComparison.Ordinal);
        Assert.Contains("(12)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 12)", e.Message, StringComparison.Ordinal);
        Assert.Contains("bias.npy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingKernelAndAnUnknownTensorAreRefused()
    {
        string source = Path.Combine(_folder.Path, "in");
        Directory.CreateDirectory(source);
        var layer = new SimpleRnn(2);
        new Sequential(layer).Build([5, 3]);
        Assert.Contains("'kernel'", Assert.Throws<ModelFormatException>(() => KerasWeights.LoadInto(layer, source)).Message, StringComparison.Ordinal);

        string file = _folder.File("w.safetensors");
        AtomicFile.Write(file, s => SafeTensorsFile.Write(
            s,
            [new("kernel", new SafeTensorsFile.Entry([3, 2], new float[6])), new("gamma", new SafeTensorsFile.Entry([2], new float[2]))],
            new Dictionary<string, string>()));
        Assert.Contains("'gamma'", Assert.Throws<ModelFormatException>(() => KerasWeights.LoadInto(layer, file)).Message, StringComparison.Ordinal);
    }

    private static RecurrentLayer Make(string cell) => cell switch
    {
        "gru" => new Gru(4),
        "gru_before" => new Gru(4, variant: GruVariant.ResetBefore),
        "lstm" => new Lstm(4),
        _ => new SimpleRnn(4),
    };
}
