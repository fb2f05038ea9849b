using Gated.Time;

namespace Gated.Forecasting;

/// <summary>
/// Turns the window of a series that ends at a forecast origin into the network's input rows: per step the
/// standardized target, the standardized covariates, and the calendar features of the date the step's next value falls
/// on — so the last row carries the calendar of the first forecast date, which is known in advance.
/// </summary>
internal sealed class WindowEncoder(int window, int covariates, CalendarFeature calendar, Frequency frequency)
{
    private readonly int _calendarWidth = CalendarFeatures.Width(calendar);

    public int Window => window;

    /// <summary>Values per input row.</summary>
    public int Features => 1 + covariates + _calendarWidth;

    /// <summary>Writes rows origin − Window + 1 .. origin of <paramref name="series"/> into destination (Window × Features).</summary>
    public void Encode(TimeSeries series, SeriesScaling scaling, int origin, Span<float> destination)
    {
        int first = origin - window + 1;
        for (int r = 0; r < window; r++)
        {
            int t = first + r;
            var row = destination.Slice(r * Features, Features);
            row[0] = scaling.ScaleLevel(series.Target[t]);
            for (int c = 0; c < covariates; c++)
            {
                row[1 + c] = scaling.ScaleCovariate(c, series.Covariates[c][t]);
            }

            CalendarFeatures.Encode(frequency.Add(series.Times[t], 1), calendar, row[(1 + covariates)..]);
        }
    }

    /// <summary>Writes rows of raw target levels (no covariates) whose last value is at <paramref name="lastTime"/>: the recursive strategy's fed-back window.</summary>
    public void EncodeLevels(ReadOnlySpan<float> levels, DateTimeOffset lastTime, SeriesScaling scaling, Span<float> destination)
    {
        for (int r = 0; r < window; r++)
        {
            var row = destination.Slice(r * Features, Features);
            row[0] = scaling.ScaleLevel(levels[levels.Length - window + r]);
            CalendarFeatures.Encode(frequency.Add(lastTime, r - window + 2), calendar, row[1..]);
        }
    }
}
