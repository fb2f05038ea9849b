using Gated.Forecasting.Evaluation;
using Xunit;

namespace Gated.Tests.Forecasting.Evaluation;

public sealed class MapeResultTests
{
    [Fact]
    public void UsedAndSkippedZerosAddUpToThePoints()
    {
        // actual [0, 5, 0, 10], forecast [1, 4, 0, 12]: 100·1/5 = 20, 100·2/10 = 20 → 20 over 2 points, 2 skipped
        var mape = ForecastErrors.Mape([0, 5, 0, 10], [1, 4, 0, 12]);
        Assert.Equal(20, mape.Percent, 12);
        Assert.Equal(4, mape.Used + mape.SkippedZeros);
        Assert.Equal(2, mape.SkippedZeros);
    }

    [Fact]
    public void IsAValue()
    {
        Assert.Equal(new MapeResult(12.5, 3, 1), new MapeResult(12.5, 3, 1));
        Assert.NotEqual(new MapeResult(12.5, 3, 1), new MapeResult(12.5, 4, 0));
    }
}
