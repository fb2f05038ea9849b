using Gated.Layers.Recurrent;
using Gated.Randomness;
using Gated.Serialization.Layouts;
using Xunit;

namespace Gated.Tests.Serialization.Layouts;

/// <summary>
/// The layout table against DESIGN.md's "Weight layouts of the outside world", written out here on its own (this test
/// is the table's oracle, so it does not read the table to build its expectations), and the conversions it drives.
/// </summary>
public class WeightLayoutTests
{
    // Gated's gate blocks (Keras's order). A GRU's candidate is n in PyTorch and Gated, h in Keras and ONNX; an LSTM's is g or c.
    private const string GatedGru = "z,r,n", GatedLstm = "i,f,c,o", GatedRnn = "h";

    public static TheoryData<Framework, RecurrentKind, GruVariant, string, bool, BiasLayout> DesignTable => new()
    {
        // framework, kind, variant, gate order (DESIGN.md), weights (G·H, F), bias
        { Framework.PyTorch, RecurrentKind.Gru, GruVariant.ResetAfter, "r,z,n", true, BiasLayout.InputAndRecurrent },
        { Framework.PyTorch, RecurrentKind.Lstm, GruVariant.ResetAfter, "i,f,g,o", true, BiasLayout.InputAndRecurrent },
        { Framework.PyTorch, RecurrentKind.SimpleRnn, GruVariant.ResetAfter, "h", true, BiasLayout.InputAndRecurrent },
        { Framework.Keras, RecurrentKind.Gru, GruVariant.ResetAfter, "z,r,h", false, BiasLayout.InputAndRecurrent },
        { Framework.Keras, RecurrentKind.Gru, GruVariant.ResetBefore, "z,r,h", false, BiasLayout.Summed },
        { Framework.Keras, RecurrentKind.Lstm, GruVariant.ResetAfter, "i,f,c,o", false, BiasLayout.Summed },
        { Framework.Keras, RecurrentKind.SimpleRnn, GruVariant.ResetAfter, "h", false, BiasLayout.Summed },
        { Framework.Onnx, RecurrentKind.Gru, GruVariant.ResetAfter, "z,r,h", true, BiasLayout.InputAndRecurrent },
        { Framework.Onnx, RecurrentKind.Gru, GruVariant.ResetBefore, "z,r,h", true, BiasLayout.InputAndRecurrent },
        { Framework.Onnx, RecurrentKind.Lstm, GruVariant.ResetAfter, "i,o,f,c", true, BiasLayout.InputAndRecurrent },
        { Framework.Onnx, RecurrentKind.SimpleRnn, GruVariant.ResetAfter, "h", true, BiasLayout.InputAndRecurrent },
    };

    [Theory]
    [MemberData(nameof(DesignTable))]
    public void TableIsDesignMds(Framework framework, RecurrentKind kind, GruVariant variant, string gates, bool transposed, BiasLayout bias)
    {
        var layout = WeightLayout.For(framework, kind, variant);
        Assert.Equal(gates.Split(','), layout.GateNames);
        Assert.Equal(transposed, layout.Transposed);
        Assert.Equal(bias, layout.Bias);

        // Each framework block must hold the Gated block of the same gate.
        string[] gated = (kind switch { RecurrentKind.Gru => GatedGru, RecurrentKind.Lstm => GatedLstm, _ => GatedRnn }).Split(',');
        string[] outside = gates.Split(',');
        Assert.Equal(outside.Length, layout.Gates);
        for (int k = 0; k < outside.Length; k++)
        {
            Assert.Equal(Canonical(outside[k]), Canonical(gated[layout.GateOrder[k]]));
        }
    }

    [Fact]
    public void TableHoldsExactlyTheLayoutsTheFrameworksHave()
    {
        Assert.Equal(DesignTable.Count, WeightLayout.All.Count);
        Assert.Equal([1, 0, 2], WeightLayout.For(Framework.PyTorch, RecurrentKind.Gru).GateOrder);
        Assert.Equal([0, 3, 1, 2], WeightLayout.For(Framework.Onnx, RecurrentKind.Lstm).GateOrder);
        Assert.Throws<NotSupportedException>(() => WeightLayout.For(Framework.PyTorch, RecurrentKind.Gru, GruVariant.ResetBefore));
    }

    /// <summary>PyTorch GRU weight_ih (3H, F), H = 1, F = 2, rows r, z, n → kernel (F, 3H), columns z, r, n.</summary>
    [Fact]
    public void PyTorchGruRowBlocksBecomeGatedColumnBlocks()
    {
        float[] weight = [1, 2, /* z */ 3, 4, /* n */ 5, 6];
        var kernel = new float[6];
        WeightLayout.For(Framework.PyTorch, RecurrentKind.Gru).ToGated(weight, 1, kernel);
        Assert.Equal([3f, 1f, 5f, 4f, 2f, 6f], kernel);
    }

    /// <summary>ONNX LSTM blocks i, o, f, c with H = 1, F = 1 → Gated i, f, c, o.</summary>
    [Fact]
    public void OnnxLstmBlocksReorderToGateds()
    {
        var kernel = new float[4];
        WeightLayout.For(Framework.Onnx, RecurrentKind.Lstm).ToGated([10f, 20f, 30f, 40f], 1, kernel);
        Assert.Equal([10f, 30f, 40f, 20f], kernel);
    }

