using Gated.Data;
using Gated.Time;
using Xunit;

namespace Gated.Tests.Time;

public class TimestampsTests
{
    [Fact]
    public void ADateIsMidnightAtOffsetZero()
    {
        Assert.True(Timestamps.TryParse("2020-02-29", out var value, out var kind));

        Assert.Equal(TimestampKind.Date, kind);
        Assert.Equal(new DateTimeOffset(2020, 2, 29, 0, 0, 0, TimeSpan.Zero), value);
    }

    [Theory]
    [InlineData("2020-05-01T13:45", 13, 45, 0, 0)]
    [InlineData("2020-05-01 13:45", 13, 45, 0, 0)]
    [InlineData("2020-05-01T13:45:30", 13, 45, 30, 0)]
    [InlineData("2020-05-01 13:45:30.250", 13, 45, 30, 2_500_000)]
    [InlineData("2020-05-01T00:00:00.1234567", 0, 0, 0, 1_234_567)]
    public void ADateTimeWithoutOffsetIsHeldAtOffsetZero(string text, int hour, int minute, int second, long fractionTicks)
    {
        Assert.True(Timestamps.TryParse(text, out var value, out var kind));

        Assert.Equal(TimestampKind.DateTime, kind);
        Assert.Equal(new DateTimeOffset(2020, 5, 1, hour, minute, second, TimeSpan.Zero).AddTicks(fractionTicks), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    [InlineData("2020-05-01T13:00:00+02:00", 2, 0)]
    [InlineData("2020-05-01T13:00-05:30", -5, -30)]
    [InlineData("2020-05-01 13:00:00Z", 0, 0)]
    [InlineData("2020-05-01T13:00:00.5+14:00", 14, 0)]
    public void AnOffsetIsKept(string text, int offsetHours, int offsetMinutes)
    {
        Assert.True(Timestamps.TryParse(text, out var value, out var kind));

        Assert.Equal(TimestampKind.DateTimeOffset, kind);
        Assert.Equal(new TimeSpan(offsetHours, offsetMinutes, 0), value.Offset);
        Assert.Equal(new DateTime(2020, 5, 1), value.Date);
        Assert.Equal((13, 0), (value.Hour, value.Minute));
    }

    [Theory]
    [InlineData("2020-13-01")]
    [InlineData("2020-02-30")]
    [InlineData("2019-02-29")]
    [InlineData("2020-00-10")]
    [InlineData("1/2/2020")]
    [InlineData("2020/01/02")]
    [InlineData("20200102")]
    [InlineData("2020-1-2")]
    [InlineData(" 2020-01-02")]
    [InlineData("2020-01-02 ")]
    [InlineData("2020-01-02T24:00")]
    [InlineData("2020-01-02T12:60")]
    [InlineData("2020-01-02T12:00:60")]
    [InlineData("2020-01-02T12")]
    [InlineData("2020-01-02T12:00:00.")]
    [InlineData("2020-01-02T12:00:00.12345678")]
    [InlineData("2020-01-02T12:00+0200")]
    [InlineData("2020-01-02T12:00+15:00")]
    [InlineData("2020-01-02T12:00+02:60")]
    [InlineData("2020-01-02T12:00z")]
    [InlineData("2020-01-02X12:00")]
    [InlineData("0000-01-01")]
    [InlineData("")]
    public void OtherFormsAreRejected(string text)
    {
        Assert.False(Timestamps.TryParse(text, out _, out _));
    }

    [Fact]
    public void FormatWritesEachKindBackInIso()
    {
        var time = new DateTimeOffset(2020, 5, 1, 13, 0, 0, TimeSpan.FromHours(2));

        Assert.Equal("2020-05-01", Timestamps.Format(time, TimestampKind.Date));
        Assert.Equal("2020-05-01T13:00:00", Timestamps.Format(time, TimestampKind.DateTime));
        Assert.Equal("2020-05-01T13:00:00+02:00", Timestamps.Format(time, TimestampKind.DateTimeOffset));
        Assert.Equal("2020-05-01T13:00:00+00:00", Timestamps.Format(time.ToOffset(TimeSpan.Zero).AddHours(2), TimestampKind.DateTimeOffset));
        Assert.Equal("2020-05-01T13:00:00-05:30", Timestamps.Format(new DateTimeOffset(2020, 5, 1, 13, 0, 0, new TimeSpan(-5, -30, 0)), TimestampKind.DateTimeOffset));
    }

    [Fact]
    public void FractionalSecondsAreWrittenOnlyWhenNonZero()
    {
        var time = new DateTimeOffset(2020, 5, 1, 13, 0, 7, TimeSpan.Zero);

        Assert.Equal("2020-05-01T13:00:07", Timestamps.Format(time, TimestampKind.DateTime));
        Assert.Equal("2020-05-01T13:00:07.25", Timestamps.Format(time.AddMilliseconds(250), TimestampKind.DateTime));
        Assert.Equal("2020-05-01T13:00:07.0000001+00:00", Timestamps.Format(time.AddTicks(1), TimestampKind.DateTimeOffset));
    }

    [Theory]
    [InlineData("2020-05-01")]
    [InlineData("2020-05-01T13:00:00")]
    [InlineData("2020-05-01T13:00:00.123")]
    [InlineData("2020-05-01T13:00:00+02:00")]
    [InlineData("2020-05-01T13:00:00.5-03:00")]
    public void FormatRoundTripsParsedText(string text)
    {
        Assert.True(Timestamps.TryParse(text, out var value, out var kind));

        Assert.Equal(text, Timestamps.Format(value, kind));
    }

    [Fact]
    public void ParseReadsAColumnOfOneKind()
    {
        var times = Timestamps.Parse(["2020-01-01T00:00", " 2020-01-01T06:00 ", "2020-01-01 12:00:00"], "time", "data/x.csv", out var kind);

        Assert.Equal(TimestampKind.DateTime, kind);
        Assert.Equal([0, 6, 12], times.Select(t => t.Hour));
    }

    [Fact]
    public void ABadCellNamesItsLineAndColumn()
    {
        var ex = Assert.Throws<DataFormatException>(
            () => Timestamps.Parse(["2020-01-01", "2020-01-02", "1/3/2020"], "date", "data/x.csv", out _));

        Assert.Equal("data/x.csv line 4: '1/3/2020' in column 'date' is not an ISO 8601 date or date-time", ex.Message);
        Assert.Equal(4, ex.Line);
    }

    [Fact]
    public void LinesNameTheFileLines()
    {
        var ex = Assert.Throws<DataFormatException>(() => Timestamps.Parse(["2020-02-30"], "date", "x.csv", out _, lines: [10]));

        Assert.Equal("x.csv line 10: '2020-02-30' in column 'date' is not an ISO 8601 date or date-time", ex.Message);
    }

    [Fact]
    public void MixedKindsAreAnErrorNamingTheLine()
    {
        var ex = Assert.Throws<DataFormatException>(
            () => Timestamps.Parse(["2020-01-01", "2020-01-02", "2020-01-03T00:00"], "date", "x.csv", out _));

        Assert.Equal(
            "x.csv line 4: '2020-01-03T00:00' in column 'date' is a date-time without offset, but line 2 holds a date; "
            + "all times of a column must be of one form",
            ex.Message);
        Assert.Throws<DataFormatException>(() => Timestamps.Parse(["2020-01-01T00:00Z", "2020-01-01T01:00"], "t", "x.csv", out _));
    }

    [Fact]
    public void AnEmptyColumnIsEmpty()
    {
        Assert.Empty(Timestamps.Parse([], "date", "x.csv", out var kind));
        Assert.Equal(TimestampKind.Date, kind);
    }
}
