using Gated.Time;

namespace Gated.Forecasting;

/// <summary>
/// The data a <see cref="Forecaster"/> trains on or forecasts from: one or many series on one regular frequency, each
/// with the same target and covariate columns. Read it from a CSV file with <see cref="TimeSeriesCsv.Load"/> or build
/// it from arrays with <see cref="Single"/>.
/// </summary>
public sealed record TimeSeriesSet
{
    /// <summary>Where the data came from (a file's path, or a caller's description): messages name it.</summary>
    public required string Source { get; init; }

    /// <summary>The target column's name.</summary>
    public required string TargetName { get; init; }

    /// <summary>The covariate columns' names, in the order of <see cref="TimeSeries.Covariates"/>.</summary>
    public IReadOnlyList<string> CovariateNames { get; init; } = [];

    /// <summary>The name of the time column, if read from a file.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>The column naming each row's series in a long-format file; null for one series.</summary>
    public string? SeriesColumn { get; init; }

    /// <summary>The grid's step, inferred from the timestamps or given.</summary>
    public required Frequency Frequency { get; init; }

    /// <summary>How the timestamps are written (date, date-time, date-time with offset), for writing them back.</summary>
    public TimestampKind TimestampKind { get; init; } = TimestampKind.Date;

    /// <summary>The series, in the order they first appear.</summary>
    public required IReadOnlyList<TimeSeries> Series { get; init; }

    /// <summary>Rows inserted to fill gaps (0 unless a fill was asked for).</summary>
    public int FilledCount { get; init; }

    /// <summary>A timestamp as the input wrote it ("2020-05-01", "2020-05-01T13:00:00+02:00").</summary>
    public string Format(DateTimeOffset time) => Timestamps.Format(time, TimestampKind);

    /// <summary>One series of evenly spaced values starting at <paramref name="start"/>; covariates optional.</summary>
    /// <param name="targetName">The target's name.</param>
    /// <param name="start">The first value's timestamp.</param>
    /// <param name="frequency">The step between values.</param>
    /// <param name="target">The values, oldest first; all finite.</param>
    /// <param name="covariates">Covariates by name, each as long as the target.</param>
    /// <param name="kind">How timestamps are written back.</param>
    public static TimeSeriesSet Single(
        string targetName, DateTimeOffset start, Frequency frequency, float[] target,
        IReadOnlyList<(string Name, float[] Values)>? covariates = null, TimestampKind kind = TimestampKind.Date)
    {
        ArgumentNullException.ThrowIfNull(target);
        covariates ??= [];
        var times = new DateTimeOffset[target.Length];
        for (int i = 0; i < times.Length; i++)
        {
            times[i] = frequency.Add(start, i);
        }

        foreach (var (name, values) in covariates)
        {
            if (values.Length != target.Length)
            {
                throw new ArgumentException($"Covariate '{name}' has {values.Length} values; the target has {target.Length}.", nameof(covariates));
            }
        }

        var set = new TimeSeriesSet
        {
            Source = targetName,
            TargetName = targetName,
            CovariateNames = [.. covariates.Select(c => c.Name)],
            Frequency = frequency,
            TimestampKind = kind,
            Series = [new TimeSeries(null, times, target, [.. covariates.Select(c => c.Values)])],
        };
        set.CheckFinite();
        return set;
    }

    /// <summary>Throws ArgumentException naming the first NaN or infinite value.</summary>
    internal void CheckFinite()
    {
        foreach (var series in Series)
        {
            for (int c = -1; c < series.Covariates.Length; c++)
            {
                float[] values = c < 0 ? series.Target : series.Covariates[c];
                int bad = Array.FindIndex(values, v => !float.IsFinite(v));
                if (bad >= 0)
                {
                    string column = c < 0 ? TargetName : CovariateNames[c];
                    throw new ArgumentException($"{Source}: '{column}' is {values[bad]} at {Format(series.Times[bad])}; values must be finite.");
                }
            }
        }
    }
}
