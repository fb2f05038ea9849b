namespace Gated.Forecasting;

/// <summary>
/// One series on a regular time grid: its timestamps, its target values and its covariates (one array per covariate,
/// each as long as the target), oldest first.
/// </summary>
/// <param name="Id">The series' name in a long-format file (the series column's value); null for a single series.</param>
/// <param name="Times">The timestamps, one step of the set's frequency apart.</param>
/// <param name="Target">The values to forecast.</param>
/// <param name="Covariates">Observed covariates, [covariate][time].</param>
public sealed record TimeSeries(string? Id, DateTimeOffset[] Times, float[] Target, float[][] Covariates)
{
    /// <summary>The number of time points.</summary>
    public int Length => Target.Length;

    /// <summary>The first <paramref name="count"/> points: the series as it was known at an earlier time.</summary>
    public TimeSeries Head(int count) =>
        new(Id, Times[..count], Target[..count], [.. Covariates.Select(c => c[..count])]);

    /// <summary>The last <paramref name="count"/> points.</summary>
    public TimeSeries Tail(int count) =>
        new(Id, Times[^count..], Target[^count..], [.. Covariates.Select(c => c[^count..])]);
}
