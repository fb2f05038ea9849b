using Gated.IO;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;
using static Gated.Tests.TestSupport.AttentionChecks;

namespace Gated.Tests.Layers;

/// <summary>
/// Attention ("dot" and "concat"): fixed values by hand, against ReferenceAttention and central differences for every
/// input and parameter on shapes with Tq ≠ Tv, with and without a key, scale, causal mask and masks; what each mask
/// does; the configuration through LayerRegistry; and the messages for inputs it cannot take.
/// </summary>
public sealed class AttentionTests
{
    // shape [B, Tq, Tv, dim, dv]; dv counts only with a key (the value is the key otherwise)
    public static TheoryData<AttentionScoreMode, bool, bool, int[], bool, bool> Cases => new()
    {
        { AttentionScoreMode.Dot, false, false, [1, 1, 1, 1, 1], false, false },
        { AttentionScoreMode.Dot, false, false, [2, 3, 5, 4, 4], false, false },
        { AttentionScoreMode.Dot, true, false, [2, 4, 3, 3, 5], true, false },
        { AttentionScoreMode.Dot, true, true, [3, 5, 4, 2, 3], true, true },
        { AttentionScoreMode.Dot, false, true, [2, 4, 4, 3, 3], false, true },
        { AttentionScoreMode.Concat, false, false, [2, 3, 4, 3, 2], true, false },
        { AttentionScoreMode.Concat, true, true, [2, 4, 4, 3, 3], false, true },
        { AttentionScoreMode.Concat, true, false, [1, 2, 6, 5, 5], false, true },
    };

