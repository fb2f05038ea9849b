using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.TestSupport;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// GatedModelFile.Save / Load of models holding LSTM, SimpleRNN and Bidirectional(GRU / LSTM / SimpleRNN) with non-default
/// options (goBackwards, dropout, reset before, ReLU, separateRecurrentBias, PyTorch init, every merge): the loaded
/// model has the same layers, options, parameter names and values, and predicts exactly the same.
/// </summary>
public sealed class RecurrentModelFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Models => new("lstm_simple_rnn_bidirectional_gru", "stacked_bidirectionals");

    [Theory]
    [MemberData(nameof(Models))]
    public void ALoadedModelIsTheSameModel(string name)
    {
        var model = Create(name);
        model.Build([6, 3], seed: 17);
        var x = TestData.UniformTensor(new SeededRandom(5), 1.0, 4, 6, 3);
        string path = _folder.File(name + ".safetensors");
        GatedModelFile.Save(path, model);

        var (loaded, _) = GatedModelFile.Load(path);

        Assert.Equal(model.Layers.Select(l => l.TypeName), loaded.Layers.Select(l => l.TypeName));
        for (int i = 0; i < model.Layers.Count; i++)
        {
            Assert.Equal(model.Layers[i].GetConfig(), loaded.Layers[i].GetConfig());
            Assert.Equal(model.Layers[i].Parameters.Select(p => (p.FullName, string.Join(",", p.Shape))), loaded.Layers[i].Parameters.Select(p => (p.FullName, string.Join(",", p.Shape))));
            foreach (var (saved, restored) in Recurrent(model.Layers[i]).Zip(Recurrent(loaded.Layers[i])))
            {
                Assert.Equal(saved.GetType(), restored.GetType());
                Assert.Equal(saved.Options, restored.Options);
            }
        }

        Assert.Equal(model.ParameterValues.ToArray(), loaded.ParameterValues.ToArray());
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Assert.Equal(model.Summary(), loaded.Summary());
    }

    [Fact]
    public void TheOptionsSurviveExactly()
    {
        var model = Create("lstm_simple_rnn_bidirectional_gru");
        model.Build([6, 3], seed: 1);
        string path = _folder.File("options.safetensors");
        GatedModelFile.Save(path, model);
        var (loaded, _) = GatedModelFile.Load(path);

        var lstm = Assert.IsType<Lstm>(loaded.Layers[0]);
        Assert.True(lstm.SeparateRecurrentBias);
        Assert.Equal(new RecurrentOptions { ReturnSequences = true, GoBackwards = true, Dropout = 0.2f, RecurrentDropout = 0.3f, Init = WeightInit.PyTorch }, lstm.Options);
        var rnn = Assert.IsType<SimpleRnn>(loaded.Layers[1]);
        Assert.Equal(SimpleRnnActivation.Relu, rnn.Activation);
        Assert.True(rnn.SeparateRecurrentBias);
        var bi = Assert.IsType<Bidirectional>(loaded.Layers[2]);
        Assert.Equal(BidirectionalMerge.Sum, bi.Merge);
        Assert.Equal(GruVariant.ResetBefore, Assert.IsType<Gru>(bi.ForwardLayer).Variant);
        Assert.Equal(GruVariant.ResetBefore, Assert.IsType<Gru>(bi.BackwardLayer).Variant);
        Assert.True(bi.ForwardLayer.Options.GoBackwards);
        Assert.False(bi.BackwardLayer.Options.GoBackwards);
        Assert.Equal(0.25f, bi.BackwardLayer.Options.RecurrentDropout);
    }

    /// <summary>
    /// A training checkpoint restores every layer's dropout generator (TrainingCheckpoint's contract), so one more
    /// training step after Restore equals the step the original model takes: for a plain LSTM and inside Bidirectional.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACheckpointResumesDropoutExactly(bool bidirectional)
    {
        Sequential Make()
        {
            var lstm = new Lstm(4, new RecurrentOptions { Dropout = 0.3f, RecurrentDropout = 0.3f });
            var model = new Sequential(bidirectional ? new Bidirectional(lstm) : lstm, new Dense(1));
            model.Build([5, 2], seed: 1);
            model.Compile(new Sgd(0.1f), Loss.MeanSquaredError);
            return model;
        }

        var random = new SeededRandom(2);
        var x = TestData.UniformTensor(random, 1.0, 8, 5, 2);
        var y = TestData.UniformTensor(random, 1.0, 8, 1);
        var original = Make();
        original.TrainOnBatch(x, y);
        string path = _folder.File($"checkpoint-{bidirectional}.safetensors");
        TrainingCheckpoint.Save(path, original);
        original.TrainOnBatch(x, y);

        var resumed = Make();
        TrainingCheckpoint.Restore(path, resumed);
        resumed.TrainOnBatch(x, y);
        Assert.Equal(original.ParameterValues.ToArray(), resumed.ParameterValues.ToArray());
    }

    private static Sequential Create(string name) => name switch
    {
        "lstm_simple_rnn_bidirectional_gru" => new Sequential(
            new Lstm(6, new RecurrentOptions { ReturnSequences = true, GoBackwards = true, Dropout = 0.2f, RecurrentDropout = 0.3f, Init = WeightInit.PyTorch }, separateRecurrentBias: true),
            new SimpleRnn(5, new RecurrentOptions { ReturnSequences = true, Dropout = 0.1f }, SimpleRnnActivation.Relu, separateRecurrentBias: true),
            new Bidirectional(new Gru(4, new RecurrentOptions { GoBackwards = true, RecurrentDropout = 0.25f }, GruVariant.ResetBefore), BidirectionalMerge.Sum),
            new Dense(2)),
        "stacked_bidirectionals" => new Sequential(
            new Bidirectional(new Lstm(3, new RecurrentOptions { ReturnSequences = true }, separateRecurrentBias: true), BidirectionalMerge.Concat),
            new Bidirectional(new SimpleRnn(4, new RecurrentOptions { ReturnSequences = true, GoBackwards = true }), BidirectionalMerge.Mul),
            new Bidirectional(new Gru(2, new RecurrentOptions { ReturnSequences = true, Init = WeightInit.PyTorch }), BidirectionalMerge.Concat),
            new Bidirectional(new Lstm(2, new RecurrentOptions { Dropout = 0.5f }), BidirectionalMerge.Average),
            new Dense(1)),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    private static IEnumerable<RecurrentLayer> Recurrent(Layer layer) => layer switch
    {
        RecurrentLayer r => [r],
        Bidirectional b => [b.ForwardLayer, b.BackwardLayer],
        _ => [],
    };
}
