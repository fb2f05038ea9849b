using Gated.Forecasting.Evaluation;
using Xunit;

namespace Gated.Tests.Forecasting.Evaluation;

public sealed class ForecastErrorsTests
{
    // The shared example: a − f = −1, 0, −1, 1; |a − f| = 1, 0, 1, 1.
    private static readonly float[] Actual = [1, 2, 0, 4];
    private static readonly float[] Forecast = [2, 2, 1, 3];

    [Fact]
    public void MaeIsTheMeanAbsoluteDifference()
    {
        // (1 + 0 + 1 + 1) / 4 = 0.75
        Assert.Equal(0.75, ForecastErrors.Mae(Actual, Forecast), 12);
    }

    [Fact]
    public void RmseIsTheRootOfTheMeanSquare()
    {
        // √((1 + 0 + 1 + 1) / 4) = √0.75 = 0.8660254…
        Assert.Equal(Math.Sqrt(0.75), ForecastErrors.Rmse(Actual, Forecast), 12);
    }

    [Fact]
    public void MapeSkipsZeroActualsAndCountsThem()
    {
        // a = 1: 100·1/1 = 100; a = 2: 0; a = 0: skipped; a = 4: 100·1/4 = 25 → (100 + 0 + 25) / 3 = 41.666…
        var mape = ForecastErrors.Mape(Actual, Forecast);
        Assert.Equal(125.0 / 3, mape.Percent, 12);
        Assert.Equal(3, mape.Used);
        Assert.Equal(1, mape.SkippedZeros);
    }

    [Fact]
    public void MapeOfOnlyZeroActualsIsNaN()
    {
        var mape = ForecastErrors.Mape([0, 0], [1, 0]);
        Assert.True(double.IsNaN(mape.Percent));
        Assert.Equal(new MapeResult(double.NaN, 0, 2), mape);
    }

    [Fact]
    public void SmapeIsTheMeanOfSymmetricPercentages()
    {
        // 200·1/(1+2) = 200/3; 200·0/4 = 0; 200·1/(0+1) = 200; 200·1/(4+3) = 200/7
        // → (200/3 + 200 + 200/7) / 4 = (1400 + 4200 + 600) / 21 / 4 = 6200/84 = 73.8095…
        Assert.Equal(6200.0 / 84, ForecastErrors.Smape(Actual, Forecast), 12);
    }

    [Fact]
    public void SmapeCountsAZeroOverZeroTermAsNoError()
    {
        // a = f = 0: 0; 200·|1 − 2|/(2 + 1) = 200/3 → (0 + 200/3) / 2 = 100/3
        Assert.Equal(100.0 / 3, ForecastErrors.Smape([0, 2], [0, 1]), 12);
    }

    [Fact]
    public void SmapeIsTwoHundredWhenOneSideIsZero()
    {
        // 200·|5 − 0|/(0 + 5) = 200
        Assert.Equal(200, ForecastErrors.Smape([0], [5]), 12);
    }

    [Fact]
    public void MaseScaleWithSeasonOneIsTheMeanAbsoluteFirstDifference()
    {
        // |3−1| + |2−3| + |5−2| + |4−5| = 2 + 1 + 3 + 1 = 7 over 4 differences = 1.75
        Assert.Equal(1.75, ForecastErrors.MaseScale([1, 3, 2, 5, 4], 1), 12);
    }

    [Fact]
    public void MaseScaleWithSeasonTwoDifferencesOneSeasonApart()
    {
        // |2−1| + |5−3| + |4−2| = 1 + 2 + 2 = 5 over 3 differences = 5/3
        Assert.Equal(5.0 / 3, ForecastErrors.MaseScale([1, 3, 2, 5, 4], 2), 12);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void MaseScaleFallsBackToSeasonOneWhenTrainingIsNotLongerThanASeason(int season)
    {
        // 3 values, m ≥ 3: m = 1 → (|3−1| + |2−3|) / 2 = 1.5
        Assert.Equal(1.5, ForecastErrors.MaseScale([1, 3, 2], season), 12);
    }

    [Fact]
    public void MaseScaleOfAConstantSeriesIsNaN()
    {
        Assert.True(double.IsNaN(ForecastErrors.MaseScale([2, 2, 2, 2], 1)));
        Assert.True(double.IsNaN(ForecastErrors.MaseScale([2, 2, 2, 2], 2)));
    }

    [Fact]
    public void MaseScaleOfAPerfectlySeasonalSeriesIsNaN()
    {
        // |1−1| + |2−2| = 0 with m = 2: no scale
        Assert.True(double.IsNaN(ForecastErrors.MaseScale([1, 2, 1, 2], 2)));
    }

    [Fact]
    public void MaseScaleOfASingleValueIsNaN()
    {
        Assert.True(double.IsNaN(ForecastErrors.MaseScale([7], 1)));
    }

    [Fact]
    public void MaseIsMaeOverTheScale()
    {
        // 0.75 / 1.75 = 3/7
        Assert.Equal(3.0 / 7, ForecastErrors.Mase(Actual, Forecast, 1.75), 12);
    }

    [Fact]
    public void MaseWithANaNScaleIsNaN()
    {
        Assert.True(double.IsNaN(ForecastErrors.Mase(Actual, Forecast, double.NaN)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.PositiveInfinity)]
    public void MaseRejectsANonPositiveOrInfiniteScale(double scale)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ForecastErrors.Mase(Actual, Forecast, scale));
        Assert.Equal("scale", e.ParamName);
    }

