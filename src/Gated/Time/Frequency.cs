using System.Globalization;

namespace Gated.Time;

/// <summary>
/// The spacing of a regular time series: either a fixed step (a <see cref="TimeSpan"/> between instants) or a number of
/// calendar months, optionally anchored at month ends. <c>default(Frequency)</c> is no frequency; its methods throw.
/// </summary>
/// <remarks>
/// Fixed steps are exact durations between instants, so a daily series whose offset changes (summer time) has 23- and
/// 25-hour days and lies off its grid; times of kind Date and DateTime are all at offset 0 and never do.
/// </remarks>
public readonly record struct Frequency
{
    private Frequency(TimeSpan step, int months, bool monthEnd)
    {
        Step = step;
        Months = months;
        MonthEnd = monthEnd;
    }

    /// <summary>One hour.</summary>
    public static Frequency Hourly => Fixed(TimeSpan.FromHours(1));

    /// <summary>One day (24 hours).</summary>
    public static Frequency Daily => Fixed(TimeSpan.FromDays(1));

    /// <summary>Seven days.</summary>
    public static Frequency Weekly => Fixed(TimeSpan.FromDays(7));

    /// <summary>One calendar month, keeping the day of the month.</summary>
    public static Frequency Monthly => CalendarMonths(1);

    /// <summary>Three calendar months.</summary>
    public static Frequency Quarterly => CalendarMonths(3);

    /// <summary>Twelve calendar months.</summary>
    public static Frequency Yearly => CalendarMonths(12);

    /// <summary>The fixed step; <see cref="TimeSpan.Zero"/> for a calendar frequency.</summary>
    public TimeSpan Step { get; }

    /// <summary>The number of calendar months per step; 0 for a fixed step.</summary>
    public int Months { get; }

    /// <summary>Whether a calendar frequency keeps its times on the last day of their months.</summary>
    public bool MonthEnd { get; }

    /// <summary>Whether this is a calendar-month frequency (monthly, quarterly, yearly, ...).</summary>
    public bool IsCalendar => Months > 0;

    /// <summary>
    /// A readable name: "hourly", "daily", "weekly", "monthly", "quarterly", "yearly" (with " (month ends)" when anchored),
    /// otherwise "every 15 minutes", "every 2 days", "every 6 hours", "every 90 seconds", "every 2 weeks", "every 6 months".
    /// </summary>
    public string Name
    {
        get
        {
            CheckDefined();
            if (IsCalendar)
            {
                string name = Months switch
                {
                    1 => "monthly",
                    3 => "quarterly",
                    12 => "yearly",
                    _ when Months % 12 == 0 => $"every {Months / 12} years",
                    _ => $"every {Months} months",
                };
                return MonthEnd ? name + " (month ends)" : name;
            }

            if (Step == TimeSpan.FromHours(1))
            {
                return "hourly";
            }

            if (Step == TimeSpan.FromDays(1))
            {
                return "daily";
            }

            if (Step == TimeSpan.FromDays(7))
            {
                return "weekly";
            }

            var (count, unit) = LargestUnit(Step);
            return count == 1 ? $"every {unit}" : $"every {count} {unit}s";
        }
    }

    /// <summary>
    /// The natural seasonal period in steps: hourly 24, daily 7, weekly 52, monthly 12, quarterly 4, yearly none;
    /// another step under a day that divides a day evenly: its steps per day (15 minutes → 96); other calendar
    /// frequencies that divide a year: their steps per year (6 months → 2); anything else none.
    /// </summary>
    public int? Season
    {
        get
        {
            CheckDefined();
            if (IsCalendar)
            {
                return Months < 12 && 12 % Months == 0 ? 12 / Months : null;
            }

            if (Step == TimeSpan.FromDays(1))
            {
                return 7;
            }

            if (Step == TimeSpan.FromDays(7))
            {
                return 52;
            }

            return Step < TimeSpan.FromDays(1) && TimeSpan.TicksPerDay % Step.Ticks == 0 ? (int)(TimeSpan.TicksPerDay / Step.Ticks) : null;
        }
    }

    /// <summary>The name as an adjective for messages: "daily", "monthly (month-end)", "15-minute", "2-day", "6-month".</summary>
    internal string Adjective
    {
        get
        {
            CheckDefined();
            if (IsCalendar)
            {
                string adjective = Months switch
                {
                    1 => "monthly",
                    3 => "quarterly",
                    12 => "yearly",
                    _ when Months % 12 == 0 => $"{Months / 12}-year",
                    _ => $"{Months}-month",
                };
                return MonthEnd ? adjective + " (month-end)" : adjective;
            }

            string name = Name;
            if (!name.StartsWith("every ", StringComparison.Ordinal))
            {
                return name;
            }

            var (count, unit) = LargestUnit(Step);
            return $"{count}-{unit}";
        }
    }

    /// <summary>A fixed step between instants.</summary>
    /// <param name="step">The step; must be positive.</param>
    /// <returns>The frequency.</returns>
    public static Frequency Fixed(TimeSpan step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        return new Frequency(step, 0, false);
    }

    /// <summary>A step of whole calendar months: 1 monthly, 3 quarterly, 12 yearly.</summary>
    /// <param name="months">Months per step; must be positive.</param>
    /// <param name="monthEnd">Whether times stay on the last day of their months (2020-01-31 → 2020-02-29 → 2020-03-31).</param>
    /// <returns>The frequency.</returns>
    public static Frequency CalendarMonths(int months, bool monthEnd = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(months, 0);
        return new Frequency(TimeSpan.Zero, months, monthEnd);
    }

    /// <summary>
    /// The time <paramref name="steps"/> steps after <paramref name="time"/> (before, when negative). A fixed step adds
    /// steps × step. Calendar months add months keeping the clock time and offset: without anchoring the day is kept
    /// (clamped to the month's length: 2020-01-31 + 1 month → 2020-02-29), anchored at month ends the result is the
    /// last day of its month (2020-01-31 + 2 → 2020-03-31). Zero steps return <paramref name="time"/> unchanged.
    /// </summary>
    /// <param name="time">The starting time.</param>
    /// <param name="steps">How many steps; may be negative.</param>
    /// <returns>The time on this frequency's grid through <paramref name="time"/>.</returns>
    public DateTimeOffset Add(DateTimeOffset time, int steps)
    {
        CheckDefined();
        if (steps == 0)
        {
            return time;
        }

        if (!IsCalendar)
        {
            return time + Step * steps;
        }

        DateTimeOffset moved = time.AddMonths(checked(Months * steps));
        return MonthEnd ? moved.AddDays(DateTime.DaysInMonth(moved.Year, moved.Month) - moved.Day) : moved;
    }

    /// <summary>
    /// How many steps lead from <paramref name="from"/> to <paramref name="to"/> (negative when <paramref name="to"/> is
    /// earlier), or null when <paramref name="to"/> is not on the grid through <paramref name="from"/>. Times are
    /// compared as instants, so for calendar frequencies the offset must not change.
    /// </summary>
    /// <param name="from">A time on the grid.</param>
    /// <param name="to">The time to place.</param>
    /// <returns>The k with <c>Add(from, k) == to</c>, or null if there is none.</returns>
    /// <exception cref="OverflowException">The count does not fit an <see cref="int"/>.</exception>
    public int? StepsBetween(DateTimeOffset from, DateTimeOffset to)
    {
        CheckDefined();
        if (!IsCalendar)
        {
            long ticks = (to - from).Ticks;
            return ticks % Step.Ticks == 0 ? checked((int)(ticks / Step.Ticks)) : null;
        }

        // Adding months moves the month index exactly, so the only candidate is the difference of month indices.
        int monthDifference = (to.Year * 12 + to.Month) - (from.Year * 12 + from.Month);
        if (monthDifference % Months != 0)
        {
            return null;
        }

        int k = monthDifference / Months;
        return Add(from, k) == to ? k : null;
    }

    /// <summary>
    /// The compact, round-trippable form saved in model files, ISO 8601 durations: calendar months as
    /// <c>P{n}M</c> (<c>P1M</c>, <c>P3M</c>, <c>P12M</c>) with <c>-end</c> appended when anchored at month ends
    /// (<c>P1M-end</c>); fixed steps in the largest whole unit of days, hours, minutes or seconds (<c>P1D</c>, <c>P7D</c>,
    /// <c>PT1H</c>, <c>PT15M</c>, <c>PT90S</c>, <c>PT0.5S</c>).
    /// </summary>
    /// <returns>The text <see cref="Parse"/> reads back to this frequency.</returns>
    public string ToText()
    {
        CheckDefined();
        if (IsCalendar)
        {
            return string.Create(CultureInfo.InvariantCulture, $"P{Months}M{(MonthEnd ? "-end" : "")}");
        }

        long ticks = Step.Ticks;
        if (ticks % TimeSpan.TicksPerDay == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"P{ticks / TimeSpan.TicksPerDay}D");
        }

        if (ticks % TimeSpan.TicksPerHour == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"PT{ticks / TimeSpan.TicksPerHour}H");
        }

        if (ticks % TimeSpan.TicksPerMinute == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"PT{ticks / TimeSpan.TicksPerMinute}M");
        }

        long whole = ticks / TimeSpan.TicksPerSecond;
        long fraction = ticks % TimeSpan.TicksPerSecond;
        string fractionText = fraction == 0 ? "" : "." + fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
        return string.Create(CultureInfo.InvariantCulture, $"PT{whole}{fractionText}S");
    }

    /// <summary>
    /// Reads the form <see cref="ToText"/> writes: <c>P{n}M</c>, <c>P{n}M-end</c>, <c>P{n}D</c>, <c>PT{n}H</c>,
    /// <c>PT{n}M</c>, <c>PT{n}S</c> and <c>PT{n}.{fraction}S</c>; also <c>P{n}Y</c> (12n months, <c>-end</c> allowed) and
    /// <c>P{n}W</c> (7n days). Letters are upper case, n is a positive integer.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The frequency.</returns>
    /// <exception cref="FormatException"><paramref name="text"/> is not one of these forms, or its step is zero.</exception>
    public static Frequency Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return ParseCore(text) ?? throw new FormatException($"'{text}' is not a frequency (e.g. PT1H, P1D, P7D, P1M, P1M-end, P3M, P12M)");
        }
        catch (OverflowException ex)
        {
            throw new FormatException($"'{text}' is not a frequency: the step is too large", ex);
        }
    }

    /// <summary>The <see cref="Name"/>.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Months == 0 && Step == TimeSpan.Zero ? "(no frequency)" : Name;

    private static Frequency? ParseCore(string text)
    {
        if (text.StartsWith("PT", StringComparison.Ordinal) && text.Length >= 4)
        {
            char unit = text[^1];
            string number = text[2..^1];
            if (unit == 'S')
            {
                int dot = number.IndexOf('.', StringComparison.Ordinal);
                string wholeText = dot < 0 ? number : number[..dot];
                string fractionText = dot < 0 ? "" : number[(dot + 1)..];
                if (!IsDigits(wholeText) || (dot >= 0 && (fractionText.Length is < 1 or > 7 || !IsDigits(fractionText))))
                {
                    return null;
                }

                long ticks = checked(long.Parse(wholeText, NumberStyles.None, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond
                    + (fractionText.Length == 0 ? 0 : long.Parse(fractionText.PadRight(7, '0'), NumberStyles.None, CultureInfo.InvariantCulture)));
                return ticks > 0 ? Fixed(TimeSpan.FromTicks(ticks)) : null;
            }

            long perUnit = unit switch { 'H' => TimeSpan.TicksPerHour, 'M' => TimeSpan.TicksPerMinute, _ => 0 };
            return perUnit > 0 && PositiveInteger(number) is long n ? Fixed(TimeSpan.FromTicks(checked(n * perUnit))) : null;
        }

        if (text.StartsWith('P') && !text.StartsWith("PT", StringComparison.Ordinal))
        {
            bool monthEnd = text.EndsWith("-end", StringComparison.Ordinal);
            string body = monthEnd ? text[..^4] : text;
            if (body.Length < 3 || PositiveInteger(body[1..^1]) is not long n)
            {
                return null;
            }

            return body[^1] switch
            {
                'M' => CalendarMonths(checked((int)n), monthEnd),
                'Y' => CalendarMonths(checked((int)(n * 12)), monthEnd),
                'D' when !monthEnd => Fixed(TimeSpan.FromTicks(checked(n * TimeSpan.TicksPerDay))),
                'W' when !monthEnd => Fixed(TimeSpan.FromTicks(checked(n * 7 * TimeSpan.TicksPerDay))),
                _ => null,
            };
        }

        return null;
    }

    // Null for anything but digits or for zero; OverflowException for digits beyond a long.
    private static long? PositiveInteger(string text)
    {
        if (!IsDigits(text))
        {
            return null;
        }

        long n = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return n > 0 ? n : null;
    }

    private static bool IsDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    // The step as a whole number of the largest unit that divides it: (2, "week"), (15, "minute"), (500, "millisecond").
    private static (long Count, string Unit) LargestUnit(TimeSpan step)
    {
        (long Ticks, string Unit)[] units =
        [
            (7 * TimeSpan.TicksPerDay, "week"), (TimeSpan.TicksPerDay, "day"), (TimeSpan.TicksPerHour, "hour"),
            (TimeSpan.TicksPerMinute, "minute"), (TimeSpan.TicksPerSecond, "second"), (TimeSpan.TicksPerMillisecond, "millisecond"),
            (TimeSpan.TicksPerMicrosecond, "microsecond"), (1, "tick"),
        ];
        foreach (var (ticks, unit) in units)
        {
            if (step.Ticks % ticks == 0)
            {
                return (step.Ticks / ticks, unit);
            }
        }

        throw new InvalidOperationException("unreachable: every step is a whole number of ticks");
    }

    private void CheckDefined()
    {
        if (Months == 0 && Step == TimeSpan.Zero)
        {
            throw new InvalidOperationException("default(Frequency) is no frequency; use Frequency.Fixed, CalendarMonths or a named one");
        }
    }
}
