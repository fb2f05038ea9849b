using Gated.Data;

namespace Gated.Cli;

/// <summary>One numeric column of a CSV file, with its dates when the file has a date column.</summary>
internal sealed record SeriesInput(string Path, string Column, float[] Values, DateOnly[]? Dates, string? DateColumn = null)
{
    /// <summary>The bundled file's default value column.</summary>
    public const string BundledColumn = "temp";

    /// <summary>The units of the bundled file's columns (data/README.md); "" for a column without one.</summary>
    public static string BundledUnit(string column) => column switch
    {
        "temp_min" or "temp" or "temp_max" or "dew" => "°F",
        "humidity" => "%",
        "pressure" => "inHg",
        "wind" => "mph",
        "percip" => "in",
        "ridership" => "k rides",
        _ => "",
    };

    /// <summary>The date column read when the file has one and the user named none.</summary>
    public const string DefaultDateColumn = "date";

    /// <summary>
    /// The Chicago daily weather (see data/README.md for provenance): the repository's own data file when the tool
    /// runs from a source tree, so an edit to it counts at once; otherwise the copy shipped beside the executable.
    /// </summary>
    public static string BundledCsv =>
        SourceTreeCsv(AppContext.BaseDirectory) ?? System.IO.Path.Combine(AppContext.BaseDirectory, "data", BundledFileName);

    private const string BundledFileName = "chicago-daily-weather.csv";

    /// <summary>data/chicago-daily-weather.csv of the nearest folder at or above <paramref name="start"/> that holds Gated.slnx, or null.</summary>
    internal static string? SourceTreeCsv(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            string csv = System.IO.Path.Combine(folder.FullName, "data", BundledFileName);
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Gated.slnx")) && File.Exists(csv))
            {
                return csv;
            }
        }

        return null;
    }

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