    [Theory]
    // a − f = −1, 0, −1, 1; term = max(q·d, (q−1)·d)
    // q = 0.1: 0.9 + 0 + 0.9 + 0.1 = 1.9 → 0.475
    [InlineData(0.1, 0.475)]
    // q = 0.5: 0.5 + 0 + 0.5 + 0.5 = 1.5 → 0.375
    [InlineData(0.5, 0.375)]
    // q = 0.9: 0.1 + 0 + 0.1 + 0.9 = 1.1 → 0.275
    [InlineData(0.9, 0.275)]
    public void PinballWeighsUnderAndOverForecastsByTheQuantile(double quantile, double expected)
    {
        Assert.Equal(expected, ForecastErrors.Pinball(Actual, Forecast, quantile), 12);
    }

    [Fact]
    public void PinballAtTheMedianIsHalfTheMae()
    {
        Assert.Equal(ForecastErrors.Mae(Actual, Forecast) / 2, ForecastErrors.Pinball(Actual, Forecast, 0.5), 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void PinballRejectsAQuantileOutsideZeroToOne(double quantile)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ForecastErrors.Pinball(Actual, Forecast, quantile));
        Assert.Equal("quantile", e.ParamName);
    }

    [Fact]
    public void CoverageCountsPointsInsideClosedIntervals()
    {
        // 0 ≤ 1 ≤ 2 in; 2 ≤ 2 ≤ 3 in (bounds included); 0.5 ≤ 0 out; 4 ≤ 4 ≤ 3 out (inverted) → 2/4
        Assert.Equal(0.5, ForecastErrors.Coverage(Actual, [0, 2, 0.5f, 4], [2, 3, 1, 3]), 12);
    }

    [Fact]
    public void CoverageIsOneWhenEveryPointIsInside()
    {
        Assert.Equal(1.0, ForecastErrors.Coverage(Actual, [0, 0, 0, 0], [5, 5, 5, 5]), 12);
    }

    [Fact]
    public void EmptySpansAreRejected()
    {
        Assert.Throws<ArgumentException>(() => ForecastErrors.Mae([], []));
        Assert.Throws<ArgumentException>(() => ForecastErrors.Rmse([], []));
        Assert.Throws<ArgumentException>(() => ForecastErrors.Mape([], []));
        Assert.Throws<ArgumentException>(() => ForecastErrors.Smape([], []));
        Assert.Throws<ArgumentException>(() => ForecastErrors.Mase([], [], 1));
        Assert.Throws<ArgumentException>(() => ForecastErrors.Pinball([], [], 0.5));
        Assert.Throws<ArgumentException>(() => ForecastErrors.Coverage([], [], []));
        Assert.Throws<ArgumentException>(() => ForecastErrors.MaseScale([], 1));
    }

    [Fact]
    public void UnequalLengthsAreRejected()
    {
        float[] three = [1, 2, 3];
        Assert.Throws<ArgumentException>(() => ForecastErrors.Mae(Actual, three));
        Assert.Throws<ArgumentException>(() => ForecastErrors.Rmse(Actual, three));
        Assert.Throws<ArgumentException>(() => ForecastErrors.Mape(Actual, three));
        Assert.Throws<ArgumentException>(() => ForecastErrors.Smape(Actual, three));
        Assert.Throws<ArgumentException>(() => ForecastErrors.Mase(Actual, three, 1));
        Assert.Throws<ArgumentException>(() => ForecastErrors.Pinball(Actual, three, 0.5));
        Assert.Equal("lower", Assert.Throws<ArgumentException>(() => ForecastErrors.Coverage(Actual, three, Forecast)).ParamName);
        Assert.Equal("upper", Assert.Throws<ArgumentException>(() => ForecastErrors.Coverage(Actual, Forecast, three)).ParamName);
    }

    [Fact]
    public void MaseScaleRejectsASeasonBelowOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ForecastErrors.MaseScale([1, 2, 3], 0));
        Assert.Equal("season", e.ParamName);
    }
}
