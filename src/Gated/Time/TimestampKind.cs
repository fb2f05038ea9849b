namespace Gated.Time;

/// <summary>Which ISO 8601 form a time column is written in; <see cref="Timestamps.Format"/> writes times back in it.</summary>
public enum TimestampKind
{
    /// <summary>A calendar date, <c>2020-05-01</c>; held as midnight at offset 0.</summary>
    Date,

    /// <summary>A date and clock time without offset, <c>2020-05-01T13:00:00</c>; held at offset 0.</summary>
    DateTime,

    /// <summary>A date and clock time with its offset, <c>2020-05-01T13:00:00+02:00</c> or <c>...Z</c>.</summary>
    DateTimeOffset,
}
