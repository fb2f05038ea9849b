using Gated.Data;

namespace Gated.Cli;

/// <summary>One numeric column of a CSV file, with its dates when the file has a date column.</summary>
internal sealed record SeriesInput(string Path, string Column, float[] Values, DateOnly[]? Dates, string? DateColumn = null)
{
    /// <summary>The Chicago daily weather shipped beside the executable (see data/README.md for provenance).</summary>
    /// <summary>The bundled file's value column, and the unit its values are in.</summary>
    public const string BundledColumn = "temp", BundledUnit = "°F";

    /// <summary>The date column read when the file has one and the user named none.</summary>
    public const string DefaultDateColumn = "date";

    public static string BundledCsv => System.IO.Path.Combine(AppContext.BaseDirectory, "data", "chicago-daily-weather.csv");

    /// <summary>
    /// Loads the column; the date column is required when the user named it, otherwise "date" or a first column of
    /// dates when the file has one (<see cref="CsvTable.DetectDateColumn"/>). Dates must be evenly spaced: a gap is refused.
    /// </summary>
    public static SeriesInput Load(string path, string column, string? dateColumn)
    {
        var table = CsvTable.Load(path);
        float[] values = table.GetNumbers(column);
        string? dateName = dateColumn ?? table.DetectDateColumn();
        DateOnly[]? dates = dateName is null || dateName == column ? null : table.GetEvenlySpacedDates(dateName);
        if (values.Length == 0)
        {
            throw new DataFormatException($"{path}: column '{column}' has no values");
        }

        return new SeriesInput(path, column, values, dates, dates is null ? null : dateName);
    }

    public string Describe(int index) =>
        Dates is null ? $"step {index + 1}" : Dates[index].ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The date (or step) that lies <paramref name="stepsAhead"/> after the last value.</summary>
    public string DescribeAfterEnd(int stepsAhead) =>
        Dates is null
            ? $"step {Values.Length + stepsAhead}"
            : InferNext(stepsAhead).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    // Daily data advances by the last observed spacing between dates.
    private DateOnly InferNext(int stepsAhead)
    {
        int spacing = Dates!.Length > 1 ? Dates[^1].DayNumber - Dates[^2].DayNumber : 1;
        return Dates[^1].AddDays(spacing * stepsAhead);
    }
}
