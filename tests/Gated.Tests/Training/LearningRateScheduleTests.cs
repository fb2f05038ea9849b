using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

/// <summary>Each schedule's value at chosen steps (Keras's formulas worked by hand), and how optimizers follow one.</summary>
public sealed class LearningRateScheduleTests
{
    [Fact]
    public void ExponentialDecayIsSmoothOrStaircase()
    {
        var smooth = new ExponentialDecay(0.1f, decaySteps: 10, decayRate: 0.5f);
        Assert.Equal(0.1f, smooth.Rate(0));
        Assert.Equal((float)(0.1f * Math.Pow(0.5, 0.5)), smooth.Rate(5));
        Assert.Equal((float)(0.1f * 0.25), smooth.Rate(20));

        var stairs = new ExponentialDecay(0.1f, decaySteps: 10, decayRate: 0.5f, staircase: true);
        Assert.Equal(0.1f, stairs.Rate(9));
        Assert.Equal((float)(0.1f * 0.5), stairs.Rate(10));
        Assert.Equal((float)(0.1f * 0.5), stairs.Rate(19));
        Assert.Equal((float)(0.1f * 0.125), stairs.Rate(35));
    }

    [Fact]
    public void CosineDecayFallsToAlphaTimesTheInitialRateAndStays()
    {
        var cosine = new CosineDecay(0.2f, decaySteps: 100);
        Assert.Equal(0.2f, cosine.Rate(0));
        Assert.Equal(0.1f, cosine.Rate(50), 7);
        Assert.Equal((float)(0.2f * 0.5 * (1 + Math.Cos(Math.PI * 0.25))), cosine.Rate(25));
        Assert.Equal(0f, cosine.Rate(100), 9);
        Assert.Equal(0f, cosine.Rate(1000), 9);

        var floor = new CosineDecay(0.2f, decaySteps: 100, alpha: 0.1f);
        Assert.Equal((float)(0.2f * ((0.9 * 0.5) + 0.1)), floor.Rate(50));
        Assert.Equal(0.02f, floor.Rate(500), 8);
    }

    [Fact]
    public void PiecewiseConstantUsesEachValueUpToAndIncludingItsBoundary()
    {
        var pieces = new PiecewiseConstantDecay([10, 20], [1f, 0.5f, 0.1f]);
        Assert.Equal(1f, pieces.Rate(0));
        Assert.Equal(1f, pieces.Rate(10));
        Assert.Equal(0.5f, pieces.Rate(11));
        Assert.Equal(0.5f, pieces.Rate(20));
        Assert.Equal(0.1f, pieces.Rate(21));
        Assert.Equal(0.1f, pieces.Rate(1_000_000));
    }

    [Fact]
    public void SchedulesCheckTheirArguments()
    {
        Assert.Equal("decaySteps", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1f, 0, 0.5f)).ParamName);
        Assert.Equal("initialLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(-1f, 10)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(0.1f, 10, alpha: 1.5f)).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([10], [1f])).ParamName);
        Assert.Equal("boundaries", Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([10, 10], [1f, 2f, 3f])).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([10], [1f, float.NaN])).ParamName);
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(0.1f, 10).Rate(-1)).ParamName);
    }

    [Fact]
    public void AnOptimizerUsesTheScheduleAtTheCountOfEarlierUpdates()
    {
        // Plain SGD with g = 1 moves p by exactly the rate of each step: 1, 1, 0.5, 0.5, 0.25 (Keras counts from 0).
        var sgd = new Sgd(new PiecewiseConstantDecay([1, 3], [1f, 0.5f, 0.25f]));
        float[] p = [0f];
        float[] moved = new float[5];
        for (int s = 0; s < 5; s++)
        {
            Assert.Equal(sgd.Schedule!.Rate(s), sgd.LearningRate);
            float before = p[0];
            sgd.Step(p, [1f]);
            moved[s] = before - p[0];
        }

        Assert.Equal([1f, 1f, 0.5f, 0.5f, 0.25f], moved);
    }

    [Fact]
    public void AScheduledRateCannotBeSet()
    {
        foreach (Optimizer optimizer in new Optimizer[]
        {
            new Adam(new CosineDecay(0.01f, 10)), new AdamW(new CosineDecay(0.01f, 10)),
            new Sgd(new CosineDecay(0.01f, 10)), new RmsProp(new CosineDecay(0.01f, 10)),
        })
        {
            var e = Assert.Throws<InvalidOperationException>(() => optimizer.LearningRate = 0.5f);
            Assert.Contains("CosineDecay(", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal("schedule", Assert.Throws<ArgumentNullException>(() => new Adam((LearningRateSchedule)null!)).ParamName);
    }

    [Fact]
    public void AdamFollowingAScheduleEqualsAdamWithTheRateSetByHandEachStep()
    {
        var schedule = new ExponentialDecay(0.05f, decaySteps: 2, decayRate: 0.3f);
        var scheduled = new Adam(schedule);
        var manual = new Adam(0.05f);
        float[] p = [1f, -1f], q = [1f, -1f];
        for (int s = 0; s < 6; s++)
        {
            manual.LearningRate = schedule.Rate(s);
            float[] g = [0.3f * (s + 1), -0.2f];
            scheduled.Step(p, (float[])g.Clone());
            manual.Step(q, g);
        }

        Assert.Equal(q, p);
    }
}
