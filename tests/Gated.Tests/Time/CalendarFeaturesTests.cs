using Gated.Time;
using Xunit;

namespace Gated.Tests.Time;

public class CalendarFeaturesTests
{
    private const float Tolerance = 1e-6f;

    private static float[] Encode(DateTimeOffset time, CalendarFeature features)
    {
        var destination = new float[CalendarFeatures.Width(features)];
        CalendarFeatures.Encode(time, features, destination);
        return destination;
    }

    private static void Near(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"entry {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void MondayIsTheStartOfTheWeek()
    {
        // 2020-01-06 is a Monday: x = 0.
        Near([0f, 1f], Encode(new DateTimeOffset(2020, 1, 6, 0, 0, 0, TimeSpan.Zero), CalendarFeature.DayOfWeek));
    }

    [Fact]
    public void ThursdayIsThreeSeventhsRound()
    {
        // 2020-01-09 is a Thursday: x = 3, angle 6π/7.
        double angle = 2 * Math.PI * 3 / 7;
        Near([(float)Math.Sin(angle), (float)Math.Cos(angle)], Encode(new DateTimeOffset(2020, 1, 9, 0, 0, 0, TimeSpan.Zero), CalendarFeature.DayOfWeek));
    }

    [Fact]
    public void JulyIsHalfWayRoundTheYear()
    {
        // Month 7: x = 6, sin(π) ≈ 0, cos(π) = -1.
        Near([0f, -1f], Encode(new DateTimeOffset(2021, 7, 1, 0, 0, 0, TimeSpan.Zero), CalendarFeature.Month));
    }

    [Fact]
    public void HourCountsMinutes()
    {
        // 18:00 → x = 18, angle 3π/2: sin -1, cos 0. 06:30 → x = 6.5, angle 13π/24.
        Near([-1f, 0f], Encode(new DateTimeOffset(2020, 1, 1, 18, 0, 0, TimeSpan.Zero), CalendarFeature.HourOfDay));
        double angle = 2 * Math.PI * 6.5 / 24;
        Near([(float)Math.Sin(angle), (float)Math.Cos(angle)], Encode(new DateTimeOffset(2020, 1, 1, 6, 30, 0, TimeSpan.Zero), CalendarFeature.HourOfDay));
    }

    [Fact]
    public void TheClockIsTheTimesOwnNotUtc()
    {
        // 18:00 at +05:00 is 13:00 UTC; the feature is the local 18.
        Near([-1f, 0f], Encode(new DateTimeOffset(2020, 1, 1, 18, 0, 0, TimeSpan.FromHours(5)), CalendarFeature.HourOfDay));
    }

    [Fact]
    public void DayOfYearHasPeriod365Point25()
    {
        // 1 January: x = 0. 31 December 2020 (leap): x = 365, just past a full turn of 365.25.
        Near([0f, 1f], Encode(new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero), CalendarFeature.DayOfYear));
        double angle = 2 * Math.PI * 365 / 365.25;
        Near([(float)Math.Sin(angle), (float)Math.Cos(angle)], Encode(new DateTimeOffset(2020, 12, 31, 0, 0, 0, TimeSpan.Zero), CalendarFeature.DayOfYear));
        Assert.Equal(-0.0043f, Encode(new DateTimeOffset(2020, 12, 31, 0, 0, 0, TimeSpan.Zero), CalendarFeature.DayOfYear)[0], 0.0001f);
    }

    [Fact]
    public void AllFeaturesAreWrittenInFlagOrder()
    {
        // Wednesday 2020-04-01 06:00: hour 6 (π/2), weekday 2, day of year 91, month 3 (April).
        var all = CalendarFeature.Month | CalendarFeature.DayOfYear | CalendarFeature.DayOfWeek | CalendarFeature.HourOfDay;
        double week = 2 * Math.PI * 2 / 7, year = 2 * Math.PI * 91 / 365.25;

        var encoded = Encode(new DateTimeOffset(2020, 4, 1, 6, 0, 0, TimeSpan.Zero), all);

        Near([1f, 0f, (float)Math.Sin(week), (float)Math.Cos(week), (float)Math.Sin(year), (float)Math.Cos(year), 1f, 0f], encoded);
        Assert.Equal(
            ["hour_sin", "hour_cos", "dayofweek_sin", "dayofweek_cos", "dayofyear_sin", "dayofyear_cos", "month_sin", "month_cos"],
            CalendarFeatures.Names(all));
    }

