using Gated.Forecasting;
using Xunit;

namespace Gated.Tests.Forecasting;

public sealed class ForecastOptionsTests
{
    public static TheoryData<ForecastOptions, string, string> Invalid => new()
    {
        { new ForecastOptions { Horizon = 0 }, "Horizon", "Horizon must be a positive integer, got '0'" },
        { new ForecastOptions { Window = -1 }, "Window", "Window must be a positive integer, got '-1'" },
        { new ForecastOptions { Quantiles = [0f, 0.5f] }, "Quantiles", "Quantiles must be strictly between 0 and 1, got '0'" },
        { new ForecastOptions { Quantiles = [0.5f, 1f] }, "Quantiles", "Quantiles must be strictly between 0 and 1, got '1'" },
        { new ForecastOptions { Quantiles = [0.9f, 0.1f] }, "Quantiles", "Quantiles must be strictly increasing, got '0.9,0.1'" },
        { new ForecastOptions { Quantiles = [0.1f, 0.5f, 0.5f] }, "Quantiles", "Quantiles must be strictly increasing, got '0.1,0.5,0.5'" },
        { new ForecastOptions { Season = 1 }, "Season", "Season must be at least 2, got '1'" },
        { new ForecastOptions { TestFraction = 0 }, "TestFraction", "TestFraction must be a number in (0, 1), got '0'" },
        { new ForecastOptions { TestFraction = 1 }, "TestFraction", "TestFraction must be a number in (0, 1), got '1'" },
        { new ForecastOptions { ValidationFraction = 1 }, "ValidationFraction", "ValidationFraction must be a number in [0, 1), got '1'" },
        { new ForecastOptions { BacktestFolds = 1 }, "BacktestFolds", "BacktestFolds must be at least 2 (or 0 for no backtest), got '1'" },
        { new ForecastOptions { BacktestFolds = -1 }, "BacktestFolds", "BacktestFolds must be at least 2 (or 0 for no backtest), got '-1'" },
        { new ForecastOptions { Retrain = true }, "Retrain", "Retrain refits at each origin of a backtest; give BacktestFolds too" },
        {
            new ForecastOptions { Strategy = ForecastStrategy.Recursive, Covariates = ["rain"] }, "Strategy",
            "the recursive Strategy feeds its forecasts back, but Covariates are observed only up to the origin; use the direct strategy with covariates"
        },
        {
            new ForecastOptions { Strategy = ForecastStrategy.Recursive, Quantiles = [0.1f, 0.9f] }, "Strategy",
            "the recursive Strategy feeds back one value per step, which gives no honest intervals beyond the first; use the direct strategy with Quantiles"
        },
        { new ForecastOptions { Covariates = ["a", "b", "a"] }, "Covariates", "Covariates names a column twice, got 'a,b,a'" },
        // 1 layer · 4 gates · 100000 · (2 · 100000 + 2) = 80000800000 parameters
        {
            new ForecastOptions { Units = 100_000 }, "Units",
            "Units is too large for one parameter array (1 layer(s) of 100000 units need about 80000800000 parameters; at most 2147483591 fit), got '100000'"
        },
        { new ForecastOptions { Strategy = (ForecastStrategy)7 }, "Strategy", "Strategy must be direct or recursive, got '7'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void ValidateNamesTheOptionAndTheValue(ForecastOptions options, string option, string message)
    {
        var e = Assert.Throws<InvalidOptionException>(options.Validate);

        Assert.Equal(option, e.Option);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void AFrontEndCanNameTheOptionsItsOwnWay()
    {
        var e = Assert.Throws<InvalidOptionException>(new ForecastOptions { Retrain = true }.Validate);

        Assert.Equal("--retrain refits at each origin of a backtest; give --backtest-folds too",
            e.Describe(name => name == "Retrain" ? "--retrain" : "--backtest-folds"));
    }

    [Fact]
    public void TheDefaultsAndTheEdgesOfEachRangeAreValid()
    {
        new ForecastOptions().Validate();
        new ForecastOptions { Season = 2, BacktestFolds = 2, Retrain = true, ValidationFraction = 0, Patience = 0, Quantiles = [0.01f, 0.99f] }.Validate();
        new ForecastOptions { Strategy = ForecastStrategy.Recursive, Horizon = 5 }.Validate();
    }

    [Fact]
    public void TrainedQuantilesAddTheMedianInOrder()
    {
        Assert.Empty(new ForecastOptions().TrainedQuantiles);
        Assert.Equal([0.1f, 0.5f, 0.9f], new ForecastOptions { Quantiles = [0.1f, 0.9f] }.TrainedQuantiles);
        Assert.Equal([0.5f, 0.6f, 0.8f], new ForecastOptions { Quantiles = [0.6f, 0.8f] }.TrainedQuantiles);
        Assert.Equal([0.05f, 0.2f, 0.5f], new ForecastOptions { Quantiles = [0.05f, 0.2f] }.TrainedQuantiles);
        Assert.Equal([0.25f, 0.5f, 0.75f], new ForecastOptions { Quantiles = [0.25f, 0.5f, 0.75f] }.TrainedQuantiles);
    }
}
