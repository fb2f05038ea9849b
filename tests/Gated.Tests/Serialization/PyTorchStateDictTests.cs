using System.Buffers.Binary;
using System.Text.Json;
using System.Text;
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

public sealed class PyTorchStateDictTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Interop => PyTorchFixture.FolderPath("interop");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in ReadCases().Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryPyTorchFixtureGivesPyTorchsOutputs(string name)
    {
        var (head, nonlinearity) = ReadCases()[name];
        var model = PyTorchStateDict.Load(Path.Combine(Interop, name + ".safetensors"), head, nonlinearity);
        var x = NpyFile.Read(Path.Combine(Interop, name + "_x.npy"));
        var expected = NpyFile.Read(Path.Combine(Interop, name + "_y.npy"));

        var y = model.Predict(x);

        Assert.Equal(expected.Shape, y.Shape);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(y.Data[i] - expected.Data[i]) <= 1e-5, $"{name}[{i}]: {y.Data[i]} vs PyTorch {expected.Data[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SavingALoadedFixtureWritesTheSameTensors(string name)
    {
        var (head, nonlinearity) = ReadCases()[name];
        var original = ReadTensors(Path.Combine(Interop, name + ".safetensors"));
        var model = PyTorchStateDict.Load(Path.Combine(Interop, name + ".safetensors"), head, nonlinearity);
        string path = _folder.File(name + ".safetensors");

        PyTorchStateDict.Save(model, path);
        var saved = ReadTensors(path);
        var reloaded = PyTorchStateDict.Load(path, head, nonlinearity);

        Assert.Equal(model.ParameterValues.ToArray(), reloaded.ParameterValues.ToArray());
        foreach (var (key, entry) in original)
        {
            // Module names become rnn. and fc.; a module without bias saves zeros.
            string leaf = key[(key.LastIndexOf('.') + 1)..];
            string savedName = (leaf.Contains("_l", StringComparison.Ordinal) ? PyTorchStateDict.RecurrentPrefix : PyTorchStateDict.LinearPrefix) + leaf;
            Assert.Equal(entry.Shape, saved[savedName].Shape);
            Assert.Equal(entry.Data, saved[savedName].Data);
        }
    }

    [Theory]
    [InlineData("gru", false, 1, PyTorchHead.Last)]
    [InlineData("gru", true, 2, PyTorchHead.All)]
    [InlineData("lstm", true, 1, PyTorchHead.Last)]
    [InlineData("lstm_keras", false, 2, PyTorchHead.All)]
    [InlineData("rnn", false, 3, PyTorchHead.Last)]
    [InlineData("rnn_keras", true, 1, PyTorchHead.All)]
    public void GatedModelsRoundTripThroughAStateDict(string cell, bool bidirectional, int layers, PyTorchHead head)
    {
        var stack = new List<Layer>();
        for (int k = 0; k < layers; k++)
        {
            var options = new RecurrentOptions { ReturnSequences = k < layers - 1 || head == PyTorchHead.All, Init = WeightInit.PyTorch };
            RecurrentLayer layer = cell switch
            {
                "gru" => new Gru(4, options),
                "lstm" => new Lstm(4, options, separateRecurrentBias: true),
                "lstm_keras" => new Lstm(4, options),
                "rnn" => new SimpleRnn(4, options, separateRecurrentBias: true),
                _ => new SimpleRnn(4, options),
            };
            stack.Add(bidirectional ? new Bidirectional(layer) : layer);
        }

        stack.Add(new Dense(2));
        var model = new Sequential(stack);
        model.Build([5, 3], seed: 4);
        var random = new SeededRandom(8);
        foreach (ref float value in model.ParameterValues)
        {
            value = random.NextUniform(-0.8f, 0.8f);
        }

        var x = TestData.UniformTensor(new SeededRandom(2), 1.5, 2, 5, 3);
        string path = _folder.File("m.safetensors");

        PyTorchStateDict.Save(model, path);
        var loaded = PyTorchStateDict.Load(path, head);

        var expected = model.Predict(x);
        var actual = loaded.Predict(x);
        Assert.Equal(expected.Shape, actual.Shape);
        if (cell.EndsWith("_keras", StringComparison.Ordinal))
        {
            // One Keras bias becomes b_ih plus a zero b_hh: the same sums, so outputs agree to rounding.
            NumericAssert.Close(expected.Data, actual.Data, 1e-6, 0, "outputs");
        }
        else
        {
            Assert.Equal(model.ParameterValues.ToArray(), loaded.ParameterValues.ToArray());
            Assert.Equal(expected.Data, actual.Data);
        }
    }

    [Fact]
    public void AResetBeforeGruCannotBeSaved()
    {
        var model = new Sequential(new Gru(3, variant: GruVariant.ResetBefore));
        model.Build([2, 2]);
        var e = Assert.Throws<NotSupportedException>(() => PyTorchStateDict.Save(model, _folder.File("m.safetensors")));
        Assert.Contains("reset-after", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.File("m.safetensors")));
    }

    [Fact]
    public void ModelsPyTorchCannotExpressAreRefused()
    {
        Assert.Throws<NotSupportedException>(() => Save(new Gru(3, returnSequences: true), new Dense(2), new Dense(1)));
        Assert.Throws<NotSupportedException>(() => Save(new Gru(3, returnSequences: true), new Gru(4)));
        Assert.Throws<NotSupportedException>(() => Save(new Gru(3, returnSequences: true), new Lstm(3)));
        Assert.Throws<NotSupportedException>(() => Save(new Bidirectional(new Gru(3), BidirectionalMerge.Sum)));
        Assert.Throws<NotSupportedException>(() => Save(new Gru(3, new RecurrentOptions { GoBackwards = true })));
        Assert.Throws<NotSupportedException>(() => Save(new Dense(2)));
    }

    public static TheoryData<string, string> HostileStateDicts() => new()
    {
        { "rnn.weight_ih_l0 (15, 3); rnn.weight_hh_l0 (15, 5); fc.weight (2, 5); head.weight (2, 5)", "head.weight" },
        { "rnn.weight_ih_l0 (15, 3); rnn.weight_hh_l0 (15, 5); rnn.weight_ih_l1 (15, 5)", "rnn.weight_hh_l1" },
        { "rnn.weight_ih_l0 (15, 3); rnn.weight_hh_l0 (15, 5); rnn.bias_ih_l0 (15)", "rnn.bias_hh_l0" },
        { "rnn.weight_ih_l0 (15, 3); rnn.weight_hh_l0 (15, 5); rnn.weight_ih_l0_reverse (15, 3); rnn.weight_hh_l0_reverse (15, 5); rnn.weight_ih_l1 (15, 5); rnn.weight_hh_l1 (15, 5)", "rnn.weight_ih_l1" },
        { "rnn.weight_ih_l0 (15, 3); rnn.weight_hh_l0 (15, 4)", "rnn.weight_hh_l0" },
        { "rnn.weight_ih_l0 (12, 3); rnn.weight_hh_l0 (15, 5)", "rnn.weight_ih_l0" },
        { "rnn.weight_ih_l0 (15, 3); rnn.weight_hh_l0 (15, 5); rnn.bias_ih_l0 (15); rnn.bias_hh_l0 (14)", "rnn.bias_hh_l0" },
        { "rnn.weight_ih_l0 (15, 3); rnn.weight_hh_l0 (15, 5); fc.weight (2, 6)", "fc.weight" },
        { "rnn.weight_ih_l0 (15, 3); rnn.weight_hh_l0 (15, 5); fc.weight (2, 5); fc.bias (3)", "fc.bias" },
        { "rnn.weight_ih_l0 (15, 3); rnn.weight_hh_l0 (15, 5); fc.bias (2)", "fc.bias" },
        { "rnn.weight_ih_l0 (15, 3); rnn.weight_hh_l0 (15, 5); rnn.weight_hr_l0 (5, 5)", "rnn.weight_hr_l0" },
        { "rnn.weight_ih_l0 (15, 3); rnn.weight_hh_l0 (15, 5); other.weight_ih_l0 (15, 3); other.weight_hh_l0 (15, 5)", "rnn.weight_ih_l0" },
        { "fc.weight (2, 5)", "weight_ih_l0" },
        { "rnn.weight_ih_l0 (15, 3); rnn.weight_hh_l0 (15, 5); fc.weight F16 (2, 5)", "fc.weight" },
    };

    [Theory]
    [MemberData(nameof(HostileStateDicts))]
    public void MalformedStateDictsThrowModelFormatExceptionNamingTheTensor(string description, string culprit)
    {
        var bytes = StateDict(description);
        var e = Assert.Throws<ModelFormatException>(() => PyTorchStateDict.Load(bytes, "bad.safetensors"));
        Assert.StartsWith("bad.safetensors: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(culprit, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomMutationsOnlyEverThrowModelFormatException()
    {
        var valid = File.ReadAllBytes(Path.Combine(Interop, "gru_bidirectional.safetensors"));
        int failures = NpyFileFuzz.Run(valid, seed: 12, iterations: 2000, bytes => PyTorchStateDict.Load(bytes, "fuzz.safetensors"));
        Assert.True(failures > 100, $"only {failures} mutations were rejected");
    }

    private void Save(params Layer[] layers)
    {
        var model = new Sequential(layers);
        model.Build([4, 2]);
        PyTorchStateDict.Save(model, _folder.File("refused.safetensors"));
    }

    /// <summary>A safetensors file from "name [dtype] (d0, d1); …", every value 0.1.</summary>
    private static byte[] StateDict(string description)
    {
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (string item in description.Split("; "))
        {
            string[] parts = item.Split(' ', 2);
            string dtype = parts[1].StartsWith("F16", StringComparison.Ordinal) ? "F16" : "F32";
            int[] shape = parts[1][(parts[1].IndexOf('(') + 1)..parts[1].IndexOf(')')].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            long bytes = shape.Aggregate(1L, (a, d) => a * d) * (dtype == "F16" ? 2 : 4);
            header[parts[0]] = new { dtype, shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        var file = new byte[8 + json.Length + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        for (long i = 8 + json.Length; i + 4 <= file.Length; i += 4)
        {
            BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan((int)i), 0.1f);
        }

        return file;
    }

    private static Dictionary<string, SafeTensorsFile.Entry> ReadTensors(string path) =>
        SafeTensorsFile.Read(File.ReadAllBytes(path), path).Tensors;

    private static Dictionary<string, (PyTorchHead Head, SimpleRnnActivation Nonlinearity)> ReadCases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Interop, "cases.json"), Encoding.UTF8));
        return document.RootElement.EnumerateObject().ToDictionary(
            c => c.Name,
            c => (c.Value.GetProperty("head").GetString() == "all" ? PyTorchHead.All : PyTorchHead.Last,
                  c.Value.GetProperty("nonlinearity").GetString() == "relu" ? SimpleRnnActivation.Relu : SimpleRnnActivation.Tanh));
    }
}
