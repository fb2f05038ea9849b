using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;
using static Gated.Tests.TestSupport.AttentionChecks;

namespace Gated.Tests.Layers;

/// <summary>
/// AdditiveAttention: fixed values by hand, its scale's initialisation, against ReferenceAttention and central
/// differences for every input and parameter (Tq ≠ Tv, key or not, scale or not, causal, masks), the configuration
/// through LayerRegistry, and its refusals. The masking and softmax it shares with Attention are tested there too.
/// </summary>
public sealed class AdditiveAttentionTests
{
    // shape [B, Tq, Tv, dim, dv]; dv counts only with a key
    public static TheoryData<bool, bool, int[], bool, bool> Cases => new()
    {
        { true, false, [1, 1, 1, 1, 1], false, false },
        { true, false, [2, 3, 5, 4, 4], false, false },
        { false, false, [2, 4, 3, 3, 5], true, false },
        { true, true, [3, 5, 4, 2, 3], true, true },
        { false, true, [2, 4, 4, 3, 3], false, true },
        { true, false, [1, 2, 6, 5, 5], false, true },
    };

    [Fact]
    public void FixedValues()
    {
        // query [1, 0]; keys = values [1, 2], [3, 4]: scores Σ_d tanh(q_d + k_d) = [2 tanh 2, 2 tanh 4].
        Tensor[] inputs = [new([1f, 0f], 1, 1, 2), new([1f, 2f, 3f, 4f], 1, 2, 2)];
        var plain = Built(new AdditiveAttention(useScale: false), [1, 2], [2, 2]);
        Assert.Empty(plain.Parameters);
        double w1 = 1 / (1 + Math.Exp(-2 * (Math.Tanh(4) - Math.Tanh(2))));
        NumericAssert.Close(new[] { (1 - w1) + (3 * w1), (2 * (1 - w1)) + (4 * w1) }, plain.Forward(inputs).Data, 1e-6, 1e-6, "additive");

        // scale [0.5, −1]: scores [0.5 tanh 2 − tanh 2, 0.5 tanh 4 − tanh 4] = −0.5 [tanh 2, tanh 4].
        var scaled = Built(new AdditiveAttention(), [1, 2], [2, 2]);
        new float[] { 0.5f, -1f }.CopyTo(scaled.Parameter("scale").Values);
        w1 = 1 / (1 + Math.Exp(0.5 * (Math.Tanh(4) - Math.Tanh(2))));
        NumericAssert.Close(new[] { (1 - w1) + (3 * w1), (2 * (1 - w1)) + (4 * w1) }, scaled.Forward(inputs).Data, 1e-6, 1e-6, "scaled additive");
    }

    [Fact]
    public void TheScaleIsAGlorotUniformVectorOfTheQueryFeatures()
    {
        // Keras's glorot_uniform for a vector of 8: fan in = fan out = 8, limit √(6 / 16).
        var layer = new AdditiveAttention();
        Assert.True(layer.UseScale);
        layer.Build([[3, 8], [5, 8]], new SeededRandom(3));
        var scale = layer.Parameter("scale");
        Assert.Equal([8], scale.Shape);
        float limit = MathF.Sqrt(6f / 16);
        Assert.All(scale.Values.ToArray(), v => Assert.InRange(v, -limit, limit));
        Assert.Contains(scale.Values.ToArray(), v => Math.Abs(v) > limit / 4);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(bool useScale, bool causal, int[] shape, bool hasKey, bool masked)
    {
        var random = new SeededRandom((ulong)shape.Sum() + 13);
        var layer = new AdditiveAttention(useScale, useCausalMask: causal);
        var (inputs, masks) = Setup(layer, random, shape, hasKey, masked);
        AttentionChecks.MatchesReference(layer, inputs, masks, random, $"AdditiveAttention scale={useScale} causal={causal} key={hasKey} masked={masked} ({string.Join(", ", shape)})");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(bool useScale, bool causal, int[] shape, bool hasKey, bool masked)
    {
        var random = new SeededRandom((ulong)shape.Sum() + 31);
        var layer = new AdditiveAttention(useScale, useCausalMask: causal);
        var (inputs, masks) = Setup(layer, random, shape, hasKey, masked);
        MatchesFiniteDifferences(layer, inputs, masks, random, $"AdditiveAttention scale={useScale} causal={causal} key={hasKey} masked={masked} ({string.Join(", ", shape)})");
    }

    [Fact]
    public void ConfigurationRoundTripsThroughTheRegistry()
    {
        Assert.Contains("AdditiveAttention", LayerRegistry.KnownTypes);
        var layer = new AdditiveAttention(useScale: false, useCausalMask: true);
        Assert.Equal(new Dictionary<string, string> { ["use_scale"] = "false", ["dropout"] = "0", ["use_causal_mask"] = "true" }, layer.GetConfig());
        var copy = Assert.IsType<AdditiveAttention>(LayerRegistry.Create(layer.TypeName, layer.GetConfig(), "test"));
        Assert.Equal((false, true), (copy.UseScale, copy.UseCausalMask));
        var keras = Assert.IsType<AdditiveAttention>(LayerRegistry.Create("AdditiveAttention", new Dictionary<string, string> { ["dropout"] = "0.0" }, "test"));
        Assert.Equal((true, false), (keras.UseScale, keras.UseCausalMask));
        Assert.Equal("0.5", new AdditiveAttention(dropout: 0.5).GetConfig()["dropout"]);
        Assert.Throws<Gated.IO.ModelFormatException>(() => LayerRegistry.Create("AdditiveAttention", new Dictionary<string, string> { ["dropout"] = "1.5" }, "test"));
        Assert.Equal("dropout", Assert.Throws<ArgumentOutOfRangeException>(() => new AdditiveAttention(dropout: -0.5)).ParamName);
    }

    [Fact]
    public void InputsItCannotTakeAreRefusedWithReasons()
    {
        var wrongFeatures = Assert.Throws<ArgumentException>(() => new AdditiveAttention().Build([[2, 3], [5, 4], [5, 4]], new SeededRandom(0)));
        Assert.StartsWith("AdditiveAttention query (2, 3) and key (5, 4) must have the same number of features.", wrongFeatures.Message, StringComparison.Ordinal);
        var sequential = Assert.Throws<ArgumentException>(() => new Sequential(new AdditiveAttention()).Build([4, 3], seed: 0));
        Assert.Contains("AdditiveAttention takes [query, value] or [query, value, key], got 1 input.", sequential.Message, StringComparison.Ordinal);
    }
}
