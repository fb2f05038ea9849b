using Gated.Time;
using Xunit;

namespace Gated.Tests.Time;

public class FrequencyTests
{
    private static DateTimeOffset Day(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MonthlyKeepsTheDayOfTheMonth()
    {
        // A past bug printed 2020-05-02 here.
        Assert.Equal(Day(2020, 5, 1), Frequency.Monthly.Add(Day(2020, 4, 1), 1));
        Assert.Equal(Day(2020, 12, 15), Frequency.Monthly.Add(Day(2020, 1, 15), 11));
        Assert.Equal(Day(2021, 1, 15), Frequency.Monthly.Add(Day(2020, 1, 15), 12));
    }

    [Fact]
    public void MonthlyClampsToShortMonthsFromItsOrigin()
    {
        Assert.Equal(Day(2020, 2, 29), Frequency.Monthly.Add(Day(2020, 1, 31), 1));
        Assert.Equal(Day(2020, 3, 31), Frequency.Monthly.Add(Day(2020, 1, 31), 2));
        Assert.Equal(Day(2020, 4, 30), Frequency.Monthly.Add(Day(2020, 1, 31), 3));
        Assert.Equal(Day(2019, 2, 28), Frequency.Monthly.Add(Day(2019, 1, 30), 1));
    }

    [Fact]
    public void LeapDayPlusAYearIsTheLastOfFebruary()
    {
        Assert.Equal(Day(2021, 2, 28), Frequency.CalendarMonths(12).Add(Day(2020, 2, 29), 1));
        Assert.Equal(Day(2021, 2, 28), Frequency.Yearly.Add(Day(2020, 2, 29), 1));
        Assert.Equal(Day(2024, 2, 29), Frequency.Yearly.Add(Day(2020, 2, 29), 4));
    }

    [Fact]
    public void MonthEndAnchoredStaysAtMonthEnds()
    {
        var monthEnds = Frequency.CalendarMonths(1, monthEnd: true);

        Assert.Equal(Day(2020, 2, 29), monthEnds.Add(Day(2020, 1, 31), 1));
        Assert.Equal(Day(2020, 3, 31), monthEnds.Add(Day(2020, 1, 31), 2));
        Assert.Equal(Day(2020, 3, 31), monthEnds.Add(Day(2020, 2, 29), 1)); // plain AddMonths would give 03-29
        Assert.Equal(Day(2020, 5, 31), monthEnds.Add(Day(2020, 4, 30), 1));
        Assert.Equal(Day(2020, 2, 29), Frequency.CalendarMonths(12, monthEnd: true).Add(Day(2019, 2, 28), 1));
        Assert.Equal(Day(2020, 6, 30), Frequency.CalendarMonths(3, monthEnd: true).Add(Day(2020, 3, 31), 1));
    }

    [Fact]
    public void NegativeStepsGoBack()
    {
        Assert.Equal(Day(2019, 12, 31), Frequency.CalendarMonths(1, monthEnd: true).Add(Day(2020, 2, 29), -2));
        Assert.Equal(Day(2020, 2, 29), Frequency.Monthly.Add(Day(2020, 3, 31), -1));
        Assert.Equal(Day(2019, 10, 1), Frequency.Quarterly.Add(Day(2020, 4, 1), -2));
        Assert.Equal(Day(2019, 12, 31, 22), Frequency.Hourly.Add(Day(2020, 1, 1, 1), -3));
        Assert.Equal(Day(2019, 12, 25), Frequency.Weekly.Add(Day(2020, 1, 1), -1));
    }

    [Fact]
    public void FixedStepsAddExactDurations()
    {
        Assert.Equal(Day(2020, 1, 2, 1), Frequency.Hourly.Add(Day(2020, 1, 1, 22), 3));
        Assert.Equal(Day(2020, 3, 1), Frequency.Daily.Add(Day(2020, 2, 28), 2));
        Assert.Equal(Day(2020, 1, 29), Frequency.Weekly.Add(Day(2020, 1, 1), 4));
        Assert.Equal(Day(2020, 1, 1, 1), Frequency.Fixed(TimeSpan.FromMinutes(15)).Add(Day(2020, 1, 1), 4));
    }

    [Fact]
    public void AddKeepsTheClockTimeAndOffset()
    {
        var start = new DateTimeOffset(2020, 1, 31, 9, 30, 0, TimeSpan.FromHours(2));

        var next = Frequency.Monthly.Add(start, 1);

        Assert.Equal(new DateTimeOffset(2020, 2, 29, 9, 30, 0, TimeSpan.FromHours(2)), next);
        Assert.Equal(TimeSpan.FromHours(2), next.Offset);
        Assert.Equal(start, Frequency.CalendarMonths(1, monthEnd: true).Add(start, 0));
    }

    [Fact]
    public void StepsBetweenCountsStepsOnTheGrid()
    {
        Assert.Equal(3, Frequency.Daily.StepsBetween(Day(2020, 1, 3), Day(2020, 1, 6)));
        Assert.Equal(-2, Frequency.Daily.StepsBetween(Day(2020, 1, 3), Day(2020, 1, 1)));
        Assert.Equal(0, Frequency.Hourly.StepsBetween(Day(2020, 1, 3), Day(2020, 1, 3)));
        Assert.Null(Frequency.Daily.StepsBetween(Day(2020, 1, 3), Day(2020, 1, 6, 12)));
        Assert.Equal(2, Frequency.Monthly.StepsBetween(Day(2020, 1, 31), Day(2020, 3, 31)));
        Assert.Equal(1, Frequency.Monthly.StepsBetween(Day(2020, 1, 31), Day(2020, 2, 29)));
        Assert.Null(Frequency.Monthly.StepsBetween(Day(2020, 1, 31), Day(2020, 3, 30)));
        Assert.Null(Frequency.Quarterly.StepsBetween(Day(2020, 1, 1), Day(2020, 2, 1)));
        Assert.Equal(4, Frequency.Quarterly.StepsBetween(Day(2020, 1, 1), Day(2021, 1, 1)));
        Assert.Equal(2, Frequency.CalendarMonths(1, monthEnd: true).StepsBetween(Day(2020, 2, 29), Day(2020, 4, 30)));
        Assert.Null(Frequency.CalendarMonths(1, monthEnd: true).StepsBetween(Day(2020, 2, 29), Day(2020, 4, 29)));
    }

    [Theory]
    [InlineData("PT1H", "hourly", 24)]
    [InlineData("P1D", "daily", 7)]
    [InlineData("P7D", "weekly", 52)]
    [InlineData("P1M", "monthly", 12)]
    [InlineData("P3M", "quarterly", 4)]
    [InlineData("P12M", "yearly", null)]
    [InlineData("P1M-end", "monthly (month ends)", 12)]
    [InlineData("P3M-end", "quarterly (month ends)", 4)]
    [InlineData("PT15M", "every 15 minutes", 96)]
    [InlineData("PT6H", "every 6 hours", 4)]
    [InlineData("PT90S", "every 90 seconds", 960)]
    [InlineData("PT1M", "every minute", 1440)]
    [InlineData("PT7M", "every 7 minutes", null)]
    [InlineData("PT5H", "every 5 hours", null)]
    [InlineData("P2D", "every 2 days", null)]
    [InlineData("P14D", "every 2 weeks", null)]
    [InlineData("P6M", "every 6 months", 2)]
    [InlineData("P24M", "every 2 years", null)]
    [InlineData("PT0.5S", "every 500 milliseconds", 172800)]
    public void NameSeasonAndTextOfEachFrequency(string text, string name, int? season)
    {
        var frequency = Frequency.Parse(text);

        Assert.Equal(name, frequency.Name);
        Assert.Equal(season, frequency.Season);
        Assert.Equal(text, frequency.ToText());
        Assert.Equal(frequency, Frequency.Parse(frequency.ToText()));
    }

    [Fact]
    public void NamedFrequenciesRoundTrip()
    {
        Frequency[] all =
        [
            Frequency.Hourly, Frequency.Daily, Frequency.Weekly, Frequency.Monthly, Frequency.Quarterly, Frequency.Yearly,
            Frequency.CalendarMonths(1, monthEnd: true), Frequency.CalendarMonths(12, monthEnd: true),
            Frequency.Fixed(TimeSpan.FromMinutes(15)), Frequency.Fixed(TimeSpan.FromHours(30)), Frequency.Fixed(TimeSpan.FromTicks(1)),
            Frequency.Fixed(TimeSpan.FromSeconds(1.25)), Frequency.Fixed(new TimeSpan(1, 0, 0, 1)),
        ];

        foreach (var frequency in all)
        {
            Assert.Equal(frequency, Frequency.Parse(frequency.ToText()));
        }

        Assert.Equal("PT30H", Frequency.Fixed(TimeSpan.FromHours(30)).ToText());
        Assert.Equal("PT86401S", Frequency.Fixed(new TimeSpan(1, 0, 0, 1)).ToText());
        Assert.Equal("PT0.0000001S", Frequency.Fixed(TimeSpan.FromTicks(1)).ToText());
    }

    [Fact]
    public void ParseAcceptsYearsAndWeeks()
    {
        Assert.Equal(Frequency.Yearly, Frequency.Parse("P1Y"));
        Assert.Equal(Frequency.CalendarMonths(12, monthEnd: true), Frequency.Parse("P1Y-end"));
        Assert.Equal(Frequency.Weekly, Frequency.Parse("P1W"));
        Assert.Equal(Frequency.Daily, Frequency.Fixed(TimeSpan.FromHours(24)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("1D")]
    [InlineData("P0D")]
    [InlineData("PT0S")]
    [InlineData("PT0.0S")]
    [InlineData("P-1D")]
    [InlineData("P1.5D")]
    [InlineData("p1d")]
    [InlineData("P1D-end")]
    [InlineData("PT1H-end")]
    [InlineData("P1DT1H")]
    [InlineData("PT1D")]
    [InlineData("PT1.S")]
    [InlineData("PT1.12345678S")]
    [InlineData("P99999999999999999999D")]
    [InlineData("P9999999999M")]
    [InlineData("daily")]
    [InlineData(" P1D")]
    public void ParseRejectsAnythingElse(string text)
    {
        Assert.Throws<FormatException>(() => Frequency.Parse(text));
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Frequency.Fixed(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => Frequency.Fixed(TimeSpan.FromHours(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Frequency.CalendarMonths(0));
        Assert.Throws<InvalidOperationException>(() => default(Frequency).Add(Day(2020, 1, 1), 1));
        Assert.Throws<InvalidOperationException>(() => default(Frequency).Name);
        Assert.Equal("(no frequency)", default(Frequency).ToString());
        Assert.Equal("daily", Frequency.Daily.ToString());
    }
}
