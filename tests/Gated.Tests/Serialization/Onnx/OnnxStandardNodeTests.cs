using System.Text.Json;
using Gated.IO;
using Gated.Serialization.Onnx;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Serialization.Onnx;

/// <summary>
/// Standard single-node GRU, LSTM and RNN graphs (Fixtures/make_onnx_operator_fixtures.py, references from ONNX's own
/// operator-test helpers or the spec's equations in numpy, checked in ONNX Runtime there) read by OnnxImporter.LoadGraph
/// and run in Gated to 1e-5: on Gated's layers, or on the reference path for what the layers lack, which
/// OnnxImporter.Load (a Gated model) refuses with one line.
/// </summary>
public sealed class OnnxStandardNodeTests
{
    public static TheoryData<string> Cases()
    {
        string folder = Path.GetDirectoryName(RepoFiles.Find("tests/Gated.Tests/Fixtures/onnx-operator/gru_lbr0_forward.json"))!;
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StandardNodeMatchesReference(string name)
    {
        string path = RepoFiles.Find($"tests/Gated.Tests/Fixtures/onnx-operator/{name}.onnx");
        using var json = JsonDocument.Parse(File.ReadAllText(RepoFiles.Find($"tests/Gated.Tests/Fixtures/onnx-operator/{name}.json")));
        var root = json.RootElement;
        if (root.TryGetProperty("refused", out var refused))
        {
            // Older cases of what the layers lack: Load refuses them, LoadGraph runs them on the reference path.
            var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Load(path));
            Assert.Equal($"{path}: {refused.GetString()}", e.Message);
            Assert.True(OnnxImporter.LoadGraph(path).UsesReferencePath);
            return;
        }

        var graph = OnnxImporter.LoadGraph(path);
        bool referencePath = root.TryGetProperty("reference_path", out var flag) && flag.GetBoolean();
        Assert.Equal(referencePath, graph.UsesReferencePath);
        var convert = Assert.Throws<ModelFormatException>(() => OnnxImporter.Load(path));
        if (referencePath)
        {
            Assert.Equal($"{path}: {root.GetProperty("convert_refused").GetString()}", convert.Message);
        }

        var inputs = root.GetProperty("inputs").EnumerateObject().ToDictionary(p => p.Name, p => OnnxTestCase.Read(p.Value));
        var x = inputs["X"];
        inputs.Remove("X");
        var outputs = graph.Run(x, inputs);
        var expected = root.GetProperty("outputs").EnumerateObject().ToList();
        Assert.Equal(expected.Select(p => p.Name), graph.OutputNames);
        foreach (var p in expected)
        {
            OnnxTestCase.AssertClose(OnnxTestCase.Read(p.Value), outputs[p.Name], 1e-5);
        }
    }

    [Fact]
    public void SingleNodeGraphIsNotAChainOfLayers()
    {
        string path = RepoFiles.Find("tests/Gated.Tests/Fixtures/onnx-operator/gru_lbr0_forward.onnx");
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Load(path));
        Assert.Equal($"{path}: the graph is one GRU node with outputs Y, Y_h, not a chain of layers; read it with OnnxImporter.LoadGraph", e.Message);
    }

    [Fact]
    public void UnknownActivationFailsWithOneLine()
    {
        byte[] data = File.ReadAllBytes(RepoFiles.Find("tests/Gated.Tests/Fixtures/onnx-operator/rnn_sigmoid_reverse.onnx"));
        var model = OnnxModel.Parse(data, "m");
        model.Graph!.Nodes[0].Attribute("activations")!.Strings[0] = "Swish";
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.GraphFromBytes(model.ToBytes(), "m.onnx"));
        Assert.StartsWith("m.onnx: node 'Y' (RNN): attribute 'activations' names 'Swish', which is not an ONNX activation function", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void GraphsTheLayersExpressDoNotUseTheReferencePath()
    {
        Assert.False(OnnxImporter.LoadGraph(RepoFiles.Find("tests/Gated.Tests/Fixtures/onnx-operator/lstm_zero_peepholes.onnx")).UsesReferencePath);
        Assert.True(OnnxImporter.LoadGraph(RepoFiles.Find("tests/Gated.Tests/Fixtures/onnx-operator/lstm_peepholes.onnx")).UsesReferencePath);
    }

    [Fact]
    public void MissingOptionalInputsStartFromZeroAndCountEveryStep()
    {
        var graph = OnnxImporter.LoadGraph(RepoFiles.Find("tests/Gated.Tests/Fixtures/onnx-operator/gru_lbr0_bidirectional_initial_h_input.onnx"));
        Assert.Equal(["initial_h"], graph.OptionalInputs);
        Assert.True(graph.TimeMajor);
        var x = new Tensor(6, 3, 4);
        x.Data.AsSpan().Fill(0.5f);
        var zero = graph.Run(x, new Dictionary<string, Tensor> { ["initial_h"] = new Tensor(2, 3, 5) });
        var missing = graph.Run(x);
        Assert.Equal(zero["Y"].Data, missing["Y"].Data);
        Assert.Throws<ArgumentException>(() => graph.Run(x, new Dictionary<string, Tensor> { ["initial_c"] = new Tensor(2, 3, 5) }));
    }
}
