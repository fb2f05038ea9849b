using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization.Onnx;
using Gated.Tensors;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// RecurrentOptions.ZeroOutputForMask (Keras's zero_output_for_mask): true (Gated's default) outputs zeros at padded
/// steps, false repeats the previous step's output (zeros before the first real step). Every cell against its double
/// reference with the option off; hand-made masks checked step by step; Bidirectional's backward direction repeats
/// the later step; the option in saved configurations; ONNX export refuses what sequence_lens cannot express.
/// Finite-difference checks of the repeated outputs' gradients are in RecurrentGradientCheckTests.
/// </summary>
public sealed class ZeroOutputForMaskTests
{
    private static readonly (int Batch, int Steps, int InputSize, int Units)[] Shapes = [(1, 5, 2, 3), (2, 6, 3, 17), (4, 4, 5, 9), (3, 1, 1, 1)];

    public static TheoryData<string, bool, bool, StepSelection> Cases()
    {
        var data = new TheoryData<string, bool, bool, StepSelection>();
        foreach (string cell in RecurrentTestSetup.CellNames)
        {
            foreach (bool goBackwards in new[] { false, true })
            {
                foreach (bool withStates in new[] { false, true })
                {
                    foreach (var steps in new[] { StepSelection.Mask, StepSelection.Lengths })
                    {
                        data.Add(cell, goBackwards, withStates, steps);
                    }
                }
            }
        }

        return data;
    }

