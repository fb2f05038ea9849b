using Gated.Time;
using Xunit;

namespace Gated.Tests.Time;

public class RegularSeriesTests
{
    [Fact]
    public void FilledMarksTheInsertedRows()
    {
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset[] times = [start, start.AddHours(3)];

        var series = TimeGrid.Regularize(times, [[1f, 4f]], ["x"], Frequency.Hourly, GapFill.ForwardFill, "x.csv", TimestampKind.DateTime);

        Assert.Equal([false, true, true, false], series.Filled);
        Assert.Equal(series.Filled.Count(f => f), series.FilledCount);
        Assert.Equal(series.Times.Length, series.Columns[0].Length);
    }
}
