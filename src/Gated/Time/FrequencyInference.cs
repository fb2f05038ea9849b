namespace Gated.Time;

/// <summary>Infers the <see cref="Frequency"/> of a time column from the differences between consecutive times.</summary>
public static class FrequencyInference
{
    /// <summary>
    /// The frequency of <paramref name="times"/>, from the most common (modal) positive difference between consecutive
    /// times (the smallest of equally common ones), so a few gaps do not change it: 28–31 days → monthly (anchored at month
    /// ends if every time is the last day of its month), 89–92 days → quarterly, 365–366 days → yearly, otherwise a fixed
    /// step of the modal difference. A calendar frequency is chosen only if at least as many times lie on its grid through
    /// the first time as on the fixed step's, so a series every 28 days stays fixed. Non-positive differences
    /// (duplicates, rows out of order) are left for <see cref="TimeGrid.Regularize"/> to report with their lines.
    /// </summary>
    /// <param name="times">The times in file order; at least 2.</param>
    /// <returns>The frequency.</returns>
    /// <exception cref="ArgumentException">Fewer than 2 times, or no time later than the one before it.</exception>
    public static Frequency Infer(IReadOnlyList<DateTimeOffset> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (times.Count < 2)
        {
            throw new ArgumentException($"inferring a frequency needs at least 2 times, got {times.Count}", nameof(times));
        }

        var counts = new Dictionary<TimeSpan, int>();
        for (int i = 1; i < times.Count; i++)
        {
            TimeSpan difference = times[i] - times[i - 1];
            if (difference > TimeSpan.Zero)
            {
                counts[difference] = counts.GetValueOrDefault(difference) + 1;
            }
        }

        if (counts.Count == 0)
        {
            throw new ArgumentException("no time is later than the one before it, so there is no step to infer", nameof(times));
        }

        TimeSpan modal = counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key).First().Key;
        var fixedStep = Frequency.Fixed(modal);
        double days = modal.TotalDays;
        int months = days switch
        {
            >= 28 and <= 31 => 1,
            >= 89 and <= 92 => 3,
            >= 365 and <= 366 => 12,
            _ => 0,
        };
        if (months == 0)
        {
            return fixedStep;
        }

        bool monthEnd = times.All(t => t.Day == DateTime.DaysInMonth(t.Year, t.Month));
        var calendar = Frequency.CalendarMonths(months, monthEnd);
        return OnGrid(calendar, times) >= OnGrid(fixedStep, times) ? calendar : fixedStep;
    }

    // How many times lie on the frequency's grid through the first time.
    private static int OnGrid(Frequency frequency, IReadOnlyList<DateTimeOffset> times)
    {
        int count = 0;
        foreach (DateTimeOffset time in times)
        {
            try
            {
                count += frequency.StepsBetween(times[0], time) is not null ? 1 : 0;
            }
            catch (OverflowException)
            {
                // Too many steps away to count; such a time is no evidence for this frequency.
            }
            catch (ArgumentOutOfRangeException)
            {
                // Adding the months ran past the calendar's range.
            }
        }

        return count;
    }
}
