using System.Globalization;
using Gated.Data;

namespace Gated.Time;

/// <summary>
/// Reads and writes the ISO 8601 times of a CSV time column, invariant culture, nothing else:
/// <c>yyyy-MM-dd</c>; <c>yyyy-MM-ddTHH:mm[:ss[.fffffff]]</c> (or a space instead of <c>T</c>); and the same followed by
/// <c>Z</c> or <c>±HH:mm</c>. Times without offset are held at offset 0 and their <see cref="TimestampKind"/> remembers it.
/// </summary>
public static class Timestamps
{
    /// <summary>
    /// Parses one ISO 8601 date or date-time in the forms listed on <see cref="Timestamps"/>; no surrounding spaces,
    /// no other formats. Impossible dates (<c>2020-02-30</c>) and hours from 24 on are rejected.
    /// </summary>
    /// <param name="text">The text, e.g. <c>2020-05-01</c>, <c>2020-05-01 13:00</c>, <c>2020-05-01T13:00:00.250+02:00</c>.</param>
    /// <param name="value">The time; offset 0 for the forms without offset.</param>
    /// <param name="kind">The form found.</param>
    /// <returns>Whether <paramref name="text"/> is in one of the accepted forms.</returns>
    public static bool TryParse(string text, out DateTimeOffset value, out TimestampKind kind)
    {
        value = default;
        kind = TimestampKind.Date;
        if (text is null || text.Length < 10)
        {
            return false;
        }

        ReadOnlySpan<char> s = text;
        if (!Digits(s, 0, 4, out int year) || s[4] != '-' || !Digits(s, 5, 2, out int month) || s[7] != '-'
            || !Digits(s, 8, 2, out int day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        if (s.Length == 10)
        {
            value = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero);
            return true;
        }

        // Date-time: T or space, HH:mm, then optional :ss and .fraction, then optional Z or ±HH:mm.
        if (s.Length < 16 || s[10] is not ('T' or ' ') || !Digits(s, 11, 2, out int hour) || s[13] != ':'
            || !Digits(s, 14, 2, out int minute) || hour > 23 || minute > 59)
        {
            return false;
        }

        int at = 16;
        int second = 0;
        long fractionTicks = 0;
        if (at < s.Length && s[at] == ':')
        {
            if (!Digits(s, at + 1, 2, out second) || second > 59)
            {
                return false;
            }

            at += 3;
            if (at < s.Length && s[at] == '.')
            {
                int start = ++at;
                while (at < s.Length && char.IsAsciiDigit(s[at]))
                {
                    at++;
                }

                int count = at - start;
                if (count is < 1 or > 7)
                {
                    return false;
                }

                fractionTicks = long.Parse(s[start..at], NumberStyles.None, CultureInfo.InvariantCulture);
                for (int i = count; i < 7; i++)
                {
                    fractionTicks *= 10;
                }
            }
        }

        TimeSpan offset = TimeSpan.Zero;
        if (at == s.Length)
        {
            kind = TimestampKind.DateTime;
        }
        else if (s[at] == 'Z' && at + 1 == s.Length)
        {
            kind = TimestampKind.DateTimeOffset;
        }
        else if (s[at] is '+' or '-' && at + 6 == s.Length && Digits(s, at + 1, 2, out int offsetHours) && s[at + 3] == ':'
            && Digits(s, at + 4, 2, out int offsetMinutes) && offsetMinutes < 60 && offsetHours * 60 + offsetMinutes <= 14 * 60)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (s[at] == '-')
            {
                offset = -offset;
            }

            kind = TimestampKind.DateTimeOffset;
        }
        else
        {
            return false;
        }

        var clock = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
        try
        {
            value = new DateTimeOffset(clock, offset);
        }
        catch (ArgumentOutOfRangeException)
        {
            // 0001-01-01T00:30+01:00 lies before DateTimeOffset.MinValue in UTC.
            return false;
        }

        return true;
    }

    /// <summary>
    /// Writes <paramref name="value"/> back in ISO 8601: <c>2020-05-01</c> (Date), <c>2020-05-01T13:00:00</c> (DateTime),
    /// <c>2020-05-01T13:00:00+02:00</c> (DateTimeOffset; offset 0 is written <c>+00:00</c>). Seconds are always
    /// written for date-times; fractional seconds only when non-zero, without trailing zeros (<c>13:00:00.25</c>).
    /// The clock time is the value's own (its <see cref="DateTimeOffset.DateTime"/>), not converted to UTC.
    /// </summary>
    /// <param name="value">The time.</param>
    /// <param name="kind">The form to write.</param>
    /// <returns>The ISO 8601 text.</returns>
    public static string Format(DateTimeOffset value, TimestampKind kind) => kind switch
    {
        TimestampKind.Date => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimestampKind.DateTime => value.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        TimestampKind.DateTimeOffset => value.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a TimestampKind"),
    };

    /// <summary>
    /// Parses a whole time column (cells trimmed of surrounding spaces, as <see cref="CsvTable"/> does). Every cell must
    /// be of the kind of the first.
    /// </summary>
    /// <param name="cells">The column's cells, first data row first.</param>
    /// <param name="column">The column's name, for messages.</param>
    /// <param name="path">The file's path as the user gave it, for messages.</param>
    /// <param name="kind">The kind shared by all cells; <see cref="TimestampKind.Date"/> for an empty column.</param>
    /// <param name="lines">The file line of each cell; null when row i is on line i + 2 (a header, then one line per row).</param>
    /// <returns>The times, one per cell.</returns>
    /// <exception cref="DataFormatException">
    /// A cell is not ISO 8601 (<c>data.csv line 7: '1/2/2020' in column 'date' is not an ISO 8601 date or date-time</c>),
    /// or its kind differs from the first cell's.
    /// </exception>
    public static DateTimeOffset[] Parse(IReadOnlyList<string> cells, string column, string path, out TimestampKind kind, IReadOnlyList<int>? lines = null)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(column);
        if (lines is not null && lines.Count < cells.Count)
        {
            throw new ArgumentException("One line number per row is needed.", nameof(lines));
        }

        int LineOf(int row) => lines?[row] ?? row + 2;

        kind = TimestampKind.Date;
        var times = new DateTimeOffset[cells.Count];
        for (int i = 0; i < cells.Count; i++)
        {
            string cell = (cells[i] ?? "").Trim();
            int line = LineOf(i);
            if (!TryParse(cell, out times[i], out TimestampKind cellKind))
            {
                throw new DataFormatException($"'{cell}' in column '{column}' is not an ISO 8601 date or date-time", path, line);
            }

            if (i == 0)
            {
                kind = cellKind;
            }
            else if (cellKind != kind)
            {
                throw new DataFormatException(
                    $"'{cell}' in column '{column}' is {Describe(cellKind)}, but line {LineOf(0)} holds {Describe(kind)}; "
                    + "all times of a column must be of one form",
                    path,
                    line);
            }
        }

        return times;
    }

    private static string Describe(TimestampKind kind) => kind switch
    {
        TimestampKind.Date => "a date",
        TimestampKind.DateTime => "a date-time without offset",
        _ => "a date-time with offset",
    };

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (int i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }

            value = value * 10 + (s[i] - '0');
        }

        return true;
    }
}
