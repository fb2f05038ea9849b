using Gated.Forecasting.Evaluation;
using Xunit;

namespace Gated.Tests.Forecasting.Evaluation;

public sealed class BaselinesTests
{
    // y_1 … y_6; with season 3 the last season is [3, 9, 4].
    private static readonly float[] History = [5, 1, 7, 3, 9, 4];

    private static float[] Run(BaselineKind kind, float[] history, int horizon, int season = 3)
    {
        var destination = new float[horizon];
        Baselines.Forecast(kind, history, horizon, season, destination);
        return destination;
    }

    [Fact]
    public void PersistenceRepeatsTheLastValue()
    {
        Assert.Equal([4f], Run(BaselineKind.Persistence, History, 1));
        Assert.Equal([4f, 4f, 4f, 4f], Run(BaselineKind.Persistence, History, 4));
    }

    [Fact]
    public void SeasonalNaiveAtHorizonOneIsTheValueOneSeasonBefore()
    {
        // y_{6+1−3} = y_4 = 3
        Assert.Equal([3f], Run(BaselineKind.SeasonalNaive, History, 1));
    }

    [Fact]
    public void SeasonalNaiveRepeatsTheLastSeasonBeyondOneSeason()
    {
        // h = 1..3: y_4, y_5, y_6 = 3, 9, 4; h = 4..6: k = 2 → y_{6+h−6} = y_4, y_5, y_6 again; h = 7: k = 3 → y_4
        Assert.Equal([3f, 9f, 4f, 3f, 9f, 4f, 3f], Run(BaselineKind.SeasonalNaive, History, 7));
    }

    [Fact]
    public void SeasonalNaiveWorksWithExactlyOneSeasonOfHistory()
    {
        Assert.Equal([1f, 2f, 3f, 1f, 2f], Run(BaselineKind.SeasonalNaive, [1, 2, 3], 5));
    }

    [Fact]
    public void SeasonalNaiveWithSeasonOneIsPersistence()
    {
        Assert.Equal(Run(BaselineKind.Persistence, History, 3), Run(BaselineKind.SeasonalNaive, History, 3, season: 1));
    }

    [Fact]
    public void MeanIsTheMeanOfTheWholeHistory()
    {
        // (5 + 1 + 7 + 3 + 9 + 4) / 6 = 29/6
        Assert.Equal([(float)(29.0 / 6)], Run(BaselineKind.Mean, History, 1));
        Assert.Equal([(float)(29.0 / 6), (float)(29.0 / 6), (float)(29.0 / 6)], Run(BaselineKind.Mean, History, 3));
    }

    [Fact]
    public void DriftFollowsTheLineThroughTheFirstAndLastValues()
    {
        // slope (y_6 − y_1)/(6 − 1) = (4 − 5)/5 = −0.2 → 4 − 0.2h: 3.8, 3.6, 3.4
        Assert.Equal([(float)(4 - 0.2)], Run(BaselineKind.Drift, History, 1));
        Assert.Equal([(float)(4 - 0.2), (float)(4 - 0.4), (float)(4 - 0.6)], Run(BaselineKind.Drift, History, 3));
    }

    [Fact]
    public void DriftExtrapolatesALinearSeriesExactly()
    {
        // y = 2 + 3t, t = 0..5 → next: 20, 23, 26, 29
        Assert.Equal([20f, 23f, 26f, 29f], Run(BaselineKind.Drift, [2, 5, 8, 11, 14, 17], 4));
    }

    [Fact]
    public void DriftFromASingleValueIsPersistence()
    {
        Assert.Equal([7f, 7f, 7f], Run(BaselineKind.Drift, [7], 3));
    }

    [Fact]
    public void ValuesPastTheHorizonAreLeftAlone()
    {
        var destination = new float[] { -1, -1, -1, -1 };
        Baselines.Forecast(BaselineKind.Persistence, History, 2, 1, destination);
        Assert.Equal([4f, 4f, -1f, -1f], destination);
    }

    [Fact]
    public void SeasonIsIgnoredByTheOtherBaselines()
    {
        Assert.Equal([4f], Run(BaselineKind.Persistence, History, 1, season: 0));
        Assert.Equal([4f], Run(BaselineKind.Persistence, [4], 1, season: 12));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Equal("history", Assert.Throws<ArgumentException>(() => Run(BaselineKind.Mean, [], 1)).ParamName);
        Assert.Equal("horizon", Assert.Throws<ArgumentOutOfRangeException>(() => Run(BaselineKind.Mean, History, 0)).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(
            () => Baselines.Forecast(BaselineKind.Mean, History, 3, 1, new float[2])).ParamName);
        Assert.Equal("history", Assert.Throws<ArgumentException>(
            () => Run(BaselineKind.SeasonalNaive, [1, 2], 1, season: 3)).ParamName);
        Assert.Equal("season", Assert.Throws<ArgumentOutOfRangeException>(
            () => Run(BaselineKind.SeasonalNaive, History, 1, season: 0)).ParamName);
        Assert.Equal("kind", Assert.Throws<ArgumentOutOfRangeException>(() => Run((BaselineKind)99, History, 1)).ParamName);
    }

    [Fact]
    public void NamesAndKeys()
    {
        Assert.Equal("persistence", Baselines.Name(BaselineKind.Persistence));
        Assert.Equal("seasonal naive", Baselines.Name(BaselineKind.SeasonalNaive));
        Assert.Equal("mean", Baselines.Name(BaselineKind.Mean));
        Assert.Equal("drift", Baselines.Name(BaselineKind.Drift));
        Assert.Equal("persistence", Baselines.Key(BaselineKind.Persistence));
        Assert.Equal("seasonal_naive", Baselines.Key(BaselineKind.SeasonalNaive));
        Assert.Equal("mean", Baselines.Key(BaselineKind.Mean));
        Assert.Equal("drift", Baselines.Key(BaselineKind.Drift));
        Assert.Throws<ArgumentOutOfRangeException>(() => Baselines.Name((BaselineKind)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => Baselines.Key((BaselineKind)99));
    }
}
