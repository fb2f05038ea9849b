using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Serialization.Onnx;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Xunit;

namespace Gated.Tests.Serialization.Onnx;

/// <summary>Embedding(maskZero) models export their mask as sequence_lens; on post-padded tokens ONNX Runtime matches Gated.</summary>
public sealed class OnnxMaskedExportTests
{
    public static TheoryData<string> Models => [.. ModelsByName.Keys];

    private static readonly Dictionary<string, Func<Sequential>> ModelsByName = new()
    {
        ["masked_gru_sequence_gru_dense"] = () => Make(new Embedding(9, 4, maskZero: true), new Gru(5, returnSequences: true), new Gru(3), new Dense(2)),
        ["masked_bidirectional_lstm_dense"] = () => Make(new Embedding(9, 4, maskZero: true), new Bidirectional(new Lstm(3)), new Dense(2)),
        ["masked_bidirectional_gru_sequence_dense"] = () => Make(new Embedding(9, 3, maskZero: true), new Bidirectional(new Gru(4, returnSequences: true)), new Dense(2)),
        ["masked_rnn_sequence_dropout_lstm"] = () => Make(new Embedding(9, 3, maskZero: true), new SimpleRnn(4, new RecurrentOptions { ReturnSequences = true }), new Dropout(0.5f), new Lstm(3), new Dense(1), new Activation("sigmoid")),
        ["masked_gru_go_backwards_sequence"] = () => Make(new Embedding(9, 3, maskZero: true), new Gru(4, new RecurrentOptions { GoBackwards = true, ReturnSequences = true }), new Dense(2)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void OnnxRuntimeMatchesGatedOnPostPaddedTokens(string name)
    {
        var model = ModelsByName[name]();
        using var folder = new TempFolder();
        string onnx = folder.File(name + ".onnx");
        OnnxExporter.Save(model, onnx);
        var x = PostPadded([7, 3, 1, 5], steps: 7);
        var expected = model.Predict(x);
        OnnxTestCase.AssertClose(expected, OnnxRuntime.Run(onnx, x), 1e-5);

        // The mask matters here: without it Gated's output differs, so the match above is not by accident.
        var unmaskedTokens = x.Clone();
        for (int i = 0; i < unmaskedTokens.Length; i++)
        {
            unmaskedTokens.Data[i] = unmaskedTokens.Data[i] == 0 ? 8 : unmaskedTokens.Data[i];
        }

        Assert.NotEqual(expected.Data, model.Predict(unmaskedTokens).Data);
    }

    [Fact]
    public void EveryRecurrentNodeTheMaskReachesGetsSequenceLengths()
    {
        var model = ModelsByName["masked_gru_sequence_gru_dense"]();
        var graph = OnnxModel.Parse(OnnxExporter.ToBytes(model), "m.onnx").Graph!;
        var cells = graph.Nodes.Where(n => n.OpType == "GRU").ToList();
        Assert.Equal(2, cells.Count);
        Assert.All(cells, c => Assert.Equal("sequence_lens", c.Inputs[4]));
        Assert.Contains(graph.Nodes, n => n.OpType == "ReduceSum" && n.Outputs[0] == "sequence_lens");
    }

    [Fact]
    public void UnmaskedEmbeddingHasNoSequenceLengths()
    {
        var model = Make(new Embedding(9, 4), new Gru(3), new Dense(2));
        var graph = OnnxModel.Parse(OnnxExporter.ToBytes(model), "m.onnx").Graph!;
        Assert.Equal(4, graph.Nodes.Single(n => n.OpType == "GRU").Inputs.Count);
        Assert.DoesNotContain(graph.Nodes, n => n.OpType == "ReduceSum");
    }

    [Fact]
    public void TheImporterRejectsAMaskedExportWithOneLine()
    {
        var model = ModelsByName["masked_gru_sequence_gru_dense"]();
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.FromBytes(OnnxExporter.ToBytes(model), "masked.onnx"));
        Assert.StartsWith("masked.onnx: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static Sequential Make(params Layer[] layers)
    {
        var model = new Sequential(layers);
        model.Build([7], seed: 11);
        var random = new Random(3);
        var values = model.ParameterValues;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 1.6) - 0.8);
        }

        return model;
    }

    // Each row: its length in tokens from 1..8, then zeros.
    private static Tensor PostPadded(int[] lengths, int steps)
    {
        var random = new Random(5);
        var x = new Tensor(lengths.Length, steps);
        for (int b = 0; b < lengths.Length; b++)
        {
            for (int t = 0; t < lengths[b]; t++)
            {
                x.Data[(b * steps) + t] = random.Next(1, 9);
            }
        }

        return x;
    }
}
