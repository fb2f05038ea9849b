using Gated.Forecasting;
using Gated.Time;
using Xunit;

namespace Gated.Tests.Forecasting;

public sealed class WindowEncoderTests
{
    private static float Sin(double x, double period) => (float)Math.Sin(2 * Math.PI * x / period);

    private static float Cos(double x, double period) => (float)Math.Cos(2 * Math.PI * x / period);

    [Fact]
    public void DailyRowsAreLevelCovariatesAndTheNextDaysWeekday()
    {
        // 2024-01-01 is a Monday. Window 3 ending at origin 3 reads t = 1, 2, 3, whose next days are
        // Wed (x = 2), Thu (3), Fri (4) of the week from Monday 0.
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var series = new TimeSeries(null, [.. Enumerable.Range(0, 5).Select(i => start.AddDays(i))], [1, 2, 4, 7, 11], [[10, 20, 30, 40, 50]]);
        var scaling = new SeriesScaling(LevelMean: 2, LevelScale: 4, CovariateMean: [10], CovariateScale: [5], StepScale: [1]);
        var encoder = new WindowEncoder(3, 1, CalendarFeature.DayOfWeek, Frequency.Daily);
        var rows = new float[3 * 4];

        encoder.Encode(series, scaling, origin: 3, rows);

        Assert.Equal(4, encoder.Features); // 1 level + 1 covariate + sin, cos
        float[] expected =
        [
            (2 - 2) / 4f, (20 - 10) / 5f, Sin(2, 7), Cos(2, 7),
            (4 - 2) / 4f, (30 - 10) / 5f, Sin(3, 7), Cos(3, 7),
            (7 - 2) / 4f, (40 - 10) / 5f, Sin(4, 7), Cos(4, 7),
        ];
        Assert.Equal(expected, rows);
    }

    [Fact]
    public void MonthlyRowsCarryTheNextMonthAcrossTheYearEnd()
    {
        // Nov, Dec, Jan: the next months are Dec (x = 11), Jan (0), Feb (1); sin(2π·11/12) = −0.5, cos = √3/2.
        var start = new DateTimeOffset(2023, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var series = new TimeSeries(null, [start, start.AddMonths(1), start.AddMonths(2)], [3, 5, 9], []);
        var scaling = new SeriesScaling(5, 2, [], [], [1]);
        var encoder = new WindowEncoder(3, 0, CalendarFeature.Month, Frequency.Monthly);
        var rows = new float[3 * 3];

        encoder.Encode(series, scaling, origin: 2, rows);

        float[] expected = [-1, Sin(11, 12), Cos(11, 12), 0, Sin(0, 12), Cos(0, 12), 2, Sin(1, 12), Cos(1, 12)];
        Assert.Equal(expected, rows);
        Assert.Equal(-0.5f, rows[1], 6);
        Assert.Equal(1f, rows[5]);
        Assert.Equal(0.5f, rows[7], 6);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EncodeLevelsEqualsEncodeOnTheSameWindow(bool monthly)
    {
        var frequency = monthly ? Frequency.Monthly : Frequency.Hourly;
        var calendar = CalendarFeatures.Auto(frequency);
        var start = new DateTimeOffset(2023, 10, 30, 21, 0, 0, TimeSpan.Zero);
        int length = 9;
        var times = Enumerable.Range(0, length).Select(i => frequency.Add(start, i)).ToArray();
        float[] target = [.. Enumerable.Range(0, length).Select(i => (float)((i * i) - 3))];
        var series = new TimeSeries(null, times, target, []);
        var scaling = SeriesScaling.Fit(series, length, 1);
        var encoder = new WindowEncoder(4, 0, calendar, frequency);
        var encoded = new float[4 * encoder.Features];
        var fedBack = new float[4 * encoder.Features];

        // Origin 6 reads t = 3..6; EncodeLevels gets more history than the window and must take its last 4 values.
        encoder.Encode(series, scaling, 6, encoded);
        encoder.EncodeLevels(target.AsSpan(0, 7), times[6], scaling, fedBack);

        Assert.Equal(encoded, fedBack);
        Assert.Equal(scaling.ScaleLevel(33), encoded[3 * encoder.Features]); // the last row is t = 6: 6² − 3 = 33
    }
}
