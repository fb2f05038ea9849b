using Gated.Data;
using Gated.Time;

namespace Gated.Forecasting;

/// <summary>
/// Reads a <see cref="TimeSeriesSet"/> from a CSV file: a time column of ISO 8601 dates or date-times, the target,
/// covariate columns, and optionally a series column (long format: a row per series per time). The frequency is
/// inferred from the timestamps; duplicate, unordered or off-grid timestamps and gaps are errors naming the line,
/// unless a fill is asked for.
/// </summary>
public static class TimeSeriesCsv
{
    /// <summary>The time column read when the file has one and the caller names none.</summary>
    public static readonly IReadOnlyList<string> TimeColumnNames = ["date", "time", "timestamp", "datetime", "ds"];

    /// <summary>Loads the columns; bad cells, missing columns and bad timestamps throw <see cref="DataFormatException"/>.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="target">The column to forecast.</param>
    /// <param name="covariates">Numeric columns observed up to the forecast origin.</param>
    /// <param name="timeColumn">The time column; null finds one (<see cref="TimeColumnNames"/>, else a first column of timestamps).</param>
    /// <param name="seriesColumn">The column naming each row's series; null for one series.</param>
    /// <param name="fill">What to do with gaps in the timestamps.</param>
    /// <param name="frequency">The expected frequency; null infers it from the first series.</param>
    public static TimeSeriesSet Load(
        string path, string target, IReadOnlyList<string>? covariates = null, string? timeColumn = null,
        string? seriesColumn = null, GapFill fill = GapFill.None, Frequency? frequency = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        covariates ??= [];
        if (covariates.Contains(target))
        {
            throw new InvalidOptionException(nameof(ForecastOptions.Covariates),
                $"{{Covariates}} names '{target}', the target; the window already reads its history, so leave it out of {{Covariates}}");
        }

        var table = CsvTable.Load(path);
        string? time = timeColumn ?? DetectTimeColumn(table);
        foreach (string column in new[] { target }.Concat(covariates).Append(seriesColumn).OfType<string>())
        {
            if (column == time)
            {
                throw new DataFormatException($"{path}: column '{column}' is the time column; it cannot also be a value or series column");
            }
        }

        if (seriesColumn is not null && (seriesColumn == target || covariates.Contains(seriesColumn)))
        {
            throw new DataFormatException($"{path}: column '{seriesColumn}' is the series column; it cannot also be the target or a covariate");
        }

        // The values before a missing time column is reported: a missing value column's error hints at a file separated by semicolons or tabs.
        float[] targetValues = table.GetNumbers(target);
        float[][] covariateValues = [.. covariates.Select(table.GetNumbers)];
        if (time is null)
        {
            throw new DataFormatException(
                $"{path}: no time column (one named {string.Join(", ", TimeColumnNames)}, or a first column of ISO 8601 dates); name it with --date-column");
        }

        string[] timeCells = table.GetText(time);
        if (table.RowCount == 0)
        {
            throw new DataFormatException($"{path}: the file has a header but no rows");
        }

        var lines = Enumerable.Range(0, table.RowCount).Select(table.GetLineNumber).ToArray();
        var groups = seriesColumn is null
            ? [(Id: (string?)null, Rows: Enumerable.Range(0, table.RowCount).ToArray())]
            : table.GetText(seriesColumn)
                .Select((id, row) => (Id: id.Trim(), Row: row))
                .GroupBy(p => p.Id, StringComparer.Ordinal)
                .Select(g => (Id: (string?)g.Key, Rows: g.Select(p => p.Row).ToArray()))
                .ToList();

        var series = new List<TimeSeries>();
        TimestampKind? kind = null;
        int filled = 0;
        foreach (var (id, rows) in groups)
        {
            if (id is { Length: 0 })
            {
                throw new DataFormatException($"{path} line {lines[rows[0]]}: empty cell in series column '{seriesColumn}'");
            }

            var times = Timestamps.Parse([.. rows.Select(r => timeCells[r])], time, path, out var groupKind, [.. rows.Select(r => lines[r])]);
            if (kind is not null && groupKind != kind)
            {
                throw new DataFormatException($"{path} line {lines[rows[0]]}: series '{id}' writes its timestamps differently from the first series");
            }

            kind = groupKind;
            if (times.Length < 2)
            {
                throw new DataFormatException($"{path}: {(id is null ? "the file" : $"series '{id}'")} has {times.Length} row; a series needs at least 2 to have a frequency");
            }

            frequency ??= FrequencyInference.Infer(times);
            string[] names = [target, .. covariates];
            float[][] columns = [[.. rows.Select(r => targetValues[r])], .. covariateValues.Select(c => rows.Select(r => c[r]).ToArray())];
            var regular = TimeGrid.Regularize(times, columns, names, frequency.Value, fill, path, groupKind, [.. rows.Select(r => lines[r])]);
            filled += regular.FilledCount;
            series.Add(new TimeSeries(id, regular.Times, regular.Columns[0], regular.Columns[1..]));
        }

        return new TimeSeriesSet
        {
            Source = path,
            TargetName = target,
            CovariateNames = [.. covariates],
            TimeColumn = time,
            SeriesColumn = seriesColumn,
            Frequency = frequency!.Value,
            TimestampKind = kind!.Value,
            Series = series,
            FilledCount = filled,
        };
    }

    /// <summary>The first of <see cref="TimeColumnNames"/> the table has, else its first column when every cell is a timestamp, else null.</summary>
    public static string? DetectTimeColumn(CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (string name in TimeColumnNames)
        {
            if (table.HasColumn(name))
            {
                return name;
            }
        }

        string first = table.Columns[0];
        return table.RowCount > 0 && table.GetText(first).All(cell => Timestamps.TryParse(cell.Trim(), out _, out _)) ? first : null;
    }
}
