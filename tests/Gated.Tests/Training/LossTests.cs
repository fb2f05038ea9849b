using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

public sealed class LossTests
{
    [Fact]
    public void MeanSquaredErrorAndItsGradient()
    {
        float[] grad = new float[3];
        double loss = Loss.MeanSquaredError.Compute([1f, 2f, 4f], [1f, 0f, 1f], grad);
        Assert.Equal((0 + 4 + 9) / 3.0, loss, 10);
        Assert.Equal([0f, 4f / 3, 2f], grad);
    }

    [Fact]
    public void MeanAbsoluteErrorAndItsGradient()
    {
        float[] grad = new float[3];
        double loss = Loss.MeanAbsoluteError.Compute([1f, 2f, -4f], [1f, 0f, 1f], grad);
        Assert.Equal((0 + 2 + 5) / 3.0, loss, 10);
        Assert.Equal([0f, 1f / 3, -1f / 3], grad);
    }

    [Fact]
    public void MetricsScoreInDouble()
    {
        Assert.Equal(Math.Sqrt(12.5), ErrorScores.RootMeanSquaredError([1f, 5f], [4f, 1f]), 10);
        Assert.Equal(3.5, ErrorScores.MeanAbsoluteError([1f, 5f], [4f, 1f]), 10);
    }
}
