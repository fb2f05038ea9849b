using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers;

/// <summary>
/// Dynamic int8 inference of the layers (QuantizeInt8): GRU (both variants), LSTM, SimpleRNN and Dense stay within the
/// error int8 products allow of their float outputs (and do differ from them, so the int8 path ran); a quantized
/// layer's stream steps give its whole-sequence outputs bit for bit; training a quantized layer is refused.
/// </summary>
public sealed class Int8LayersTests
{
    private const int Batch = 5, Steps = 7, Features = 12, Units = 16;

    public static TheoryData<string> Recurrent => new() { "gru", "gru_reset_before", "lstm", "simple_rnn" };

    [Theory]
    [MemberData(nameof(Recurrent))]
    public void RecurrentLayersStayCloseToFloat(string kind)
    {
        var layer = Layer(kind, returnSequences: true);
        var x = TestData.UniformTensor(new SeededRandom(2), 1.0, Batch, Steps, Features);
        var reference = layer.Forward(x).Data.ToArray();
        layer.QuantizeInt8();
        var quantized = layer.Forward(x).Data;

        double worst = MaxDifference(reference, quantized);
        // Outputs lie in (−1, 1); two 8-bit roundings per product, carried through 7 steps, stay within a few hundredths.
        Assert.InRange(worst, 1e-5, 0.03);
    }

    [Theory]
    [MemberData(nameof(Recurrent))]
    public void QuantizedStreamsStepAsTheWholeSequence(string kind)
    {
        var layer = Layer(kind, returnSequences: true);
        layer.QuantizeInt8();
        var x = TestData.UniformTensor(new SeededRandom(3), 1.0, Batch, Steps, Features);
        var whole = layer.Forward(x).Data;
        var stream = layer.CreateStream(Batch);
        var input = new float[Batch * Features];
        var output = new float[Batch * Units];
        for (int t = 0; t < Steps; t++)
        {
            for (int b = 0; b < Batch; b++)
            {
                x.Data.AsSpan(((b * Steps) + t) * Features, Features).CopyTo(input.AsSpan(b * Features));
            }

            stream.Step(input, output);
            for (int b = 0; b < Batch; b++)
            {
                Assert.True(output.AsSpan(b * Units, Units).SequenceEqual(whole.AsSpan(((b * Steps) + t) * Units, Units)), $"step {t}, row {b}");
            }
        }
    }

    [Fact]
    public void DenseStaysCloseToFloatAndQuantizedLayersRefuseTraining()
    {
        var dense = new Dense(9);
        dense.Build([Features], new SeededRandom(4));
        var x = TestData.UniformTensor(new SeededRandom(5), 2.0, 6, Features);
        var reference = dense.Forward(x).Data.ToArray();
        dense.QuantizeInt8();
        Assert.InRange(MaxDifference(reference, dense.Forward(x).Data), 1e-5, 0.03);
        Assert.Contains("only infers", Assert.Throws<InvalidOperationException>(() => dense.Forward(x, training: true)).Message, StringComparison.Ordinal);

        var gru = Layer("gru", returnSequences: false);
        gru.QuantizeInt8();
        var sequences = TestData.UniformTensor(new SeededRandom(6), 1.0, 2, Steps, Features);
        Assert.Contains("only infers", Assert.Throws<InvalidOperationException>(() => gru.Forward(sequences, training: true)).Message, StringComparison.Ordinal);
    }

    private static RecurrentLayer Layer(string kind, bool returnSequences)
    {
        RecurrentLayer layer = kind switch
        {
            "gru" => new Gru(Units, returnSequences),
            "gru_reset_before" => new Gru(Units, returnSequences, GruVariant.ResetBefore),
            "lstm" => new Lstm(Units, returnSequences),
            _ => new SimpleRnn(Units, returnSequences),
        };
        layer.Build([Steps, Features], new SeededRandom(1));
        return layer;
    }

    private static double MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        }

        return worst;
    }
}
