using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;

namespace Gated.Data;

/// <summary>
/// A comma-separated table with a header row, held as text cells and converted per column on request, so a
/// bad cell is reported (file, line, column, value) only for the columns a caller actually uses.
/// Fields may be double-quoted, with <c>""</c> for a quote and commas or line breaks inside; a UTF-8 BOM,
/// CRLF line ends and blank lines at the end of the file are accepted.
/// </summary>
public sealed class CsvTable
{
    // Cells quoted in messages are cut to this many characters so a message stays one short line.
    private const int MaxQuotedCell = 40;
    private const int MaxListedColumns = 30;

    private readonly string[] _columns;
    private readonly string[][] _cells; // [column][row]
    private readonly int[] _lines;      // 1-based file line where each row starts
    private readonly Dictionary<string, int> _index;

    private CsvTable(string sourceName, string[] columns, string[][] cells, int[] lines)
    {
        SourceName = sourceName;
        _columns = columns;
        _cells = cells;
        _lines = lines;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < columns.Length; c++)
        {
            _index.Add(columns[c], c);
        }

        Columns = Array.AsReadOnly(columns);
    }

    /// <summary>The path or name used in error messages.</summary>
    public string SourceName { get; }

    /// <summary>Column names in file order, with surrounding whitespace trimmed.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Data rows, not counting the header.</summary>
    public int RowCount => _lines.Length;

    /// <summary>Reads a UTF-8 CSV file; errors name <paramref name="path"/> as given.</summary>
    public static CsvTable Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw DataFormatException.FileNotFound(path);
        }

        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return Parse(reader, path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // The file went away between the check and the open.
            throw DataFormatException.FileNotFound(path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"cannot read the file: {ex.Message}", path, innerException: ex);
        }
    }

    /// <summary>Parses CSV text; <paramref name="sourceName"/> is the name errors use for it.</summary>
    public static CsvTable Parse(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        List<(string[] Fields, int Line, bool IsBlank)> records = ReadRecords(reader.ReadToEnd(), sourceName);

        // Blank lines at the end are common (editors, exports); anywhere else they are a data error.
        while (records.Count > 0 && records[^1].IsBlank)
        {
            records.RemoveAt(records.Count - 1);
        }

        if (records.Count == 0)
        {
            throw new DataFormatException("the file is empty; the first line must be a header naming the columns", sourceName);
        }

        string[] columns = ReadHeader(records[0], sourceName);
        int rows = records.Count - 1;
        var cells = new string[columns.Length][];
        for (int c = 0; c < columns.Length; c++)
        {
            cells[c] = new string[rows];
        }

        var lines = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var record = records[r + 1];
            if (record.Fields.Length != columns.Length)
            {
                string problem = record.IsBlank
                    ? $"empty line; expected {columns.Length} fields as in the header"
                    : $"{record.Fields.Length} fields, but the header has {columns.Length} columns";
                throw new DataFormatException(problem, sourceName, record.Line);
            }

            for (int c = 0; c < columns.Length; c++)
            {
                cells[c][r] = record.Fields[c];
            }

            lines[r] = record.Line;
        }

        return new CsvTable(sourceName, columns, cells, lines);
    }

    /// <summary>Whether the header names <paramref name="column"/> (exact, case-sensitive).</summary>
    /// <param name="column">The column name.</param>
    public bool HasColumn(string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return _index.ContainsKey(column);
    }

    /// <summary>The 1-based file line of data row <paramref name="row"/> (0-based), for messages about a row.</summary>
    public int GetLineNumber(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
        return _lines[row];
    }

    /// <summary>The cells of a column as written (quotes removed, whitespace kept).</summary>
    public string[] GetText(string column) => (string[])_cells[IndexOf(column)].Clone();

    /// <summary>
    /// The column as float32, parsed with the invariant culture (a '.' decimal point). Empty cells, text,
    /// NaN, infinities and values outside the float32 range are errors that name the line and column.
    /// </summary>
    public float[] GetNumbers(string column)
    {
        string[] cells = _cells[IndexOf(column)];
        var values = new float[cells.Length];
        for (int r = 0; r < cells.Length; r++)
        {
            string cell = cells[r];
            if (string.IsNullOrWhiteSpace(cell))
            {
                throw CellError(r, column, "empty cell");
            }

            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                throw CellError(r, column, $"{Quote(cell)} is not a number");
            }

            if (!double.IsFinite(value))
            {
                throw CellError(r, column, $"{Quote(cell)} is not a finite number");
            }

            if (Math.Abs(value) > float.MaxValue)
            {
                throw CellError(r, column, $"{Quote(cell)} is outside the float32 range");
            }

            values[r] = (float)value;
        }

        return values;
    }

    /// <summary>The column as dates written yyyy-MM-dd (ISO 8601).</summary>
    public DateOnly[] GetDates(string column)
    {
        string[] cells = _cells[IndexOf(column)];
        var dates = new DateOnly[cells.Length];
        for (int r = 0; r < cells.Length; r++)
        {
            string cell = cells[r];
            if (string.IsNullOrWhiteSpace(cell))
            {
                throw CellError(r, column, "empty cell");
            }

            if (!DateOnly.TryParseExact(cell.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out dates[r]))
            {
                throw CellError(r, column, $"{Quote(cell)} is not a date of the form yyyy-MM-dd");
            }
        }

        return dates;
    }

    /// <summary>
    /// <see cref="GetDates"/>, also requiring each date to come after the one before, as a time series read
    /// in order must; the error names the line where the order breaks.
    /// </summary>
    public DateOnly[] GetIncreasingDates(string column)
    {
        DateOnly[] dates = GetDates(column);
        for (int r = 1; r < dates.Length; r++)
        {
            if (dates[r] > dates[r - 1])
            {
                continue;
            }

            string previous = dates[r - 1].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            string current = dates[r].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            string problem = dates[r] == dates[r - 1]
                ? $"{current} repeats the date on line {_lines[r - 1]}; dates must be strictly increasing"
                : $"{current} comes before {previous} on line {_lines[r - 1]}; dates must be strictly increasing";
            throw CellError(r, column, problem);
        }

        return dates;
    }

    /// <summary>
    /// <see cref="GetIncreasingDates"/>, also refusing a gap: a step between consecutive dates more than 1.5 times the
    /// series' usual (modal) step, so months of 28 to 31 days and leap years pass but a missing day of daily data
    /// does not. The error names the first gap's dates and size; models here assume evenly spaced steps.
    /// </summary>
    public DateOnly[] GetEvenlySpacedDates(string column)
    {
        DateOnly[] dates = GetIncreasingDates(column);
        if (dates.Length < 3)
        {
            return dates;
        }

        // The modal step; ties go to the smaller step, the stricter reading.
        var counts = new Dictionary<int, int>();
        for (int r = 1; r < dates.Length; r++)
        {
            int step = dates[r].DayNumber - dates[r - 1].DayNumber;
            counts[step] = counts.GetValueOrDefault(step) + 1;
        }

        int usual = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;
        for (int r = 1; r < dates.Length; r++)
        {
            int step = dates[r].DayNumber - dates[r - 1].DayNumber;
            if (2 * step > 3 * usual)
            {
                string previous = dates[r - 1].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                string current = dates[r].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                throw CellError(r, column,
                    $"a {step}-day gap from {previous} (line {_lines[r - 1]}) to {current}, where the series usually steps {usual} day{(usual == 1 ? "" : "s")}; fill or drop the missing dates");
            }
        }

        return dates;
    }

    /// <summary>
    /// The column that holds the series' dates: "date" when the table has one, else the first column when every
    /// cell of it is a yyyy-MM-dd date, else null.
    /// </summary>
    public string? DetectDateColumn()
    {
        if (_index.ContainsKey("date"))
        {
            return "date";
        }

        return RowCount > 0 && _cells[0].All(cell => DateOnly.TryParseExact(cell.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            ? _columns[0]
            : null;
    }

    private int IndexOf(string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (_index.TryGetValue(column, out int c))
        {
            return c;
        }

        string? nearMiss = _columns.FirstOrDefault(name => string.Equals(name, column.Trim(), StringComparison.OrdinalIgnoreCase));
        string hint = nearMiss is null ? "" : $" (did you mean '{nearMiss}'?)";
        if (_columns.Length == 1 && SeparatorHint(_columns[0]) is { } separator)
        {
            hint += $" (the header looks {separator}-separated; Gated reads comma-separated files)";
        }

        string listed = string.Join(", ", _columns.Take(MaxListedColumns));
        if (_columns.Length > MaxListedColumns)
        {
            listed += $", ... ({_columns.Length} columns)";
        }

        throw new DataFormatException($"column '{column}' not found{hint}; the file has: {listed}", SourceName, column: column);
    }

    // A one-column header that another common separator would split: the file is likely not comma-separated.
    private static string? SeparatorHint(string header) =>
        header.Contains(';', StringComparison.Ordinal) ? "semicolon"
        : header.Contains('\t', StringComparison.Ordinal) ? "tab"
        : header.Contains('|', StringComparison.Ordinal) ? "pipe"
        : null;

    private DataFormatException CellError(int row, string column, string problem) =>
        new(problem, SourceName, _lines[row], column);

    private static string Quote(string cell)
    {
        string text = cell.Trim().Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        if (text.Length > MaxQuotedCell)
        {
            text = text[..MaxQuotedCell] + "...";
        }

        return $"'{text}'";
    }

    private static string[] ReadHeader((string[] Fields, int Line, bool IsBlank) header, string sourceName)
    {
        if (header.IsBlank)
        {
            throw new DataFormatException("the header row is empty; the first line must name the columns", sourceName, 1);
        }

        var columns = new string[header.Fields.Length];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < columns.Length; c++)
        {
            string name = header.Fields[c].Trim();
            if (name.Length == 0)
            {
                throw new DataFormatException($"column {c + 1} of the header has an empty name", sourceName, header.Line);
            }

            if (seen.TryGetValue(name, out int first))
            {
                throw new DataFormatException(
                    $"duplicate column name (columns {first + 1} and {c + 1} of the header)", sourceName, header.Line, name);
            }

            seen.Add(name, c);
            columns[c] = name;
        }

        return columns;
    }

    // A record ends at an unquoted line break; quoted fields may span lines, so a record keeps the line it starts on.
    private static List<(string[] Fields, int Line, bool IsBlank)> ReadRecords(string text, string sourceName)
    {
        var records = new List<(string[] Fields, int Line, bool IsBlank)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int pos = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        int line = 1;
        while (pos < text.Length)
        {
            int recordLine = line;
            bool anyQuoted = false;
            fields.Clear();
            while (true)
            {
                if (pos < text.Length && text[pos] == '"')
                {
                    anyQuoted = true;
                    int quoteLine = line;
                    field.Clear();
                    pos++;
                    while (true)
                    {
                        if (pos >= text.Length)
                        {
                            throw new DataFormatException(
                                $"unterminated quote: the quoted field {fields.Count + 1} that opens here never closes",
                                sourceName, quoteLine);
                        }

                        char q = text[pos];
                        if (q == '"')
                        {
                            if (pos + 1 < text.Length && text[pos + 1] == '"')
                            {
                                field.Append('"');
                                pos += 2;
                                continue;
                            }

                            pos++;
                            break;
                        }

                        if (q == '\n' || (q == '\r' && (pos + 1 >= text.Length || text[pos + 1] != '\n')))
                        {
                            line++;
                        }

                        field.Append(q);
                        pos++;
                    }

                    if (pos < text.Length && text[pos] is not (',' or '\r' or '\n'))
                    {
                        throw new DataFormatException(
                            $"unexpected text after the closing quote of field {fields.Count + 1}; a quoted field must end at a comma or line end",
                            sourceName, line);
                    }

                    fields.Add(field.ToString());
                }
                else
                {
                    int start = pos;
                    while (pos < text.Length && text[pos] is not (',' or '\r' or '\n'))
                    {
                        pos++;
                    }

                    fields.Add(text[start..pos]);
                }

                if (pos < text.Length && text[pos] == ',')
                {
                    pos++;
                    continue;
                }

                // Line end (CRLF, LF or a lone CR) or end of text: the record is complete.
                if (pos < text.Length)
                {
                    pos += text[pos] == '\r' && pos + 1 < text.Length && text[pos + 1] == '\n' ? 2 : 1;
                    line++;
                }

                break;
            }

            bool blank = !anyQuoted && fields.Count == 1 && string.IsNullOrWhiteSpace(fields[0]);
            records.Add((fields.ToArray(), recordLine, blank));
        }

        return records;
    }
}
