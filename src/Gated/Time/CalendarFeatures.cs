namespace Gated.Time;

/// <summary>
/// Chooses, names and computes the calendar features of a series: each <see cref="CalendarFeature"/> is two inputs,
/// sin(2πx/P) and cos(2πx/P) of its position x in a cycle of length P, so the end of a cycle meets its start.
/// </summary>
public static class CalendarFeatures
{
    private const CalendarFeature All = CalendarFeature.HourOfDay | CalendarFeature.DayOfWeek | CalendarFeature.DayOfYear | CalendarFeature.Month;

    // Flag order is encoding order; the names are what Parse reads and Format writes.
    private static readonly (CalendarFeature Flag, string Name)[] Known =
    [
        (CalendarFeature.HourOfDay, "hour"), (CalendarFeature.DayOfWeek, "dayofweek"),
        (CalendarFeature.DayOfYear, "dayofyear"), (CalendarFeature.Month, "month"),
    ];

    /// <summary>
    /// The features worth adding at a frequency: steps under a day HourOfDay | DayOfWeek | DayOfYear; steps of one day up
    /// to under 7 days DayOfWeek | DayOfYear; fixed steps of 7 days or more DayOfYear; calendar steps under a year
    /// (monthly, quarterly) Month; yearly and longer None.
    /// </summary>
    /// <param name="frequency">The series' frequency.</param>
    /// <returns>The features.</returns>
    public static CalendarFeature Auto(Frequency frequency)
    {
        if (frequency.IsCalendar)
        {
            return frequency.Months < 12 ? CalendarFeature.Month : CalendarFeature.None;
        }

        if (frequency.Step <= TimeSpan.Zero)
        {
            throw new ArgumentException("default(Frequency) is no frequency", nameof(frequency));
        }

        if (frequency.Step < TimeSpan.FromDays(1))
        {
            return CalendarFeature.HourOfDay | CalendarFeature.DayOfWeek | CalendarFeature.DayOfYear;
        }

        return frequency.Step < TimeSpan.FromDays(7) ? CalendarFeature.DayOfWeek | CalendarFeature.DayOfYear : CalendarFeature.DayOfYear;
    }

    /// <summary>
    /// Reads "none" or a comma-separated list of <c>hour</c>, <c>dayofweek</c>, <c>dayofyear</c>, <c>month</c>
    /// (case-insensitive, spaces around names ignored). "auto" is the caller's to handle with <see cref="Auto"/>.
    /// </summary>
    /// <param name="text">The text, e.g. "hour, dayofweek".</param>
    /// <returns>The features.</returns>
    /// <exception cref="ArgumentException">An unknown or empty name; the message names it and lists the known ones.</exception>
    public static CalendarFeature Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return CalendarFeature.None;
        }

        var features = CalendarFeature.None;
        foreach (string part in text.Split(','))
        {
            string name = part.Trim();
            int at = Array.FindIndex(Known, k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (at < 0)
            {
                throw new ArgumentException(
                    $"unknown calendar feature '{name}'; known: none, or a comma-separated list of {string.Join(", ", Known.Select(k => k.Name))}",
                    nameof(text));
            }

            features |= Known[at].Flag;
        }

        return features;
    }

    /// <summary>The text <see cref="Parse"/> reads back: "hour,dayofweek" in flag order, "none" for none.</summary>
    /// <param name="features">The features.</param>
    /// <returns>The text.</returns>
    public static string Format(CalendarFeature features)
    {
        Check(features);
        return features == CalendarFeature.None
            ? "none"
            : string.Join(",", Known.Where(k => features.HasFlag(k.Flag)).Select(k => k.Name));
    }

    /// <summary>The number of inputs the features take: two (a sine and a cosine) per flag set.</summary>
    /// <param name="features">The features.</param>
    /// <returns>2 × the number of flags.</returns>
    public static int Width(CalendarFeature features)
    {
        Check(features);
        return 2 * System.Numerics.BitOperations.PopCount((uint)features);
    }

    /// <summary>
    /// Writes the features of <paramref name="time"/> into the first <see cref="Width"/> entries of
    /// <paramref name="destination"/>, in flag order, each as sin(2πx/P), cos(2πx/P): hour of day x = hour + minute/60,
    /// P = 24; day of week x = 0..6 from Monday, P = 7; day of year x = DayOfYear − 1, P = 365.25 (smooth over leap
    /// years); month x = Month − 1, P = 12. The time's own clock is used (its <see cref="DateTimeOffset.DateTime"/>),
    /// not UTC.
    /// </summary>
    /// <param name="time">The time.</param>
    /// <param name="features">Which features.</param>
    /// <param name="destination">At least <see cref="Width"/> entries.</param>
    public static void Encode(DateTimeOffset time, CalendarFeature features, Span<float> destination)
    {
        int width = Width(features);
        if (destination.Length < width)
        {
            throw new ArgumentException($"destination has {destination.Length} entries; {Format(features)} needs {width}", nameof(destination));
        }

        DateTime clock = time.DateTime;
        int at = 0;
        if (features.HasFlag(CalendarFeature.HourOfDay))
        {
            Cycle(clock.Hour + clock.Minute / 60.0, 24, destination, ref at);
        }

        if (features.HasFlag(CalendarFeature.DayOfWeek))
        {
            Cycle(((int)clock.DayOfWeek + 6) % 7, 7, destination, ref at);
        }

        if (features.HasFlag(CalendarFeature.DayOfYear))
        {
            Cycle(clock.DayOfYear - 1, 365.25, destination, ref at);
        }

        if (features.HasFlag(CalendarFeature.Month))
        {
            Cycle(clock.Month - 1, 12, destination, ref at);
        }
    }

    /// <summary>The inputs' names in encoding order: "hour_sin", "hour_cos", "dayofweek_sin", ...</summary>
    /// <param name="features">The features.</param>
    /// <returns>2 names per flag.</returns>
    public static IReadOnlyList<string> Names(CalendarFeature features)
    {
        Check(features);
        return Known.Where(k => features.HasFlag(k.Flag)).SelectMany(k => new[] { k.Name + "_sin", k.Name + "_cos" }).ToArray();
    }

    private static void Cycle(double x, double period, Span<float> destination, ref int at)
    {
        double angle = 2 * Math.PI * x / period;
        destination[at++] = (float)Math.Sin(angle);
        destination[at++] = (float)Math.Cos(angle);
    }

    private static void Check(CalendarFeature features)
    {
        if ((features & ~All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(features), features, "unknown calendar feature flags");
        }
    }
}