    [Fact]
    public void GatedOutputsZerosByDefault()
    {
        Assert.True(new RecurrentOptions().ZeroOutputForMask);
        Assert.True(new Gru(3).Options.ZeroOutputForMask);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RepeatedOutputsMatchReference(string cell, bool goBackwards, bool withStates, StepSelection steps)
    {
        for (int shape = 0; shape < Shapes.Length; shape++)
        {
            var (batch, time, inputSize, units) = Shapes[shape];
            string what = $"{cell} B={batch} T={time} I={inputSize} H={units} back={goBackwards} states={withStates} {steps} zero_output_for_mask=false";
            var random = new SeededRandom((ulong)((units * 1000) + (inputSize * 100) + (batch * 10) + time + 5));
            var options = new RecurrentOptions { ReturnSequences = true, GoBackwards = goBackwards, ZeroOutputForMask = false };
            var layer = RecurrentTestSetup.Create(cell, units, options);
            layer.Build([time, inputSize], random);
            RecurrentTestSetup.Randomize(layer, random);
            var x = TestData.UniformTensor(random, 1.0, batch, time, inputSize);
            var inputs = new RecurrentInputs
            {
                InitialStates = withStates ? RecurrentComparison.RandomStates(random, layer.StateCount, batch, units) : null,
                Mask = steps == StepSelection.Mask ? RecurrentComparison.RandomMask(random, batch, time) : null,
                Lengths = steps == StepSelection.Lengths ? RecurrentComparison.RandomLengths(random, batch, time) : null,
            };
            var run = new ReferenceRun
            {
                InitialStates = RecurrentTestSetup.ToDouble(inputs.InitialStates),
                Mask = inputs.Mask is null ? null : TestData.ToDouble(inputs.Mask.Data),
                Lengths = inputs.Lengths?.ToArray(),
                ZeroOutputForMask = false,
            };
            RecurrentComparison.AssertMatches(layer, RecurrentTestSetup.Reference(layer), x, inputs, run, random, shape % 2 == 1, what);
        }
    }

    /// <summary>Holes anywhere, a leading hole (nothing to repeat yet: zeros), a trailing run of holes; states carried through.</summary>
    [Theory]
    [InlineData("gru_reset_after")]
    [InlineData("lstm")]
    [InlineData("rnn_tanh")]
    public void HandMadeMaskRepeatsTheLastRealOutput(string cell)
    {
        const int Steps = 6, Units = 3;
        float[] maskValues = [0, 1, 1, 0, 1, 0, /* row 1 */ 1, 0, 0, 1, 1, 1, /* row 2 */ 1, 1, 0, 0, 0, 0];
        var mask = new Tensor(maskValues, 3, Steps);
        var random = new SeededRandom(17);
        var x = TestData.UniformTensor(random, 1.0, 3, Steps, 2);
        var zeros = Run(cell, zeroOutputForMask: true, x, mask, out var zeroStates);
        var repeated = Run(cell, zeroOutputForMask: false, x, mask, out var repeatedStates);
        for (int b = 0; b < 3; b++)
        {
            int lastReal = -1;
            for (int t = 0; t < Steps; t++)
            {
                var z = zeros.Data.AsSpan(((b * Steps) + t) * Units, Units);
                var r = repeated.Data.AsSpan(((b * Steps) + t) * Units, Units);
                if (mask.Data[(b * Steps) + t] == 1)
                {
                    Assert.Equal(z.ToArray(), r.ToArray());
                    Assert.Contains(r.ToArray(), v => v != 0);
                    lastReal = t;
                    continue;
                }

                Assert.All(z.ToArray(), v => Assert.Equal(0f, v));
                var expected = lastReal < 0 ? new float[Units] : repeated.Data.AsSpan(((b * Steps) + lastReal) * Units, Units).ToArray();
                Assert.Equal(expected, r.ToArray());
            }
        }

        // The states are the same either way: the last real step's.
        for (int k = 0; k < zeroStates.Count; k++)
        {
            Assert.Equal(zeroStates[k].Data, repeatedStates[k].Data);
        }

        // Row 0's last real step is t = 4: the final state is its output.
        Assert.Equal(repeated.Data.AsSpan(4 * Units, Units).ToArray(), repeatedStates[0].Data.AsSpan(0, Units).ToArray());
    }

    /// <summary>The backward direction runs from the end, so its "previous" step is the later one in time.</summary>
    [Fact]
    public void BidirectionalBackwardDirectionRepeatsTheLaterStep()
    {
        const int Steps = 5, Units = 2;
        var mask = new Tensor([0, 1, 1, 0, 0, /* row 1 */ 0, 0, 1, 1, 1], 2, Steps);
        var random = new SeededRandom(23);
        var bi = new Bidirectional(new Gru(Units, new RecurrentOptions { ReturnSequences = true, ZeroOutputForMask = false }));
        bi.Build([Steps, 3], random);
        RecurrentTestSetup.Randomize(bi, random);
        Assert.False(bi.BackwardLayer.Options.ZeroOutputForMask);
        var x = TestData.UniformTensor(random, 1.0, 2, Steps, 3);
        var y = bi.Forward(x, new RecurrentInputs { Mask = mask }, training: true);
        float[] Forward(int b, int t) => y.Data.AsSpan(((b * Steps) + t) * 2 * Units, Units).ToArray();
        float[] Backward(int b, int t) => y.Data.AsSpan((((b * Steps) + t) * 2 * Units) + Units, Units).ToArray();
        var none = new float[Units];

        // Row 0, real steps 1 and 2: forward repeats step 2 at 3 and 4 and has nothing at 0; backward repeats step 1 at 0 and has nothing at 3, 4.
        Assert.Equal(none, Forward(0, 0));
        Assert.Equal(Forward(0, 2), Forward(0, 3));
        Assert.Equal(Forward(0, 2), Forward(0, 4));
        Assert.Equal(Backward(0, 1), Backward(0, 0));
        Assert.Equal(none, Backward(0, 3));
        Assert.Equal(none, Backward(0, 4));

        // Row 1, pre-padded: the backward direction's last real step is t = 2, repeated at 1 and 0.
        Assert.Equal(none, Forward(1, 1));
        Assert.Equal(Backward(1, 2), Backward(1, 1));
        Assert.Equal(Backward(1, 2), Backward(1, 0));

        var reference = RecurrentTestSetup.Reference(bi);
        var run = new ReferenceRun { Mask = TestData.ToDouble(mask.Data), ZeroOutputForMask = false };
        var expected = reference.Forward(TestData.ToDouble(x.Data), 2, Steps, run, run);
        NumericAssert.Close(expected, y.Data, RecurrentComparison.OutputTolerance, RecurrentComparison.OutputTolerance, "Bidirectional output");
        var dy = TestData.UniformTensor(random, 1.0, y.Shape);
        bi.ZeroGradients();
        var dx = bi.Backward(dy);
        reference.Backward(TestData.ToDouble(dy.Data));
        NumericAssert.CloseToScale(reference.InputGradient, dx.Data, RecurrentComparison.GradientTolerance, RecurrentComparison.GradientFloor, "Bidirectional dx");
        RecurrentComparison.AssertParameterGradients(bi.ForwardLayer, reference.ForwardLayer, "forward");
        RecurrentComparison.AssertParameterGradients(bi.BackwardLayer, reference.BackwardLayer, "backward");
    }

    [Theory]
    [InlineData("GRU")]
    [InlineData("LSTM")]
    [InlineData("SimpleRNN")]
    public void TheOptionSurvivesTheConfiguration(string type)
    {
        RecurrentLayer layer = type switch
        {
            "GRU" => new Gru(4, new RecurrentOptions { ReturnSequences = true, ZeroOutputForMask = false }),
            "LSTM" => new Lstm(4, new RecurrentOptions { ReturnSequences = true, ZeroOutputForMask = false }),
            _ => new SimpleRnn(4, new RecurrentOptions { ReturnSequences = true, ZeroOutputForMask = false }),
        };
        var config = layer.GetConfig();
        Assert.Equal("false", config["zero_output_for_mask"]);
        var restored = (RecurrentLayer)LayerRegistry.Create(type, config, "m.safetensors");
        Assert.False(restored.Options.ZeroOutputForMask);
        Assert.Equal("true", new Gru(4).GetConfig()["zero_output_for_mask"]);

        // Files written before the option existed output zeros.
        var old = new Dictionary<string, string>(config);
        old.Remove("zero_output_for_mask");
        Assert.True(((RecurrentLayer)LayerRegistry.Create(type, old, "m.safetensors")).Options.ZeroOutputForMask);

        var bi = (Bidirectional)LayerRegistry.Create("Bidirectional", new Bidirectional(layer).GetConfig(), "m.safetensors");
        Assert.False(bi.ForwardLayer.Options.ZeroOutputForMask);
        Assert.False(bi.BackwardLayer.Options.ZeroOutputForMask);

        var bad = new Dictionary<string, string>(config) { ["zero_output_for_mask"] = "no" };
        var e = Assert.Throws<Gated.IO.ModelFormatException>(() => LayerRegistry.Create(type, bad, "m.safetensors"));
        Assert.Contains("zero_output_for_mask", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnnxExportRefusesRepeatedOutputsUnderAMask()
    {
        var options = new RecurrentOptions { ReturnSequences = true, ZeroOutputForMask = false };
        var masked = new Sequential(new Embedding(9, 3, maskZero: true), new Gru(4, options), new Dense(2));
        masked.Build([5]);
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(masked));
        Assert.Contains("zero_output_for_mask", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);

        var bidirectional = new Sequential(new Embedding(9, 3, maskZero: true), new Bidirectional(new Lstm(4, options)), new Dense(2));
        bidirectional.Build([5]);
        Assert.Contains("zero_output_for_mask", Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(bidirectional)).Message, StringComparison.Ordinal);

        // Without a mask, or without sequences, the option changes nothing and the model exports.
        var unmasked = new Sequential(new Embedding(9, 3), new Gru(4, options), new Dense(2));
        unmasked.Build([5]);
        Assert.NotEmpty(OnnxExporter.ToBytes(unmasked));
        var last = new Sequential(new Embedding(9, 3, maskZero: true), new Gru(4, new RecurrentOptions { ZeroOutputForMask = false }), new Dense(2));
        last.Build([5]);
        Assert.NotEmpty(OnnxExporter.ToBytes(last));
    }

    private static Tensor Run(string cell, bool zeroOutputForMask, Tensor x, Tensor mask, out IReadOnlyList<Tensor> finalStates)
    {
        var layer = RecurrentTestSetup.Create(cell, 3, new RecurrentOptions { ReturnSequences = true, ZeroOutputForMask = zeroOutputForMask });
        var random = new SeededRandom(29);
        layer.Build([x.Shape[1], x.Shape[2]], random);
        RecurrentTestSetup.Randomize(layer, random);
        var y = layer.Forward(x, new RecurrentInputs { Mask = mask });
        finalStates = layer.FinalStates.Select(s => s.Clone()).ToArray();
        return y;
    }
}
