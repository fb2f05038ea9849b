using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Serialization.Onnx;
using Gated.Tensors;
using Gated.Tests.Cli;
using Xunit;

namespace Gated.Tests.Serialization.Onnx;

/// <summary>Gated → ONNX → Gated keeps parameters and outputs; the ONNX files run in ONNX Runtime with Gated's outputs.</summary>
public sealed class OnnxExporterTests
{
    public static TheoryData<string> Models => [.. ModelsByName.Keys];

    private static readonly Dictionary<string, Func<Sequential>> ModelsByName = new()
    {
        ["gru_dense"] = () => Make([6, 3], new Gru(5), new Dense(2)),
        ["gru_reset_before_sigmoid"] = () => Make([6, 3], new Gru(4, new RecurrentOptions(), GruVariant.ResetBefore), new Dense(1), new Activation("sigmoid")),
        ["gru_stacked_sequences_tanh"] = () => Make([5, 2], new Gru(4, returnSequences: true), new Gru(3, returnSequences: true), new Dense(2), new Activation("tanh")),
        ["gru_go_backwards_last"] = () => Make([5, 3], new Gru(4, new RecurrentOptions { GoBackwards = true }), new Dense(2)),
        ["gru_go_backwards_sequence"] = () => Make([5, 3], new Gru(4, new RecurrentOptions { GoBackwards = true, ReturnSequences = true })),
        ["bidirectional_gru_sequence"] = () => Make([5, 3], new Bidirectional(new Gru(4, returnSequences: true)), new Dense(2)),
        ["bidirectional_lstm_last_softmax"] = () => Make([5, 3], new Bidirectional(new Lstm(3)), new Dense(4), new Activation("softmax")),
        ["lstm_separate_bias_relu"] = () => Make([4, 3], new Lstm(5, new RecurrentOptions(), separateRecurrentBias: true), new Dense(3), new Activation("relu")),
        ["rnn_relu_sequence"] = () => Make([4, 2], new SimpleRnn(3, new RecurrentOptions { ReturnSequences = true }, SimpleRnnActivation.Relu, separateRecurrentBias: true)),
        ["rnn_tanh_dense"] = () => Make([4, 2], new SimpleRnn(6), new Dense(2)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void RoundTripKeepsParametersAndOutputs(string name)
    {
        var model = ModelsByName[name]();
        var back = OnnxImporter.FromBytes(OnnxExporter.ToBytes(model));
        Assert.Equal(model.Layers.Select(l => l.TypeName), back.Layers.Select(l => l.TypeName));
        Assert.Equal(model.ParameterValues.ToArray(), back.ParameterValues.ToArray());
        var x = Input(3, 7, model.InputShape[1]);
        OnnxTestCase.AssertClose(model.Predict(x), back.Predict(x), 0);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void OnnxRuntimeMatchesGated(string name)
    {
        var model = ModelsByName[name]();
        using var folder = new TempFolder();
        string onnx = folder.File(name + ".onnx");
        OnnxExporter.Save(model, onnx);
        var x = Input(3, 7, model.InputShape[1]);
        OnnxTestCase.AssertClose(model.Predict(x), OnnxRuntime.Run(onnx, x), 1e-5);
    }

    [Fact]
    public void StatefulLayerIsRejectedByName()
    {
        var model = Make([4, 2], new Gru(3, new RecurrentOptions { Stateful = true }));
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(model));
        Assert.Contains("GRU (layer 0) with stateful", e.Message);
    }

    private static Sequential Make(int[] inputShape, params Layer[] layers)
    {
        var model = new Sequential(layers);
        model.Build(inputShape, seed: 11);
        // Non-zero biases everywhere, so a bias put in the wrong place shows.
        var random = new Random(3);
        var values = model.ParameterValues;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 1.6) - 0.8);
        }

        return model;
    }

    private static Tensor Input(int batch, int steps, int features)
    {
        var random = new Random(5);
        var x = new Tensor(batch, steps, features);
        for (int i = 0; i < x.Length; i++)
        {
            x.Data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return x;
    }
}
