using System.Text.Json;
using Gated.IO;
using Gated.Serialization.Onnx;
using Gated.Serialization;
using Gated.Tests.Data;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Serialization.Onnx;

/// <summary>Models exported by torch.onnx.export (Fixtures/make_onnx_fixtures.py) run in Gated as in PyTorch.</summary>
public sealed class OnnxImporterTests
{
    [Theory]
    [InlineData("gru_last_linear")]
    [InlineData("gru_hn_linear_sigmoid")]
    [InlineData("gru_stacked_sequence")]
    [InlineData("gru_bidirectional_sequence")]
    [InlineData("lstm_last_linear")]
    [InlineData("lstm_stacked_hn")]
    [InlineData("rnn_tanh_last_linear")]
    [InlineData("rnn_relu_sequence")]
    [InlineData("lstm_softmax_head")]
    public void PyTorchExportMatchesPyTorch(string name)
    {
        var model = OnnxImporter.Load(RepoFiles.Find($"tests/Gated.Tests/Fixtures/onnx/{name}.onnx"));
        using var json = JsonDocument.Parse(File.ReadAllText(RepoFiles.Find($"tests/Gated.Tests/Fixtures/onnx/{name}.json")));
        foreach (var c in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            var x = OnnxTestCase.Read(c.GetProperty("input"));
            OnnxTestCase.AssertClose(OnnxTestCase.Read(c.GetProperty("output")), model.Predict(x), 1e-5);
        }
    }

    [Fact]
    public void UnsupportedOperatorNamesTheNode()
    {
        byte[] bytes = File.ReadAllBytes(RepoFiles.Find("tests/Gated.Tests/Fixtures/onnx/gru_hn_linear_sigmoid.onnx"));
        // Same length, another operator: Sigmoid → HardSi ("HardSi" is no ONNX operator either way).
        byte[] patched = Replace(bytes, "Sigmoid"u8.ToArray(), "Sigmoix"u8.ToArray());
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.FromBytes(patched, "m.onnx"));
        Assert.Contains("(Sigmoix)", e.Message);
        Assert.Contains("m.onnx", e.Message);
    }

    [Fact]
    public void HostileBytesFailCleanly()
    {
        byte[] good = File.ReadAllBytes(RepoFiles.Find("tests/Gated.Tests/Fixtures/onnx/gru_last_linear.onnx"));
        var random = new Random(7);
        for (int cut = 0; cut < good.Length; cut += Math.Max(1, good.Length / 97))
        {
            AssertRejectsOrReads(good[..cut]);
        }

        for (int trial = 0; trial < 300; trial++)
        {
            byte[] bad = (byte[])good.Clone();
            for (int k = 0; k < 3; k++)
            {
                bad[random.Next(bad.Length)] = (byte)random.Next(256);
            }

            AssertRejectsOrReads(bad);
        }

        // Graph field (7) claiming 2^31−1 bytes; an initializer with a wrong wire type.
        AssertRejects([0x3a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00]);
        AssertRejects([0x3a, 0x02, 0x2d, 0x00]);
        AssertRejects([0x08]);
    }

    private static void AssertRejects(byte[] bytes) => Assert.Throws<ModelFormatException>(() => OnnxImporter.FromBytes(bytes));

    private static void AssertRejectsOrReads(byte[] bytes)
    {
        try
        {
            OnnxImporter.FromBytes(bytes);
        }
        catch (ModelFormatException)
        {
        }
    }

    private static byte[] Replace(byte[] data, byte[] from, byte[] to)
    {
        byte[] copy = (byte[])data.Clone();
        for (int i = 0; i + from.Length <= copy.Length; i++)
        {
            if (copy.AsSpan(i, from.Length).SequenceEqual(from))
            {
                to.CopyTo(copy, i);
            }
        }

        return copy;
    }
}
