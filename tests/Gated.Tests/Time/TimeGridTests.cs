using Gated.Data;
using Gated.Time;
using Xunit;

namespace Gated.Tests.Time;

public class TimeGridTests
{
    private static DateTimeOffset Day(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    private static RegularSeries Daily(DateTimeOffset[] times, float[][] columns, GapFill fill) =>
        TimeGrid.Regularize(times, columns, columns.Select((_, c) => $"c{c}").ToArray(), Frequency.Daily, fill, "data/x.csv", TimestampKind.Date);

    [Fact]
    public void ARegularSeriesComesBackUnchanged()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 2), Day(2020, 1, 3)];

        var series = Daily(times, [[1f, 2f, 3f]], GapFill.None);

        Assert.Equal(times, series.Times);
        Assert.Equal([1f, 2f, 3f], series.Columns[0]);
        Assert.Equal(0, series.FilledCount);
    }

    [Fact]
    public void AGapWithoutFillIsAnErrorNamingItsLine()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 2), Day(2020, 1, 3), Day(2020, 1, 7)];

        var ex = Assert.Throws<DataFormatException>(() => Daily(times, [[1f, 2f, 3f, 4f]], GapFill.None));

        Assert.Equal(
            "data/x.csv line 5: gap in the dates: 3 missing daily step(s) between 2020-01-03 and 2020-01-07; "
            + "use --fill ffill or --fill linear to fill gaps",
            ex.Message);
        Assert.Equal(5, ex.Line);
    }

    [Fact]
    public void GapMessagesWriteTheFileKindOfTime()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1, 0), Day(2020, 1, 1, 15).AddMinutes(15)];

        var ex = Assert.Throws<DataFormatException>(() => TimeGrid.Regularize(
            times, [], [], Frequency.Fixed(TimeSpan.FromMinutes(15)), GapFill.None, "q.csv", TimestampKind.DateTime, lines: [3, 4]));

        Assert.Equal(
            "q.csv line 4: gap in the dates: 60 missing 15-minute step(s) between 2020-01-01T00:00:00 and 2020-01-01T15:15:00; "
            + "use --fill ffill or --fill linear to fill gaps",
            ex.Message);
    }

    [Fact]
    public void ForwardFillRepeatsTheLastValueOfEveryColumn()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 3), Day(2020, 1, 4), Day(2020, 1, 7)];

        var series = Daily(times, [[1f, 2f, 3f, 4f], [10f, -20f, 30f, 40f]], GapFill.ForwardFill);

        Assert.Equal(Enumerable.Range(1, 7).Select(d => Day(2020, 1, d)), series.Times);
        Assert.Equal([1f, 1f, 2f, 3f, 3f, 3f, 4f], series.Columns[0]);
        Assert.Equal([10f, 10f, -20f, 30f, 30f, 30f, 40f], series.Columns[1]);
        Assert.Equal(3, series.FilledCount);
        Assert.Equal([false, true, false, false, true, true, false], series.Filled);
    }

    [Fact]
    public void LinearInterpolatesInStepIndex()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 5), Day(2020, 1, 6), Day(2020, 1, 8)];

        var series = Daily(times, [[1f, 5f, 0f, 1f], [10f, -10f, 3f, 3f]], GapFill.Linear);

        // 1 → 5 over 4 steps: 2, 3, 4; 0 → 1 over 2 steps: 0.5. 10 → -10: 5, 0, -5; 3 → 3: 3.
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 0f, 0.5f, 1f], series.Columns[0]);
        Assert.Equal([10f, 5f, 0f, -5f, -10f, 3f, 3f, 3f], series.Columns[1]);
        Assert.Equal(4, series.FilledCount);
    }

    [Fact]
    public void LinearFillOfThirds()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 4)];

        var series = Daily(times, [[0f, 1f]], GapFill.Linear);

        Assert.Equal([0f, 1f / 3f, 2f / 3f, 1f], series.Columns[0]);
    }

    [Fact]
    public void FilledMonthEndsStayAtMonthEnds()
    {
        DateTimeOffset[] times = [Day(2020, 1, 31), Day(2020, 4, 30)];

        var series = TimeGrid.Regularize(
            times, [[1f, 4f]], ["sales"], Frequency.CalendarMonths(1, monthEnd: true), GapFill.Linear, "m.csv", TimestampKind.Date);

        Assert.Equal([Day(2020, 1, 31), Day(2020, 2, 29), Day(2020, 3, 31), Day(2020, 4, 30)], series.Times);
        Assert.Equal([1f, 2f, 3f, 4f], series.Columns[0]);
    }

    [Fact]
    public void ClampedMonthsAreOnTheGridOfTheFirstTime()
    {
        // Day 30 every month: February is clamped to the 29th, and March is back on the 30th.
        DateTimeOffset[] times = [Day(2020, 1, 30), Day(2020, 2, 29), Day(2020, 3, 30)];

        var series = TimeGrid.Regularize(times, [[1f, 2f, 3f]], ["x"], Frequency.Monthly, GapFill.None, "m.csv", TimestampKind.Date);

        Assert.Equal(times, series.Times);
    }

    [Fact]
    public void ADuplicateNamesBothLines()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 2), Day(2020, 1, 3), Day(2020, 1, 3)];

        var ex = Assert.Throws<DataFormatException>(() => Daily(times, [[1f, 2f, 3f, 4f]], GapFill.Linear));

        Assert.Equal("data/x.csv line 5: duplicate timestamp 2020-01-03 (also on line 4)", ex.Message);
    }

    [Fact]
    public void RowsOutOfOrderNameTheLine()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 3), Day(2020, 1, 2)];

        var ex = Assert.Throws<DataFormatException>(() => Daily(times, [[1f, 2f, 3f]], GapFill.ForwardFill));

        Assert.Equal(
            "data/x.csv line 4: timestamp 2020-01-02 is before the previous row's 2020-01-03; rows must be in time order", ex.Message);
    }

    [Fact]
    public void ATimeOffTheGridNamesTheLine()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 2), Day(2020, 1, 2, 12)];

        var ex = Assert.Throws<DataFormatException>(() => TimeGrid.Regularize(
            times, [[1f, 2f, 3f]], ["x"], Frequency.Daily, GapFill.Linear, "data/x.csv", TimestampKind.DateTime));

        Assert.Equal(
            "data/x.csv line 4: timestamp 2020-01-02T12:00:00 is not on the daily grid (previous 2020-01-02T00:00:00)", ex.Message);
    }

    [Fact]
    public void AMonthlyTimeOffTheGrid()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 2, 1), Day(2020, 3, 2)];

        var ex = Assert.Throws<DataFormatException>(() => TimeGrid.Regularize(
            times, [], [], Frequency.Monthly, GapFill.None, "m.csv", TimestampKind.Date));

        Assert.Equal("m.csv line 4: timestamp 2020-03-02 is not on the monthly grid (previous 2020-02-01)", ex.Message);
    }

    [Fact]
    public void TheInputIsNotChanged()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 3)];
        float[] column = [1f, 3f];

        var series = Daily(times, [column], GapFill.Linear);

        Assert.Equal([1f, 3f], column);
        Assert.NotSame(column, series.Columns[0]);
        Assert.Equal([1f, 2f, 3f], series.Columns[0]);
    }

    [Fact]
    public void EmptyAndSingleRowSeries()
    {
        Assert.Empty(Daily([], [[]], GapFill.None).Times);
        Assert.Equal([7f], Daily([Day(2020, 1, 1)], [[7f]], GapFill.None).Columns[0]);
    }

    [Fact]
    public void ShapesAreChecked()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 2)];

        var ex = Assert.Throws<ArgumentException>(() => TimeGrid.Regularize(
            times, [[1f]], ["temp"], Frequency.Daily, GapFill.None, "x.csv", TimestampKind.Date));
        Assert.Contains("column 'temp' has 1 values for 2 times", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TimeGrid.Regularize(
            times, [[1f, 2f]], ["a", "b"], Frequency.Daily, GapFill.None, "x.csv", TimestampKind.Date));
    }
}
