namespace Gated.Time;

/// <summary>
/// Calendar inputs a forecaster can add beside its values, each as a sine and a cosine of its cycle
/// (<see cref="CalendarFeatures.Encode"/>); written in this order.
/// </summary>
[Flags]
public enum CalendarFeature
{
    /// <summary>No calendar features.</summary>
    None = 0,

    /// <summary>Hour of the day with minutes, period 24.</summary>
    HourOfDay = 1,

    /// <summary>Day of the week, Monday 0, period 7.</summary>
    DayOfWeek = 2,

    /// <summary>Day of the year from 0, period 365.25.</summary>
    DayOfYear = 4,

    /// <summary>Month from 0 (January), period 12.</summary>
    Month = 8,
}
