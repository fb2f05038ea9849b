using Gated.Time;

namespace Gated.Forecasting;

/// <summary>The columns and time grid a forecaster was trained on; data it forecasts from must match them.</summary>
/// <param name="TargetName">The target column.</param>
/// <param name="CovariateNames">The covariate columns, in input order.</param>
/// <param name="TimeColumn">The time column, when read from a file.</param>
/// <param name="SeriesColumn">The series column of long-format data; null for one series.</param>
/// <param name="Frequency">The grid's step.</param>
/// <param name="TimestampKind">How timestamps were written.</param>
public sealed record ForecasterSchema(
    string TargetName, IReadOnlyList<string> CovariateNames, string? TimeColumn, string? SeriesColumn, Frequency Frequency, TimestampKind TimestampKind)
{
    /// <summary>The schema of a data set.</summary>
    public static ForecasterSchema Of(TimeSeriesSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new(data.TargetName, data.CovariateNames, data.TimeColumn, data.SeriesColumn, data.Frequency, data.TimestampKind);
    }

    /// <summary>Null when <paramref name="data"/> has this schema's columns and frequency, otherwise what differs, in one sentence.</summary>
    public string? Check(TimeSeriesSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.TargetName != TargetName)
        {
            return $"{data.Source}: the target is '{data.TargetName}'; the model forecasts '{TargetName}'.";
        }

        if (!data.CovariateNames.SequenceEqual(CovariateNames))
        {
            return $"{data.Source}: the covariates are [{string.Join(", ", data.CovariateNames)}]; the model reads [{string.Join(", ", CovariateNames)}].";
        }

        if ((data.SeriesColumn is null) != (SeriesColumn is null))
        {
            return SeriesColumn is null
                ? $"{data.Source}: the data has a series column '{data.SeriesColumn}'; the model was trained on one series."
                : $"{data.Source}: the model was trained on many series (column '{SeriesColumn}'); give that column.";
        }

        return data.Frequency != Frequency
            ? $"{data.Source}: the data is {data.Frequency.Name}; the model was trained on {Frequency.Name} data."
            : null;
    }

    internal Saved ToSaved() => new(TargetName, [.. CovariateNames], TimeColumn, SeriesColumn, Frequency.ToText(), TimestampKind.ToString());

    /// <summary>The schema as saved in a model file.</summary>
    internal sealed record Saved(string TargetName, string[] CovariateNames, string? TimeColumn, string? SeriesColumn, string Frequency, string TimestampKind)
    {
        public ForecasterSchema ToSchema() =>
            new(TargetName, CovariateNames, TimeColumn, SeriesColumn, Time.Frequency.Parse(Frequency), Enum.Parse<TimestampKind>(TimestampKind));
    }
}
