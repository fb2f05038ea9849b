using System.Globalization;

namespace Gated.Plotting;

/// <summary>
/// Ticks of a date axis on calendar boundaries: first of January ("2014") for spans of three years or more, first
/// of a quarter's month ("2014-04") from one year, first of a month ("2014-03") below; a coarser step (2, 5, 10 …
/// years; quarters, half years) when the labels would not fit, and whole days ("2014-03-05") when a span holds fewer
/// than two month boundaries. Dates travel on the chart's x axis as days since 0001-01-01 (<see cref="ToX"/>).
/// </summary>
internal static class DateTicks
{
    private const int YearChars = 4, MonthChars = 7, DayChars = 10;

    // Steps in months; multiples of a year keep going (2, 5, 10 … years) so any span ends up with a few ticks.
    private static readonly int[] YearSteps = [12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000];
    private static readonly int[] QuarterSteps = [3, 6, .. YearSteps];
    private static readonly int[] MonthSteps = [1, .. QuarterSteps];

    // 0001-01-01 is a Monday, so multiples of 7 days from it fall on Mondays.
    private static readonly int[] DaySteps = [1, 2, 7, 14];

    /// <summary>A date as an x value: days (and fractions) since 0001-01-01.</summary>
    public static double ToX(DateTime date) => date.Ticks / (double)TimeSpan.TicksPerDay;

    /// <summary>The date of an x value made by <see cref="ToX"/>.</summary>
    public static DateTime FromX(double x) =>
        new((long)Math.Clamp(Math.Round(x * TimeSpan.TicksPerDay), DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks));

    /// <summary>The ticks in [first, last] whose labels fit side by side in plotWidth pixels.</summary>
    public static List<(DateTime Date, string Label)> Compute(DateTime first, DateTime last, double plotWidth)
    {
        double years = (last - first).TotalDays / 365.25;
        int[] steps = years >= 3 ? YearSteps : years >= 1 ? QuarterSteps : MonthSteps;
        if (steps == MonthSteps && MonthBoundaries(first, last, 1).Count < 2)
        {
            return Days(first, last, plotWidth);
        }

        List<DateTime> ticks = [];
        bool yearly = false;
        foreach (int step in steps)
        {
            ticks = MonthBoundaries(first, last, step);
            yearly = step % 12 == 0;
            if (ticks.Count <= AxisTicks.TargetCount(yearly ? YearChars : MonthChars, plotWidth))
            {
                break;
            }
        }

        string format = yearly ? "yyyy" : "yyyy-MM";
        return [.. ticks.Select(t => (t, t.ToString(format, CultureInfo.InvariantCulture)))];
    }

    /// <summary>First days of months in [first, last] whose month count since year 0 is a multiple of stepMonths.</summary>
    private static List<DateTime> MonthBoundaries(DateTime first, DateTime last, int stepMonths)
    {
        var ticks = new List<DateTime>();
        long month = (first.Year * 12L) + first.Month - 1;
        if (first != new DateTime(first.Year, first.Month, 1))
        {
            month++;
        }

        month += (stepMonths - (month % stepMonths)) % stepMonths;
        for (; month <= (9999 * 12L) + 11; month += stepMonths)
        {
            var date = new DateTime((int)(month / 12), (int)(month % 12) + 1, 1);
            if (date > last)
            {
                break;
            }

            ticks.Add(date);
        }

        return ticks;
    }

    private static List<(DateTime Date, string Label)> Days(DateTime first, DateTime last, double plotWidth)
    {
        long firstDay = (long)Math.Ceiling(ToX(first)), lastDay = (long)Math.Floor(ToX(last));
        var ticks = new List<(DateTime, string)>();
        foreach (int step in DaySteps)
        {
            ticks.Clear();
            for (long day = firstDay + ((step - (firstDay % step)) % step); day <= lastDay; day += step)
            {
                var date = new DateTime(day * TimeSpan.TicksPerDay);
                ticks.Add((date, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            }

            if (ticks.Count <= AxisTicks.TargetCount(DayChars, plotWidth))
            {
                break;
            }
        }

        return ticks;
    }
}
