using System.Text.Json;
using Gated.IO;
using Gated.Serialization.Onnx;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Serialization.Onnx;

/// <summary>
/// torch.onnx.export with batch_first False and True, static and dynamic axes, and the usual heads
/// (Fixtures/make_onnx_pytorch_layouts.py), among them the mean over time (TimeMean) and the last step of a bidirectional
/// layer (LastStep): run in Gated in the graph's own layout as in PyTorch, or refused in one line.
/// </summary>
public sealed class OnnxPyTorchLayoutTests
{
    [Theory]
    [InlineData("gru_time_major_dynamic_last")]
    [InlineData("gru_time_major_static_hn")]
    [InlineData("gru_batch_first_static_last")]
    [InlineData("gru_batch_first_dynamic_cat_bidirectional")]
    [InlineData("lstm_time_major_static_cat_bidirectional")]
    [InlineData("lstm_time_major_dynamic_sequence")]
    [InlineData("lstm_batch_first_static_hn")]
    [InlineData("rnn_time_major_static_last")]
    [InlineData("rnn_batch_first_dynamic_cat_bidirectional")]
    [InlineData("gru_time_major_dynamic_mean")]
    [InlineData("gru_batch_first_static_last_bidirectional")]
    [InlineData("gru_batch_first_dynamic_mean")]
    [InlineData("lstm_time_major_dynamic_mean")]
    [InlineData("lstm_batch_first_dynamic_mean")]
    [InlineData("gru_batch_first_dynamic_mean_bidirectional")]
    [InlineData("gru_batch_first_dynamic_last_bidirectional")]
    [InlineData("gru_time_major_dynamic_last_bidirectional")]
    [InlineData("lstm_batch_first_dynamic_last_bidirectional")]
    [InlineData("lstm_time_major_dynamic_last_bidirectional")]
    [InlineData("gru_batch_first_dynamic_mean_keepdim")]
    [InlineData("gru_batch_first_dynamic_mean_features")]
    public void ExportMatchesPyTorch(string name)
    {
        string path = RepoFiles.Find($"tests/Gated.Tests/Fixtures/onnx-pytorch/{name}.onnx");
        using var json = JsonDocument.Parse(File.ReadAllText(RepoFiles.Find($"tests/Gated.Tests/Fixtures/onnx-pytorch/{name}.json")));
        var root = json.RootElement;
        if (root.TryGetProperty("refused", out var refused))
        {
            var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.LoadGraph(path));
            Assert.Equal($"{path}: {refused.GetString()}", e.Message);
            return;
        }

        var graph = OnnxImporter.LoadGraph(path);
        Assert.Equal(name.Contains("time_major", StringComparison.Ordinal), graph.TimeMajor);
        OnnxTestCase.AssertClose(OnnxTestCase.Read(root.GetProperty("output")), graph.Predict(OnnxTestCase.Read(root.GetProperty("input"))), 1e-5);
    }
}
