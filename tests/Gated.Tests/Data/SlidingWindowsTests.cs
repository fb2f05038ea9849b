using Gated.Data;
using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Data;

public class SlidingWindowsTests
{
    private static readonly float[] Series = [1, 2, 3, 4, 5, 6];

    [Fact]
    public void WindowsAndNextValueTargets()
    {
        (Tensor inputs, Tensor targets) = SlidingWindows.Create(Series, window: 3);

        Assert.Equal([3, 3, 1], inputs.Shape);
        Assert.Equal([3, 1], targets.Shape);
        Assert.Equal([1, 2, 3, 2, 3, 4, 3, 4, 5], inputs.Data);
        Assert.Equal([4, 5, 6], targets.Data);
    }

    [Fact]
    public void HorizonSkipsAhead()
    {
        (Tensor inputs, Tensor targets) = SlidingWindows.Create(Series, window: 2, horizon: 3);

        // N = 6 − 2 − 3 + 1 = 2; window i is series[i..i+1], target series[i + 2 + 3 − 1].
        Assert.Equal([2, 2, 1], inputs.Shape);
        Assert.Equal([1, 2, 2, 3], inputs.Data);
        Assert.Equal([5, 6], targets.Data);
    }

    [Fact]
    public void ExactlyEnoughValuesGiveOneWindow()
    {
        (Tensor inputs, Tensor targets) = SlidingWindows.Create(Series, window: 4, horizon: 2);

        Assert.Equal([1, 4, 1], inputs.Shape);
        Assert.Equal([1, 2, 3, 4], inputs.Data);
        Assert.Equal([6], targets.Data);
    }

    [Theory]
    [InlineData(10, 3, 1, 7)]
    [InlineData(10, 3, 2, 6)]
    [InlineData(10, 1, 1, 9)]
    [InlineData(5, 4, 1, 1)]
    [InlineData(4, 4, 1, 0)]
    [InlineData(0, 1, 1, 0)]
    [InlineData(5698, 30, 1, 5668)]
    public void CountIsLengthMinusWindowMinusHorizonPlusOne(int length, int window, int horizon, int expected)
    {
        Assert.Equal(expected, SlidingWindows.Count(length, window, horizon));
        if (expected > 0)
        {
            var series = new float[length];
            Assert.Equal(expected, SlidingWindows.Create(series, window, horizon).Inputs.Shape[0]);
        }
    }

    [Fact]
    public void CountDoesNotOverflow()
    {
        Assert.Equal(0, SlidingWindows.Count(10, int.MaxValue, int.MaxValue));
    }

    [Theory]
    [InlineData(0, 1, "window")]
    [InlineData(-1, 1, "window")]
    [InlineData(2, 0, "horizon")]
    public void SizesBelowOneAreRejected(int window, int horizon, string paramName)
    {
        Assert.Equal(paramName, Assert.Throws<ArgumentOutOfRangeException>(() => SlidingWindows.Create(Series, window, horizon)).ParamName);
        Assert.Equal(paramName, Assert.Throws<ArgumentOutOfRangeException>(() => SlidingWindows.Count(10, window, horizon)).ParamName);
    }

    [Fact]
    public void TooShortSeriesSaysHowManyValuesAreNeeded()
    {
        var ex = Assert.Throws<ArgumentException>(() => SlidingWindows.Create(new float[50], window: 100, horizon: 1));

        Assert.Equal("window", ex.ParamName);
        Assert.StartsWith("window 100 plus horizon 1 needs at least 101 values; the series has 50", ex.Message);
    }

    [Fact]
    public void LastIsTheFinalWindow()
    {
        Tensor last = SlidingWindows.Last(Series, window: 3);

        Assert.Equal([1, 3, 1], last.Shape);
        Assert.Equal([4, 5, 6], last.Data);
    }

    [Fact]
    public void LastMayCoverTheWholeSeries()
    {
        Assert.Equal(Series, SlidingWindows.Last(Series, window: 6).Data);
    }

    [Fact]
    public void LastRejectsBadWindows()
    {
        Assert.Equal("window", Assert.Throws<ArgumentOutOfRangeException>(() => SlidingWindows.Last(Series, 0)).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => SlidingWindows.Last(Series, 7));
        Assert.Equal("window", ex.ParamName);
        Assert.StartsWith("window 7 needs at least 7 values; the series has 6", ex.Message);
    }

    [Fact]
    public void CountRejectsNegativeLength()
    {
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => SlidingWindows.Count(-1, 1, 1)).ParamName);
    }
}