    [Fact]
    public void EncodeWritesOnlyItsWidthAndChecksTheDestination()
    {
        var destination = new float[] { 9f, 9f, 9f };
        CalendarFeatures.Encode(new DateTimeOffset(2021, 7, 1, 0, 0, 0, TimeSpan.Zero), CalendarFeature.Month, destination);
        Assert.Equal(9f, destination[2]);

        Assert.Throws<ArgumentException>(() => CalendarFeatures.Encode(DateTimeOffset.UnixEpoch, CalendarFeature.Month | CalendarFeature.HourOfDay, new float[3]));
        CalendarFeatures.Encode(DateTimeOffset.UnixEpoch, CalendarFeature.None, Span<float>.Empty);
    }

    [Theory]
    [InlineData("PT1H", CalendarFeature.HourOfDay | CalendarFeature.DayOfWeek | CalendarFeature.DayOfYear)]
    [InlineData("PT15M", CalendarFeature.HourOfDay | CalendarFeature.DayOfWeek | CalendarFeature.DayOfYear)]
    [InlineData("PT6H", CalendarFeature.HourOfDay | CalendarFeature.DayOfWeek | CalendarFeature.DayOfYear)]
    [InlineData("P1D", CalendarFeature.DayOfWeek | CalendarFeature.DayOfYear)]
    [InlineData("P3D", CalendarFeature.DayOfWeek | CalendarFeature.DayOfYear)]
    [InlineData("P7D", CalendarFeature.DayOfYear)]
    [InlineData("P14D", CalendarFeature.DayOfYear)]
    [InlineData("P1M", CalendarFeature.Month)]
    [InlineData("P1M-end", CalendarFeature.Month)]
    [InlineData("P3M", CalendarFeature.Month)]
    [InlineData("P12M", CalendarFeature.None)]
    public void AutoPerFrequency(string frequency, CalendarFeature expected)
    {
        Assert.Equal(expected, CalendarFeatures.Auto(Frequency.Parse(frequency)));
    }

    [Fact]
    public void ParseReadsNamesInAnyCaseAndOrder()
    {
        Assert.Equal(CalendarFeature.None, CalendarFeatures.Parse("none"));
        Assert.Equal(CalendarFeature.None, CalendarFeatures.Parse(" NONE "));
        Assert.Equal(CalendarFeature.HourOfDay | CalendarFeature.Month, CalendarFeatures.Parse("Month, hour"));
        Assert.Equal(CalendarFeature.DayOfWeek | CalendarFeature.DayOfYear, CalendarFeatures.Parse("dayofyear,DayOfWeek,dayofweek"));
    }

    [Fact]
    public void FormatAndParseRoundTripEveryCombination()
    {
        for (int bits = 0; bits < 16; bits++)
        {
            var features = (CalendarFeature)bits;
            Assert.Equal(features, CalendarFeatures.Parse(CalendarFeatures.Format(features)));
            Assert.Equal(2 * int.PopCount(bits), CalendarFeatures.Width(features));
            Assert.Equal(CalendarFeatures.Width(features), CalendarFeatures.Names(features).Count);
        }

        Assert.Equal("none", CalendarFeatures.Format(CalendarFeature.None));
        Assert.Equal("hour,dayofweek", CalendarFeatures.Format(CalendarFeature.DayOfWeek | CalendarFeature.HourOfDay));
    }

    [Fact]
    public void AnUnknownNameIsNamedWithTheKnownOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => CalendarFeatures.Parse("hour,weekday"));

        Assert.StartsWith(
            "unknown calendar feature 'weekday'; known: none, or a comma-separated list of hour, dayofweek, dayofyear, month",
            ex.Message,
            StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CalendarFeatures.Parse("auto"));
        Assert.Throws<ArgumentException>(() => CalendarFeatures.Parse(""));
        Assert.Throws<ArgumentException>(() => CalendarFeatures.Parse("hour,,month"));
        Assert.Throws<ArgumentException>(() => CalendarFeatures.Parse("hour,none"));
    }

    [Fact]
    public void UnknownFlagsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CalendarFeatures.Format((CalendarFeature)16));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalendarFeatures.Width((CalendarFeature)16));
    }
}
