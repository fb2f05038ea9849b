using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers;

/// <summary>
/// Attention, AdditiveAttention and LayerNormalization against PyTorch: Fixtures/make_attention_fixtures.py writes the
/// same math in torch ops (float64 on float32 inputs) with autograd gradients of sum(output · dY) into
/// Fixtures/attention. Outputs agree to 1e-5 (absolute + relative), gradients to 1e-4 of each tensor's scale.
/// </summary>
public sealed class AttentionFixtureTests
{
    private const string Folder = "attention";

    public static TheoryData<string> AttentionCases => new(PyTorchFixture.Names("attention_", Folder));

    public static TheoryData<string> LayerNormalizationCases => new(PyTorchFixture.Names("layer_norm_", Folder));

    [Fact]
    public void TheFixturesArePresent()
    {
        Assert.Equal(9, PyTorchFixture.Names("attention_", Folder).Length);
        Assert.Equal(2, PyTorchFixture.Names("layer_norm_", Folder).Length);
    }

    [Theory]
    [MemberData(nameof(AttentionCases))]
    public void AttentionMatchesPyTorch(string name)
    {
        var f = PyTorchFixture.Load(name, Folder);
        bool useScale = f.ConfigBool("use_scale"), causal = f.ConfigBool("causal"), hasKey = f.ConfigBool("has_key");
        ScoredAttention layer = f.Config.GetProperty("score_mode").GetString() switch
        {
            "dot" => new Attention(useScale, AttentionScoreMode.Dot, useCausalMask: causal),
            "concat" => new Attention(useScale, AttentionScoreMode.Concat, useCausalMask: causal),
            _ => new AdditiveAttention(useScale, useCausalMask: causal),
        };
        string[] names = hasKey ? ["query", "value", "key"] : ["query", "value"];
        var inputs = names.Select(n => f[n].ToTensor()).ToArray();
        layer.Build(inputs.Select(x => x.Shape[1..]).ToArray(), new SeededRandom(0));
        foreach (var p in layer.Parameters)
        {
            f[p.Name].Data.CopyTo(p.Values);
        }

        Tensor?[] masks = f.Has("query_mask") ? [f["query_mask"].ToTensor(), f["value_mask"].ToTensor()] : [];
        var y = layer.Forward(inputs, masks, training: true);
        NumericAssert.Close(f["output"].ToDouble(), y.Data, 1e-5, 1e-5, name + " output");
        layer.ZeroGradients();
        var gradients = layer.BackwardInputs(f["dY"].ToTensor());
        for (int k = 0; k < names.Length; k++)
        {
            NumericAssert.CloseToScale(f["grad_" + names[k]].ToDouble(), gradients[k].Data, 1e-4, 1e-6, $"{name} d{names[k]}");
        }

        foreach (var p in layer.Parameters)
        {
            NumericAssert.CloseToScale(f["grad_" + p.Name].ToDouble(), p.Gradients, 1e-4, 1e-6, $"{name} d{p.Name}");
        }
    }

    [Theory]
    [MemberData(nameof(LayerNormalizationCases))]
    public void LayerNormalizationMatchesPyTorch(string name)
    {
        // torch.nn.LayerNorm(F, eps=1e-3): Keras's default epsilon, weight = gamma, bias = beta.
        var f = PyTorchFixture.Load(name, Folder);
        var x = f["x"].ToTensor();
        var layer = new LayerNormalization();
        Assert.Equal(f.ConfigDouble("epsilon"), layer.Epsilon);
        layer.Build(x.Shape[1..], new SeededRandom(0));
        f["weight"].Data.CopyTo(layer.Parameter("gamma").Values);
        f["bias"].Data.CopyTo(layer.Parameter("beta").Values);
        var y = layer.Forward(x, training: true);
        NumericAssert.Close(f["output"].ToDouble(), y.Data, 1e-5, 1e-5, name + " output");
        layer.ZeroGradients();
        var dx = layer.Backward(f["dY"].ToTensor());
        NumericAssert.CloseToScale(f["grad_x"].ToDouble(), dx.Data, 1e-4, 1e-6, name + " dx");
        NumericAssert.CloseToScale(f["grad_weight"].ToDouble(), layer.Parameter("gamma").Gradients, 1e-4, 1e-6, name + " dgamma");
        NumericAssert.CloseToScale(f["grad_bias"].ToDouble(), layer.Parameter("beta").Gradients, 1e-4, 1e-6, name + " dbeta");
    }
}
