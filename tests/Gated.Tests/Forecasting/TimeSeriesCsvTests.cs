using Gated.Data;
using Gated.Forecasting;
using Gated.Tests.Cli;
using Gated.Time;
using Xunit;

namespace Gated.Tests.Forecasting;

public sealed class TimeSeriesCsvTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static DateTimeOffset Day(int day) => new(2024, 1, day, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ASingleSeriesWithCovariates()
    {
        string path = _folder.File("one.csv", "date,sales,price,promo\n2024-01-01,1,9.5,0\n2024-01-02,2,9.25,1\n2024-01-03,4,9,0\n");

        var set = TimeSeriesCsv.Load(path, "sales", ["promo", "price"]);

        Assert.Equal(path, set.Source);
        Assert.Equal("sales", set.TargetName);
        Assert.Equal(["promo", "price"], set.CovariateNames);
        Assert.Equal("date", set.TimeColumn);
        Assert.Null(set.SeriesColumn);
        Assert.Equal(Frequency.Daily, set.Frequency);
        Assert.Equal(TimestampKind.Date, set.TimestampKind);
        Assert.Equal(0, set.FilledCount);
        var series = Assert.Single(set.Series);
        Assert.Null(series.Id);
        Assert.Equal([Day(1), Day(2), Day(3)], series.Times);
        Assert.Equal([1f, 2f, 4f], series.Target);
        Assert.Equal([0f, 1f, 0f], series.Covariates[0]); // in the order asked for, not the file's
        Assert.Equal([9.5f, 9.25f, 9f], series.Covariates[1]);
    }

    [Fact]
    public void LongFormatSplitsInterleavedSeriesAndRegularizesEachOnItsOwn()
    {
        // Store b skips 2024-01-03; store a has no gap. Rows of b are out of file order relative to a.
        string path = _folder.File("long.csv",
            "date,store,sales\n2024-01-01,b,10\n2024-01-01,a,1\n2024-01-02,a,2\n2024-01-02,b,20\n2024-01-03,a,3\n2024-01-04,b,50\n2024-01-04,a,4\n");

        var set = TimeSeriesCsv.Load(path, "sales", seriesColumn: "store", fill: GapFill.Linear);

        Assert.Equal("store", set.SeriesColumn);
        Assert.Equal(["b", "a"], set.Series.Select(s => s.Id)); // the order they first appear
        Assert.Equal([Day(1), Day(2), Day(3), Day(4)], set.Series[0].Times);
        Assert.Equal([10f, 20f, 35f, 50f], set.Series[0].Target); // 20 + (50 − 20)·1/2 = 35
        Assert.Equal([Day(1), Day(2), Day(3), Day(4)], set.Series[1].Times);
        Assert.Equal([1f, 2f, 3f, 4f], set.Series[1].Target);
        Assert.Equal(1, set.FilledCount);
    }

    [Fact]
    public void AnEmptySeriesIdIsAnErrorNamingItsLine()
    {
        string path = _folder.File("blank.csv", "date,store,sales\n2024-01-01,a,1\n2024-01-02,a,2\n2024-01-01, ,3\n2024-01-02,,4\n");

        var e = Assert.Throws<DataFormatException>(() => TimeSeriesCsv.Load(path, "sales", seriesColumn: "store"));

        Assert.Equal($"{path} line 4: empty cell in series column 'store'", e.Message);
    }

    [Theory]
    [InlineData("time")]
    [InlineData("timestamp")]
    [InlineData("ds")]
    public void ATimeColumnIsFoundByItsName(string name)
    {
        string path = _folder.File("named.csv", $"y,{name}\n1,2024-01-01\n2,2024-01-02\n");

        var set = TimeSeriesCsv.Load(path, "y");

        Assert.Equal(name, set.TimeColumn);
        Assert.Equal([Day(1), Day(2)], set.Series[0].Times);
    }

    [Fact]
    public void DateIsPreferredToOtherTimeNamesAndAFirstColumnOfTimestampsIsTaken()
    {
        string both = _folder.File("both.csv", "time,y,date\n2024-02-01,1,2024-01-01\n2024-02-02,2,2024-01-02\n");
        Assert.Equal("date", TimeSeriesCsv.Load(both, "y").TimeColumn);

        string first = _folder.File("first.csv", "when,y\n2024-01-01T06:00:00,1\n2024-01-01T12:00:00,2\n2024-01-01T18:00:00,3\n");
        var set = TimeSeriesCsv.Load(first, "y");
        Assert.Equal("when", set.TimeColumn);
        Assert.Equal(Frequency.Fixed(TimeSpan.FromHours(6)), set.Frequency);
        Assert.Equal(TimestampKind.DateTime, set.TimestampKind);
    }

    [Fact]
    public void AFileWithoutATimeColumnIsAnError()
    {
        string path = _folder.File("none.csv", "when,y\nmonday,1\ntuesday,2\n");

        var e = Assert.Throws<DataFormatException>(() => TimeSeriesCsv.Load(path, "y"));

        Assert.Equal(
            $"{path}: no time column (one named date, time, timestamp, datetime, ds, or a first column of ISO 8601 dates); name it with --date-column",
            e.Message);
    }

    [Fact]
    public void ACovariateThatIsNotANumberNamesLineAndColumn()
    {
        string path = _folder.File("text.csv", "date,y,price\n2024-01-01,1,9\n2024-01-02,2,cheap\n");

        var e = Assert.Throws<DataFormatException>(() => TimeSeriesCsv.Load(path, "y", ["price"]));

        Assert.Equal($"{path} line 3, column 'price': 'cheap' is not a number", e.Message);
        Assert.Equal(3, e.Line);
        Assert.Equal("price", e.Column);
    }

    [Fact]
    public void AMissingCovariateIsNamed()
    {
        string path = _folder.File("missing.csv", "date,y,price\n2024-01-01,1,9\n2024-01-02,2,8\n");

        var e = Assert.Throws<DataFormatException>(() => TimeSeriesCsv.Load(path, "y", ["promo"]));

        Assert.StartsWith($"{path}: column 'promo' not found", e.Message);
        Assert.Equal("promo", e.Column);
    }

    [Fact]
    public void TheTimeColumnCannotAlsoBeTheSeriesColumnOrTheTarget()
    {
        string path = _folder.File("clash.csv", "date,y\n2024-01-01,1\n2024-01-02,2\n");

        var series = Assert.Throws<DataFormatException>(() => TimeSeriesCsv.Load(path, "y", seriesColumn: "date"));
        Assert.Equal($"{path}: column 'date' is the time column; it cannot also be a value or series column", series.Message);

        var target = Assert.Throws<DataFormatException>(() => TimeSeriesCsv.Load(path, "date"));
        Assert.Equal($"{path}: column 'date' is the time column; it cannot also be a value or series column", target.Message);
    }

    [Fact]
    public void TheSeriesColumnCannotAlsoBeTheTarget()
    {
        string path = _folder.File("series.csv", "date,y\n2024-01-01,1\n2024-01-02,2\n");

        var e = Assert.Throws<DataFormatException>(() => TimeSeriesCsv.Load(path, "y", seriesColumn: "y"));

        Assert.Equal($"{path}: column 'y' is the series column; it cannot also be the target or a covariate", e.Message);
    }

    private const string Gap = "date,y,x\n2024-01-01,1,10\n2024-01-02,2,20\n2024-01-05,8,50\n2024-01-06,9,60\n";

    [Fact]
    public void AGapWithoutAFillIsAnErrorNamingItsLine()
    {
        string path = _folder.File("gap.csv", Gap);

        var e = Assert.Throws<DataFormatException>(() => TimeSeriesCsv.Load(path, "y", ["x"]));

        Assert.Equal(
            $"{path} line 4: gap in the dates: 2 missing daily step(s) between 2024-01-02 and 2024-01-05; use --fill ffill or --fill linear to fill gaps",
            e.Message);
    }

    [Fact]
    public void GapsAreFilledForwardOrLinearlyAndCounted()
    {
        string path = _folder.File("gap.csv", Gap);

        var forward = TimeSeriesCsv.Load(path, "y", ["x"], fill: GapFill.ForwardFill);
        var linear = TimeSeriesCsv.Load(path, "y", ["x"], fill: GapFill.Linear);

        Assert.Equal([Day(1), Day(2), Day(3), Day(4), Day(5), Day(6)], forward.Series[0].Times);
        Assert.Equal([1f, 2f, 2f, 2f, 8f, 9f], forward.Series[0].Target);
        Assert.Equal([10f, 20f, 20f, 20f, 50f, 60f], forward.Series[0].Covariates[0]);
        Assert.Equal(2, forward.FilledCount);
        // 2 → 8 over 3 steps: 4, 6; 20 → 50: 30, 40
        Assert.Equal([1f, 2f, 4f, 6f, 8f, 9f], linear.Series[0].Target);
        Assert.Equal([10f, 20f, 30f, 40f, 50f, 60f], linear.Series[0].Covariates[0]);
        Assert.Equal(2, linear.FilledCount);
    }

    [Fact]
    public void HourlyTimesWithOffsetsGiveAnHourlyFrequencyAndAreWrittenBackAsRead()
    {
        string path = _folder.File("hourly.csv",
            "timestamp,load\n2024-03-01T00:00:00+02:00,5\n2024-03-01T01:00:00+02:00,6\n2024-03-01T02:00:00+02:00,7\n");

        var set = TimeSeriesCsv.Load(path, "load");

        Assert.Equal(Frequency.Hourly, set.Frequency);
        Assert.Equal(TimestampKind.DateTimeOffset, set.TimestampKind);
        var times = set.Series[0].Times;
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 2, 0, 0, TimeSpan.FromHours(2)), times[2]);
        Assert.Equal("2024-03-01T02:00:00+02:00", set.Format(times[2]));
    }

    [Fact]
    public void AGivenFrequencyThatDoesNotFitIsAGap()
    {
        string path = _folder.File("two-day.csv", "date,y\n2024-01-01,1\n2024-01-03,2\n2024-01-05,3\n");

        Assert.Equal(Frequency.Fixed(TimeSpan.FromDays(2)), TimeSeriesCsv.Load(path, "y").Frequency);
        var daily = TimeSeriesCsv.Load(path, "y", fill: GapFill.Linear, frequency: Frequency.Daily);
        Assert.Equal([1f, 1.5f, 2f, 2.5f, 3f], daily.Series[0].Target);
        Assert.Equal(2, daily.FilledCount);
    }
}