    [Fact]
    public void FixedValues()
    {
        // query [1, 0]; keys = values [1, 2], [3, 4]: dot scores [1, 3], so w = [1, e²] / (1 + e²).
        Tensor[] inputs = [new([1f, 0f], 1, 1, 2), new([1f, 2f, 3f, 4f], 1, 2, 2)];
        var layer = Built(new Attention(), [1, 2], [2, 2]);
        Assert.Empty(layer.Parameters);
        double w1 = 1 / (1 + Math.Exp(-2));
        NumericAssert.Close(new[] { (1 - w1) + (3 * w1), (2 * (1 - w1)) + (4 * w1) }, layer.Forward(inputs).Data, 1e-6, 1e-6, "dot");

        // use_scale with scale 0.5: scores [0.5, 1.5], w1 = 1 / (1 + e⁻¹).
        var scaled = Built(new Attention(useScale: true), [1, 2], [2, 2]);
        Assert.Equal(new[] { 1f }, scaled.ValuesArray("scale"));
        scaled.Parameter("scale").Values[0] = 0.5f;
        w1 = 1 / (1 + Math.Exp(-1));
        NumericAssert.Close(new[] { (1 - w1) + (3 * w1), (2 * (1 - w1)) + (4 * w1) }, scaled.Forward(inputs).Data, 1e-6, 1e-6, "scaled dot");

        // concat: scores [2 tanh 2, 2 tanh 4] times concat_score_weight 2.
        var concat = Built(new Attention(scoreMode: AttentionScoreMode.Concat), [1, 2], [2, 2]);
        Assert.Equal(["concat_score_weight"], concat.Parameters.Select(p => p.Name));
        Assert.Equal(new[] { 1f }, concat.ValuesArray("concat_score_weight"));
        concat.Parameter("concat_score_weight").Values[0] = 2f;
        w1 = 1 / (1 + Math.Exp(-4 * (Math.Tanh(4) - Math.Tanh(2))));
        NumericAssert.Close(new[] { (1 - w1) + (3 * w1), (2 * (1 - w1)) + (4 * w1) }, concat.Forward(inputs).Data, 1e-6, 1e-6, "concat");
        Assert.Equal(["scale", "concat_score_weight"], Built(new Attention(true, AttentionScoreMode.Concat), [1, 2], [2, 2]).Parameters.Select(p => p.Name));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(AttentionScoreMode mode, bool useScale, bool causal, int[] shape, bool hasKey, bool masked)
    {
        var random = new SeededRandom((ulong)shape.Sum() + 11);
        var layer = new Attention(useScale, mode, useCausalMask: causal);
        var (inputs, masks) = Setup(layer, random, shape, hasKey, masked);
        AttentionChecks.MatchesReference(layer, inputs, masks, random, $"Attention {mode} scale={useScale} causal={causal} key={hasKey} masked={masked} ({string.Join(", ", shape)})");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(AttentionScoreMode mode, bool useScale, bool causal, int[] shape, bool hasKey, bool masked)
    {
        var random = new SeededRandom((ulong)shape.Sum() + 29);
        var layer = new Attention(useScale, mode, useCausalMask: causal);
        var (inputs, masks) = Setup(layer, random, shape, hasKey, masked);
        MatchesFiniteDifferences(layer, inputs, masks, random, $"Attention {mode} scale={useScale} causal={causal} key={hasKey} masked={masked} ({string.Join(", ", shape)})");
    }

    [Theory]
    [InlineData("dot")]
    [InlineData("concat")]
    [InlineData("additive")]
    public void DropoutOnTheWeightsMatchesReferenceAndFiniteDifferences(string kind)
    {
        ScoredAttention layer = kind switch
        {
            "dot" => new Attention(useScale: true, dropout: 0.4),
            "concat" => new Attention(useScale: true, AttentionScoreMode.Concat, dropout: 0.4, useCausalMask: true),
            _ => new AdditiveAttention(dropout: 0.4),
        };

        var random = new SeededRandom(41);
        var (inputs, masks) = Setup(layer, random, [2, 4, 5, 3, 2], hasKey: true, masked: true);
        AttentionChecks.MatchesReference(layer, inputs, masks, random, $"{kind} attention with dropout");
        MatchesFiniteDifferences(layer, inputs, masks, random, $"{kind} attention with dropout");

        // Inference drops nothing.
        var reference = ReferenceFor(layer);
        var expected = reference.Forward(2, TestData.ToDouble(inputs[0].Data), TestData.ToDouble(inputs[1].Data), TestData.ToDouble(inputs[2].Data),
            TestData.ToDouble(masks[0]!.Data), TestData.ToDouble(masks[1]!.Data));
        NumericAssert.Close(expected, layer.Forward(inputs, masks).Data, 1e-5, 1e-5, kind + " inference");
        Assert.Null(new Attention().RandomStream);
    }

    [Fact]
    public void AValueMaskRemovesItsStepsAndAQueryMaskZeroesItsRows()
    {
        var random = new SeededRandom(5);
        var query = TestData.UniformTensor(random, 1.0, 1, 2, 3);
        var value = TestData.UniformTensor(random, 1.0, 1, 3, 3);
        var layer = Built(new Attention(useScale: true), [2, 3], [3, 3]);
        var queryMask = new Tensor([1f, 0f], 1, 2);
        Tensor?[] masks = [queryMask, new Tensor([1f, 0f, 1f], 1, 3)];
        var y = layer.Forward([query, value], masks, training: true).Clone();

        // Attending over value steps 0 and 2 only: the same first row as the layer built for two value steps.
        var shorter = Built(new Attention(useScale: true), [2, 3], [2, 3]);
        var kept = new Tensor([.. value.Data[0..3], .. value.Data[6..9]], 1, 2, 3);
        NumericAssert.Close(shorter.Forward([query, kept]).Data.AsSpan(0, 3), y.Data.AsSpan(0, 3), 1e-6, 1e-6, "masked value step left out");
        Assert.Equal(new float[3], y.Data[3..6]);

        var gradients = layer.BackwardInputs(TestData.UniformTensor(random, 1.0, 1, 2, 3));
        Assert.Equal(new float[3], gradients[1].Data[3..6]);
        Assert.Equal(new float[3], gradients[0].Data[3..6]);
        Assert.Same(queryMask, layer.ComputeMask([query, value], masks));
        Assert.Null(layer.ComputeMask([query, value], [null, masks[1]]));
        Assert.Null(layer.ComputeMask([query, value], []));
    }

    [Fact]
    public void AFullyMaskedRowAveragesEveryValueAsKerasDoesInFloat()
    {
        // Every score is −1e9 after Keras's bias (exact in float for |score| < 32), so the weights are uniform.
        var random = new SeededRandom(6);
        var query = TestData.UniformTensor(random, 1.0, 1, 1, 2);
        var value = TestData.UniformTensor(random, 1.0, 1, 3, 2);
        var layer = Built(new Attention(), [1, 2], [3, 2]);
        var y = layer.Forward([query, value], [null, new Tensor(1, 3)]);
        double[] mean = [(value.Data[0] + value.Data[2] + value.Data[4]) / 3.0, (value.Data[1] + value.Data[3] + value.Data[5]) / 3.0];
        NumericAssert.Close(mean, y.Data, 1e-6, 1e-6, "uniform weights");
    }

    [Fact]
    public void TheCausalMaskHidesLaterSteps()
    {
        var random = new SeededRandom(7);
        var x = TestData.UniformTensor(random, 1.0, 1, 3, 2);
        var layer = Built(new Attention(useCausalMask: true), [3, 2], [3, 2]);
        var y = layer.Forward([x, x]).Clone();
        NumericAssert.Close(x.Data.AsSpan(0, 2), y.Data.AsSpan(0, 2), 1e-6, 0, "step 0 sees only itself");

        var changed = x.Clone();
        changed.Data[4] += 5f;
        changed.Data[5] -= 5f;
        var z = Built(new Attention(useCausalMask: true), [3, 2], [3, 2]).Forward([x, changed]);
        Assert.Equal(y.Data[0..4], z.Data[0..4]);
    }

    [Fact]
    public void ReusedResultsAllocateNothingOnceWarmAndMatchFreshOnes()
    {
        ScoredAttention[] layers = [new Attention(useScale: true), new Attention(true, AttentionScoreMode.Concat, useCausalMask: true), new AdditiveAttention()];
        foreach (var layer in layers)
        {
            var random = new SeededRandom(8);
            var (inputs, masks) = Setup(layer, random, [3, 4, 5, 3, 2], hasKey: true, masked: true);
            var dy = TestData.UniformTensor(random, 1.0, 3, 4, 2);
            var fresh = layer.Forward(inputs, masks, training: true).Data.ToArray();
            var freshGradients = layer.BackwardInputs(dy).Select(g => g.Data.ToArray()).ToArray();

            layer.ReusesResults = true;
            long allocated = 0;
            for (int round = 0; round < 3; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                layer.Forward(inputs, masks, training: true);
                layer.BackwardInputs(dy);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            Assert.Equal(0, allocated);
            Assert.Equal(fresh, layer.Forward(inputs, masks, training: true).Data);
            Assert.Equal(freshGradients, layer.BackwardInputs(dy).Select(g => g.Data.ToArray()));
        }
    }

    [Fact]
    public void ConfigurationRoundTripsThroughTheRegistry()
    {
        Assert.Contains("Attention", LayerRegistry.KnownTypes);
        var layer = new Attention(useScale: true, AttentionScoreMode.Concat, useCausalMask: true);
        Assert.Equal(
            new Dictionary<string, string> { ["use_scale"] = "true", ["score_mode"] = "concat", ["dropout"] = "0", ["use_causal_mask"] = "true" },
            layer.GetConfig());
        var copy = Assert.IsType<Attention>(LayerRegistry.Create(layer.TypeName, layer.GetConfig(), "test"));
        Assert.Equal((true, AttentionScoreMode.Concat, true), (copy.UseScale, copy.ScoreMode, copy.UseCausalMask));

        // Keras's own configuration (no use_causal_mask; Keras 2's causal read too).
        var keras = Assert.IsType<Attention>(LayerRegistry.Create("Attention", new Dictionary<string, string>
        {
            ["name"] = "attention", ["use_scale"] = "false", ["score_mode"] = "dot", ["dropout"] = "0.0",
        }, "test"));
        Assert.Equal((false, AttentionScoreMode.Dot, false), (keras.UseScale, keras.ScoreMode, keras.UseCausalMask));
        Assert.True(((Attention)LayerRegistry.Create("Attention", new Dictionary<string, string> { ["causal"] = "true" }, "test")).UseCausalMask);

        Assert.Equal(0.25, ((Attention)LayerRegistry.Create("Attention", new Attention(dropout: 0.25).GetConfig(), "test")).DropoutRate);
        var dropout = Assert.Throws<ModelFormatException>(() => LayerRegistry.Create("Attention", new Dictionary<string, string> { ["dropout"] = "1" }, "f.keras"));
        Assert.Contains("'dropout' is '1', not in [0, 1)", dropout.Message, StringComparison.Ordinal);
        var mode = Assert.Throws<ModelFormatException>(() => LayerRegistry.Create("Attention", new Dictionary<string, string> { ["score_mode"] = "general" }, "f.keras"));
        Assert.Contains("expected one of dot, concat", mode.Message, StringComparison.Ordinal);
        Assert.Equal("dropout", Assert.Throws<ArgumentOutOfRangeException>(() => new Attention(dropout: 1)).ParamName);
    }

    [Fact]
    public void InputsItCannotTakeAreRefusedWithReasons()
    {
        string Message(params int[][] shapes) => Assert.Throws<ArgumentException>(() => new Attention().Build(shapes, new SeededRandom(0))).Message;

        Assert.StartsWith("Attention takes [query, value] or [query, value, key], got 1 input.", Message([2, 3]), StringComparison.Ordinal);
        Assert.StartsWith("Attention takes [query, value] or [query, value, key], got 4 inputs.", Message([2, 3], [2, 3], [2, 3], [2, 3]), StringComparison.Ordinal);
        Assert.StartsWith("Attention value must be (steps, features) per sample, got (6).", Message([2, 3], [6]), StringComparison.Ordinal);
        Assert.StartsWith("Attention key (4, 3) and value (5, 3) must have the same number of steps.", Message([2, 3], [5, 3], [4, 3]), StringComparison.Ordinal);
        Assert.StartsWith("Attention query (2, 3) and value (the key) (5, 4) must have the same number of features.", Message([2, 3], [5, 4]), StringComparison.Ordinal);
        Assert.StartsWith("Attention query (2, 3) and key (5, 2) must have the same number of features.", Message([2, 3], [5, 4], [5, 2]), StringComparison.Ordinal);

        var sequential = Assert.Throws<ArgumentException>(() => new Sequential(new Attention()).Build([4, 3], seed: 0));
        Assert.Contains("Attention takes [query, value] or [query, value, key], got 1 input.", sequential.Message, StringComparison.Ordinal);

        var layer = Built(new Attention(), [2, 3], [4, 3]);
        Assert.Throws<NotSupportedException>(() => layer.Forward(new Tensor(1, 2, 3)));
        Assert.Throws<InvalidOperationException>(() => layer.BackwardInputs(new Tensor(1, 2, 3)));
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => layer.Forward([new Tensor(1, 2, 3), new Tensor(1, 4, 2)])).ParamName);
        // Any number of steps, as Keras; a key must have the value's.
        Assert.Equal([1, 7, 3], layer.Forward([new Tensor(1, 7, 3), new Tensor(1, 5, 3)]).Shape);
        var keyed = Built(new Attention(), [2, 3], [4, 3], [4, 3]);
        var keyLength = Assert.Throws<ArgumentException>(() => keyed.Forward([new Tensor(1, 2, 3), new Tensor(1, 5, 3), new Tensor(1, 4, 3)]));
        Assert.Equal("Attention key (4 steps) and value (5 steps) must have the same number of steps. (Parameter 'inputs')", keyLength.Message);
        var badMask = Assert.Throws<ArgumentException>(() => layer.Forward([new Tensor(1, 2, 3), new Tensor(1, 4, 3)], [null, new Tensor(1, 3)]));
        Assert.Equal(("masks", "Attention value mask must be (1, 4), got (1, 3). (Parameter 'masks')"), (badMask.ParamName, badMask.Message));
        layer.Forward([new Tensor(1, 2, 3), new Tensor(1, 4, 3)], training: true);
        Assert.Equal("outputGradient", Assert.Throws<ArgumentException>(() => layer.BackwardInputs(new Tensor(1, 2, 4))).ParamName);
    }
}
