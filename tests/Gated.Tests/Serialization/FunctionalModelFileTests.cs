using Gated.IO;
using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.TestSupport;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Serialization;

/// <summary>
/// Functional models in Gated model files: save → load → predict gives the same bits (two inputs, two outputs, an
/// encoder's states starting a decoder, a shared layer, names kept), the loaded model trains on as the original does,
/// and files that do not describe a graph (or hold the other kind of model) are refused with one line.
/// </summary>
public sealed class FunctionalModelFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void SaveLoadPredictIsIdentical()
    {
        var (model, inputs) = Graph(seed: 4);
        string path = _folder.File("graph.safetensors");
        GatedModelFile.Save(path, model, new Dictionary<string, string> { ["note"] = "kept" });
        var (loaded, metadata) = GatedModelFile.LoadFunctional(path);

        Assert.Equal("kept", metadata["note"]);
        Assert.Equal(model.InputNames, loaded.InputNames);
        Assert.Equal(model.OutputNames, loaded.OutputNames);
        Assert.Equal(model.Summary(), loaded.Summary());
        Assert.Equal(model.ParameterValues.ToArray(), loaded.ParameterValues.ToArray());
        var expected = model.Predict(inputs);
        var actual = loaded.Predict(inputs);
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k].Data, actual[k].Data);
        }

        // Training continues identically from the file.
        var targets = expected.Select(t => new Tensor(t.Data.Select(v => v + 0.5f).ToArray(), t.Shape)).ToArray();
        foreach (var m in new[] { model, loaded })
        {
            m.Compile(new Adam(0.01f), [Loss.MeanSquaredError, Loss.MeanAbsoluteError], [1.0, 0.5]);
            m.Fit(inputs, targets, epochs: 2, batchSize: 3, seed: 1);
        }

        Assert.Equal(model.ParameterValues.ToArray(), loaded.ParameterValues.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnAttentionEncoderDecoderLoadsIdentically(bool additive)
    {
        var (model, inputs) = Gated.Tests.Models.ModelTests.AttentionGraph(additive, seed: 5);
        string path = _folder.File("attention.safetensors");
        GatedModelFile.Save(path, model);
        var (loaded, _) = GatedModelFile.LoadFunctional(path);
        Assert.Equal(model.Summary(), loaded.Summary());
        Assert.Equal(model.Predict(inputs)[0].Data, loaded.Predict(inputs)[0].Data);
    }

    [Fact]
    public void TheOtherKindOfModelIsRefusedWithTheWayToLoadIt()
    {
        var (model, _) = Graph(seed: 1);
        string graphPath = _folder.File("graph.safetensors");
        GatedModelFile.Save(graphPath, model);
        var e = Assert.Throws<ModelFormatException>(() => GatedModelFile.Load(graphPath));
        Assert.Contains("LoadFunctional", e.Message, StringComparison.Ordinal);

        var sequential = new Sequential(new Dense(2));
        sequential.Build([3]);
        string chainPath = _folder.File("chain.safetensors");
        GatedModelFile.Save(chainPath, sequential);
        e = Assert.Throws<ModelFormatException>(() => GatedModelFile.LoadFunctional(chainPath));
        Assert.Contains("GatedModelFile.Load", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"outputs\":[{\"call\":2", "\"outputs\":[{\"call\":9", "does not exist before it")]
    [InlineData("\"layer\":1", "\"layer\":7", "no valid layer")]
    [InlineData("\"shape\":[4,3]", "\"shape\":[4,5]", "the architecture needs (5, 20)")]
    [InlineData("\"shape\":[2,2]", "\"shape\":[2,0]", "does not fit together")]
    public void ABrokenGraphIsOneLine(string find, string replace, string expected)
    {
        var (model, _) = Graph(seed: 1);
        string path = _folder.File("graph.safetensors");
        GatedModelFile.Save(path, model);
        var (tensors, metadata) = SafeTensorsFile.Read(File.ReadAllBytes(path), path);
        string json = metadata[GatedModelFile.ArchitectureKey];
        Assert.Contains(find, json, StringComparison.Ordinal);
        metadata[GatedModelFile.ArchitectureKey] = json.Replace(find, replace, StringComparison.Ordinal);
        using (var stream = File.Create(path))
        {
            SafeTensorsFile.Write(stream, tensors.ToList(), metadata);
        }

        var e = Assert.Throws<ModelFormatException>(() => GatedModelFile.LoadFunctional(path));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    // source (4, 3) → LSTM encoder with return_state; its h and c start an LSTM decoder on target (2, 2); a shared
    // Dense(3) reads the encoder's h and the decoder's output (two outputs).
    private static (Model Model, Tensor[] Inputs) Graph(ulong seed)
    {
        var source = new Input([4, 3], "source");
        var target = new Input([2, 2], "target");
        var encoder = new Lstm(5, new RecurrentOptions { ReturnState = true }) { Name = "encoder" };
        var states = encoder.CallMultiple(source);
        var decoded = new Lstm(5).Call(target, states[1], states[2]);
        var shared = new Dense(3) { Name = "head" };
        var model = new Model([source, target], [shared.Call(states[1]), shared.Call(decoded)], seed);
        var random = new SeededRandom(seed + 1);
        return (model, [TestData.UniformTensor(random, 1.0, 6, 4, 3), TestData.UniformTensor(random, 1.0, 6, 2, 2)]);
    }
}
