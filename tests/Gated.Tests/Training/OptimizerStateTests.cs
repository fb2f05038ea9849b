using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

/// <summary>GetState/SetState: an optimizer rebuilt from another's state continues bit for bit; bad states are refused.</summary>
public sealed class OptimizerStateTests
{
    public static TheoryData<string> Kinds => new() { "sgd", "sgd_momentum", "sgd_nesterov", "adam", "adamw", "rmsprop", "rmsprop_full" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ARestoredOptimizerContinuesBitForBit(string kind)
    {
        var random = new SeededRandom(5);
        float[] start = TestData.Uniform(random, 9, 1);
        float[][] gradients = Enumerable.Range(0, 6).Select(_ => TestData.Uniform(random, 9, 2)).ToArray();

        var straight = Create(kind);
        float[] p = (float[])start.Clone();
        foreach (var g in gradients)
        {
            straight.Step(p, (float[])g.Clone());
        }

        var first = Create(kind);
        float[] q = (float[])start.Clone();
        for (int s = 0; s < 3; s++)
        {
            first.Step(q, (float[])gradients[s].Clone());
        }

        var resumed = Create(kind);
        resumed.SetState(first.GetState(), first.Iterations);
        Assert.Equal(3, resumed.Iterations);
        for (int s = 3; s < gradients.Length; s++)
        {
            resumed.Step(q, (float[])gradients[s].Clone());
        }

        Assert.Equal(p, q);
        Assert.Equal(first.StateNames.Order(StringComparer.Ordinal), resumed.GetState().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GetStateCopiesTheBuffersAndIsEmptyBeforeTheFirstStep()
    {
        var adam = new Adam();
        Assert.Empty(adam.GetState());
        float[] p = [1f, 2f];
        adam.Step(p, [0.5f, -0.5f]);
        var state = adam.GetState();
        Assert.Equal(["m", "v"], state.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0.05f, state["m"][0], 7);
        state["m"][0] = 99f;
        Assert.Equal(0.05f, adam.GetState()["m"][0], 7);
    }

    [Fact]
    public void SetStateRefusesWrongNamesLengthsAndCounts()
    {
        var adam = new Adam();
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => adam.SetState(new Dictionary<string, float[]> { ["m"] = [1f] }, 1)).ParamName);
        Assert.Equal("state", Assert.Throws<ArgumentException>(() =>
            adam.SetState(new Dictionary<string, float[]> { ["m"] = [1f], ["velocity"] = [1f] }, 1)).ParamName);
        var e = Assert.Throws<ArgumentException>(() => adam.SetState(new Dictionary<string, float[]> { ["m"] = [1f, 2f], ["v"] = [1f] }, 1));
        Assert.Equal("state", e.ParamName);
        Assert.Contains("'v' has 1 values", e.Message, StringComparison.Ordinal);
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => adam.SetState(new Dictionary<string, float[]>(), 4)).ParamName);
        Assert.Equal("iterations", Assert.Throws<ArgumentOutOfRangeException>(() => adam.SetState(new Dictionary<string, float[]>(), -1)).ParamName);
        Assert.Equal(0, adam.Iterations);

        // Plain SGD keeps no buffers, so any iteration count restores from nothing.
        var sgd = new Sgd();
        sgd.SetState(new Dictionary<string, float[]>(), 12);
        Assert.Equal(12, sgd.Iterations);
        Assert.Throws<ArgumentException>(() => sgd.SetState(new Dictionary<string, float[]> { ["momentum"] = [0f] }, 1));
    }

    [Fact]
    public void ARestoredStateMustFitTheParameters()
    {
        var adam = new Adam();
        adam.SetState(new Dictionary<string, float[]> { ["m"] = new float[3], ["v"] = new float[3] }, 2);
        var e = Assert.Throws<ArgumentException>(() => adam.Step(new float[4], new float[4]));
        Assert.Equal("parameters", e.ParamName);
        adam.Step(new float[3], new float[3]);
        Assert.Equal(3, adam.Iterations);
    }

    [Fact]
    public void ConfigListsHyperParametersUnderKerasNames()
    {
        Assert.Equal(
            new Dictionary<string, string> { ["beta_1"] = "0.9", ["beta_2"] = "0.999", ["epsilon"] = "1E-07", ["global_clipnorm"] = "1" },
            new Adam { GlobalClipNorm = 1f }.GetConfig());
        Assert.Equal(new Dictionary<string, string> { ["momentum"] = "0.5", ["nesterov"] = "true" }, new Sgd(0.1f, 0.5f, nesterov: true).GetConfig());
        Assert.Equal("ExponentialDecay(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=false)",
            new Sgd(new ExponentialDecay(0.1f, 10, 0.5f)).GetConfig()["learning_rate_schedule"]);
    }

    internal static Optimizer Create(string kind) => kind switch
    {
        "sgd" => new Sgd(0.05f),
        "sgd_momentum" => new Sgd(0.05f, momentum: 0.9f),
        "sgd_nesterov" => new Sgd(0.05f, momentum: 0.9f, nesterov: true),
        "adam" => new Adam(0.01f),
        "adamw" => new AdamW(0.01f, weightDecay: 0.1f),
        "rmsprop" => new RmsProp(0.01f),
        "rmsprop_full" => new RmsProp(0.01f, momentum: 0.5f, centered: true),
        _ => throw new ArgumentException(kind, nameof(kind)),
    };
}
