using Gated.Forecasting.Evaluation;
using Xunit;

namespace Gated.Tests.Forecasting.Evaluation;

public sealed class PointMetricsTests
{
    private static readonly float[] Actual = [1, 2, 0, 4];
    private static readonly float[] Forecast = [2, 2, 1, 3];

    [Fact]
    public void ComputeGathersEveryMeasure()
    {
        // See ForecastErrorsTests: MAE 0.75, RMSE √0.75, MAPE 125/3 with one zero skipped, sMAPE 6200/84, MASE 0.75/1.75 = 3/7.
        var metrics = PointMetrics.Compute(Actual, Forecast, 1.75);
        Assert.Equal(0.75, metrics.Mae, 12);
        Assert.Equal(Math.Sqrt(0.75), metrics.Rmse, 12);
        Assert.Equal(125.0 / 3, metrics.Mape, 12);
        Assert.Equal(1, metrics.MapeSkippedZeros);
        Assert.Equal(6200.0 / 84, metrics.Smape, 12);
        Assert.Equal(3.0 / 7, metrics.Mase, 12);
    }

    [Fact]
    public void ANaNScaleGivesANaNMaseAndKeepsTheRest()
    {
        var metrics = PointMetrics.Compute(Actual, Forecast, double.NaN);
        Assert.True(double.IsNaN(metrics.Mase));
        Assert.Equal(0.75, metrics.Mae, 12);
    }

    [Fact]
    public void ItemsListTheMeasuresInOrder()
    {
        var metrics = new PointMetrics(1, 2, 3, 7, 4, 5);
        Assert.Equal(
            [("mae", 1.0), ("rmse", 2.0), ("mape", 3.0), ("smape", 4.0), ("mase", 5.0)],
            metrics.Items().ToArray());
    }

    [Fact]
    public void ComputeRejectsBadArguments()
    {
        Assert.Throws<ArgumentException>(() => PointMetrics.Compute([], [], 1));
        Assert.Throws<ArgumentException>(() => PointMetrics.Compute(Actual, [1, 2], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PointMetrics.Compute(Actual, Forecast, 0));
    }
}
