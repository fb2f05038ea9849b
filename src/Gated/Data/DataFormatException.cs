namespace Gated.Data;

/// <summary>
/// A problem in user-supplied data (a CSV file, a column, a cell), with a one-line message that says where:
/// <c>data/x.csv line 17, column 'temp': 'abc' is not a number</c>.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>A problem with the whole file, described by <paramref name="message"/>.</summary>
    /// <param name="message">One line naming the file and what is wrong.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>
    /// Builds the message as "<paramref name="filePath"/> line <paramref name="line"/>, column '<paramref name="column"/>':
    /// <paramref name="problem"/>", leaving out the parts that are null. The column is named in that prefix
    /// only together with a line; without a line the problem text is expected to name it.
    /// </summary>
    public DataFormatException(string problem, string? filePath, int? line = null, string? column = null, Exception? innerException = null)
        : base(Compose(problem, filePath, line, column), innerException)
    {
        if (line is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(line), line, "line numbers are 1-based");
        }

        FilePath = filePath;
        Line = line;
        Column = column;
    }

    private DataFormatException(string message, string? filePath, Exception? innerException)
        : base(message, innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The file (or other source name) the data came from, as the user gave it.</summary>
    public string? FilePath { get; }

    /// <summary>1-based line in the file; the header is line 1.</summary>
    public int? Line { get; }

    /// <summary>The column at fault, when the problem lies in one.</summary>
    public string? Column { get; }

    /// <summary>The error for a data file that does not exist: <c>file not found: PATH</c>.</summary>
    public static DataFormatException FileNotFound(string path, Exception? innerException = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new DataFormatException($"file not found: {path}", path, innerException);
    }

    private static string Compose(string problem, string? filePath, int? line, string? column)
    {
        ArgumentException.ThrowIfNullOrEmpty(problem);
        string where = string.IsNullOrEmpty(filePath) ? "" : filePath;
        if (line is int n)
        {
            where = where.Length == 0 ? $"line {n}" : $"{where} line {n}";
            if (column is not null)
            {
                where += $", column '{column}'";
            }
        }

        return where.Length == 0 ? problem : $"{where}: {problem}";
    }
}
