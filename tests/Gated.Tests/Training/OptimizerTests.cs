using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

public sealed class OptimizerTests
{
    [Fact]
    public void SgdWithMomentumFollowsTheHeavyBallRecurrence()
    {
        var sgd = new Sgd(learningRate: 0.1f, momentum: 0.9f);
        float[] p = [1f];
        float[] g = [2f];
        sgd.Step(p, g);   // b = 2, p = 1 − 0.2
        Assert.Equal(0.8f, p[0], 6);
        g[0] = 1f;
        sgd.Step(p, g);   // b = 0.9·2 + 1 = 2.8, p = 0.8 − 0.28
        Assert.Equal(0.52f, p[0], 6);
    }

    [Fact]
    public void AdamFirstStepMovesEachParameterByTheLearningRate()
    {
        // With bias correction, the first step is lr · g/(|g| + ε') whatever the gradient's scale.
        var adam = new Adam(learningRate: 0.01f);
        float[] p = [1f, 1f, 1f];
        float[] g = [1000f, -0.5f, 3e-3f];
        adam.Step(p, g);
        Assert.Equal(0.99f, p[0], 5);
        Assert.Equal(1.01f, p[1], 5);
        Assert.Equal(0.99f, p[2], 4);
    }

    [Fact]
    public void GlobalNormClippingScalesAllGradientsTogether()
    {
        var sgd = new Sgd(1f) { GlobalClipNorm = 1f };
        float[] p = [0f, 0f];
        float[] g = [3f, 4f];   // norm 5 → scaled to (0.6, 0.8)
        sgd.Step(p, g);
        Assert.Equal(-0.6f, p[0], 6);
        Assert.Equal(-0.8f, p[1], 6);

        float[] small = [0.3f, 0.4f];   // norm 0.5 ≤ 1: unchanged
        Assert.Equal(0.5, Optimizer.ClipByGlobalNorm(small, 1f), 6);
        Assert.Equal(0.3f, small[0]);
    }

    [Theory]
    [InlineData(-0.01f)]
    [InlineData(0f)]
    [InlineData(float.NaN)]
    public void NonPositiveLearningRatesAreRejected(float lr)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(lr));
        Assert.Equal("LearningRate", e.ParamName);
    }
}
