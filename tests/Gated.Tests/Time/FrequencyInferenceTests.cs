using Gated.Time;
using Xunit;

namespace Gated.Tests.Time;

public class FrequencyInferenceTests
{
    private static DateTimeOffset Day(int year, int month, int day, int hour = 0, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static DateTimeOffset[] Steps(DateTimeOffset start, TimeSpan step, int count) =>
        Enumerable.Range(0, count).Select(i => start + step * i).ToArray();

    [Fact]
    public void HourlyAcrossMidnight()
    {
        Assert.Equal(Frequency.Hourly, FrequencyInference.Infer(Steps(Day(2020, 1, 1, 20), TimeSpan.FromHours(1), 10)));
    }

    [Fact]
    public void Daily()
    {
        Assert.Equal(Frequency.Daily, FrequencyInference.Infer(Steps(Day(2020, 2, 25), TimeSpan.FromDays(1), 10)));
    }

    [Fact]
    public void DailyWithOneGapIsStillDaily()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 2), Day(2020, 1, 3), Day(2020, 1, 7), Day(2020, 1, 8)];

        Assert.Equal(Frequency.Daily, FrequencyInference.Infer(times));
    }

    [Fact]
    public void Weekly()
    {
        Assert.Equal(Frequency.Weekly, FrequencyInference.Infer(Steps(Day(2020, 1, 6), TimeSpan.FromDays(7), 6)));
    }

    [Fact]
    public void FifteenMinutes()
    {
        var frequency = FrequencyInference.Infer(Steps(Day(2020, 1, 1, 23), TimeSpan.FromMinutes(15), 12));

        Assert.Equal(Frequency.Fixed(TimeSpan.FromMinutes(15)), frequency);
        Assert.Equal("every 15 minutes", frequency.Name);
    }

    [Fact]
    public void MonthlyFromFirstsOfMonths()
    {
        // Differences 31, 29, 31, 30, 31 days: the mode is 31, and the calendar grid fits all times.
        DateTimeOffset[] times = [.. Enumerable.Range(0, 6).Select(m => Day(2020, 1, 1).AddMonths(m))];

        Assert.Equal(Frequency.Monthly, FrequencyInference.Infer(times));
    }

    [Fact]
    public void MonthlyAtMonthEnds()
    {
        DateTimeOffset[] times = [Day(2019, 11, 30), Day(2019, 12, 31), Day(2020, 1, 31), Day(2020, 2, 29), Day(2020, 3, 31), Day(2020, 4, 30)];

        var frequency = FrequencyInference.Infer(times);

        Assert.Equal(Frequency.CalendarMonths(1, monthEnd: true), frequency);
        Assert.Equal("monthly (month ends)", frequency.Name);
    }

    [Fact]
    public void MonthlyOnTheFifteenthIsNotAnchored()
    {
        DateTimeOffset[] times = [Day(2020, 1, 15), Day(2020, 2, 15), Day(2020, 3, 15)];

        Assert.Equal(Frequency.Monthly, FrequencyInference.Infer(times));
    }

    [Fact]
    public void Quarterly()
    {
        // 2020-01-01 → 04-01 → 07-01 → 10-01 → 2021-01-01: 91, 91, 92, 92 days.
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 4, 1), Day(2020, 7, 1), Day(2020, 10, 1), Day(2021, 1, 1)];

        Assert.Equal(Frequency.Quarterly, FrequencyInference.Infer(times));
    }

    [Fact]
    public void QuarterlyAtMonthEnds()
    {
        DateTimeOffset[] times = [Day(2019, 12, 31), Day(2020, 3, 31), Day(2020, 6, 30), Day(2020, 9, 30)];

        Assert.Equal(Frequency.CalendarMonths(3, monthEnd: true), FrequencyInference.Infer(times));
    }

    [Fact]
    public void Yearly()
    {
        // 365, 366 (2020 is a leap year), 365 days.
        DateTimeOffset[] times = [Day(2019, 1, 1), Day(2020, 1, 1), Day(2021, 1, 1), Day(2022, 1, 1)];

        Assert.Equal(Frequency.Yearly, FrequencyInference.Infer(times));
    }

    [Fact]
    public void EveryFourWeeksStaysAFixedStep()
    {
        // 28 days lies in the monthly range, but only the fixed step puts the times on a grid.
        var frequency = FrequencyInference.Infer(Steps(Day(2020, 1, 1), TimeSpan.FromDays(28), 6));

        Assert.Equal(Frequency.Fixed(TimeSpan.FromDays(28)), frequency);
    }

    [Fact]
    public void EquallyCommonDifferencesPickTheSmallest()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 2), Day(2020, 1, 4)];

        Assert.Equal(Frequency.Daily, FrequencyInference.Infer(times));
    }

    [Fact]
    public void DuplicatesAreLeftForTheGridCheck()
    {
        DateTimeOffset[] times = [Day(2020, 1, 1), Day(2020, 1, 1), Day(2020, 1, 2), Day(2020, 1, 3)];

        Assert.Equal(Frequency.Daily, FrequencyInference.Infer(times));
    }

    [Fact]
    public void TooFewTimesAreAnArgumentError()
    {
        Assert.Throws<ArgumentException>(() => FrequencyInference.Infer([]));
        Assert.Throws<ArgumentException>(() => FrequencyInference.Infer([Day(2020, 1, 1)]));
        Assert.Throws<ArgumentException>(() => FrequencyInference.Infer([Day(2020, 1, 2), Day(2020, 1, 1)]));
    }
}