    [Fact]
    public void EveryLayoutRoundTripsWeightsAndBiases()
    {
        const int Units = 2, Features = 3;
        var random = new Random(7);
        foreach (var layout in WeightLayout.All)
        {
            foreach (int features in new[] { Features, 1 })
            {
                float[] gated = [.. Enumerable.Range(0, features * layout.Gates * Units).Select(_ => (float)random.NextDouble())];
                var outside = new float[gated.Length];
                var back = new float[gated.Length];
                layout.FromGated(gated, Units, outside);
                layout.ToGated(outside, Units, back);
                Assert.Equal(gated, back);
            }
        }
    }

    [Fact]
    public void SummedLayoutsAddTheTwoBiasesAndSeparateOnesKeepThem()
    {
        float[] bias = [1, 2, 3, 4], recurrent = [10, 20, 30, 40];
        var keras = new float[4];
        WeightLayout.For(Framework.Keras, RecurrentKind.Lstm).BiasesFromGated(bias, recurrent, 1, keras, []);
        Assert.Equal([11f, 22f, 33f, 44f], keras);

        // ONNX [Wb, Rb] into a layer with one bias: the sum, in Gated's order (i, f, c, o from i, o, f, c).
        var single = new float[4];
        WeightLayout.For(Framework.Onnx, RecurrentKind.Lstm).BiasesToGated(bias, recurrent, 1, single, []);
        Assert.Equal([11f, 33f, 44f, 22f], single);

        // A framework with two biases takes zeros as the recurrent bias of a layer with one.
        float[] input = new float[3], hh = [9, 9, 9];
        WeightLayout.For(Framework.Onnx, RecurrentKind.Gru, GruVariant.ResetBefore).BiasesFromGated([1, 2, 3], [], 1, input, hh);
        Assert.Equal([1f, 2f, 3f], input);
        Assert.Equal([0f, 0f, 0f], hh);
        Assert.Throws<ArgumentException>(() => WeightLayout.For(Framework.Keras, RecurrentKind.Lstm).BiasesFromGated(bias, [], 1, keras, new float[4]));
    }

    [Theory]
    [InlineData(Framework.PyTorch)]
    [InlineData(Framework.Keras)]
    [InlineData(Framework.Onnx)]
    public void LayersRoundTripThroughEveryFramework(Framework framework)
    {
        List<Func<RecurrentLayer>> makers =
        [
            () => new Gru(3),
            () => new Lstm(3),
            () => new Lstm(3, new RecurrentOptions(), separateRecurrentBias: true),
            () => new SimpleRnn(3, new RecurrentOptions(), separateRecurrentBias: true),
        ];
        if (framework != Framework.PyTorch)
        {
            makers.Add(() => new Gru(3, variant: GruVariant.ResetBefore));
        }

        var random = new Random(5);
        foreach (var make in makers)
        {
            RecurrentLayer layer = make(), copy = make();
            layer.Build([4, 2], new SeededRandom(5));
            copy.Build([4, 2], new SeededRandom(6));
            foreach (var p in layer.Parameters)
            {
                // Keras's initial biases are zeros, which would hide a bias mixed up with another.
                for (int i = 0; i < p.Length; i++)
                {
                    p.Values[i] = (float)random.NextDouble() - 0.5f;
                }
            }

            var layout = WeightLayout.For(framework, layer);
            int gh = layout.Gates * layer.Units;
            int recurrentBiasLength = layout.Bias == BiasLayout.InputAndRecurrent ? gh : 0;
            float[] kernel = new float[layer.Kernel.Length], recurrentKernel = new float[layer.RecurrentKernel.Length];
            float[] inputBias = new float[gh], recurrentBias = new float[recurrentBiasLength];
            layout.CopyFromLayer(layer, kernel, recurrentKernel, inputBias, recurrentBias);
            layout.CopyToLayer(copy, kernel, recurrentKernel, inputBias, recurrentBias);
            Assert.Equal(layer.Kernel.Values.ToArray(), copy.Kernel.Values.ToArray());
            Assert.Equal(layer.RecurrentKernel.Values.ToArray(), copy.RecurrentKernel.Values.ToArray());
            if (layout.Bias == BiasLayout.Summed && layer.RecurrentBias is { } separate)
            {
                // One Keras bias loads as the input bias; the recurrent one is zero, and the sum is kept.
                Assert.All(copy.RecurrentBias!.Values.ToArray(), v => Assert.Equal(0f, v));
                float[] sum = [.. layer.Bias.Values.ToArray().Zip(separate.Values.ToArray(), (a, b) => a + b)];
                Assert.Equal(sum, copy.Bias.Values.ToArray());
            }
            else
            {
                Assert.Equal(layer.Bias.Values.ToArray(), copy.Bias.Values.ToArray());
                Assert.Equal(layer.RecurrentBias?.Values.ToArray(), copy.RecurrentBias?.Values.ToArray());
            }
        }
    }

    [Fact]
    public void CopyToLayerRejectsAnotherKindOfLayer()
    {
        var lstm = new Lstm(2);
        lstm.Build([3, 1], new SeededRandom(1));
        var gru = WeightLayout.For(Framework.Keras, RecurrentKind.Gru);
        Assert.Equal("layer", Assert.Throws<ArgumentException>(() => gru.CopyToLayer(lstm, new float[6], new float[12], [], [])).ParamName);
    }

    private static string Canonical(string gate) => gate switch { "h" => "n", "g" => "c", _ => gate };
}
