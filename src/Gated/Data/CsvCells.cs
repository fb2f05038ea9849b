using System.Globalization;

namespace Gated.Data;

/// <summary>Typed columns that <see cref="CsvTable"/> leaves to its callers (whole numbers, 0/1 flags, required text), with the same line-and-column errors.</summary>
internal static class CsvCells
{
    // As in CsvTable: a quoted cell is cut so the message stays one short line.
    private const int MaxQuotedCell = 40;

    /// <summary>The column as whole numbers in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int[] GetIntegers(CsvTable table, string column, int min, int max)
    {
        string[] cells = table.GetText(column);
        var values = new int[cells.Length];
        for (int r = 0; r < cells.Length; r++)
        {
            string cell = cells[r];
            if (string.IsNullOrWhiteSpace(cell))
            {
                throw Error(table, r, column, "empty cell");
            }

            if (!int.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out values[r]))
            {
                throw Error(table, r, column, $"{Quote(cell)} is not a whole number");
            }

            if (values[r] < min || values[r] > max)
            {
                string range = max == int.MaxValue ? $"at least {min}" : $"from {min} to {max}";
                throw Error(table, r, column, $"{Quote(cell)} is out of range; expected a whole number {range}");
            }
        }

        return values;
    }

    /// <summary>The column as flags written 0 or 1.</summary>
    public static bool[] GetFlags(CsvTable table, string column, string meaningOfOne)
    {
        string[] cells = table.GetText(column);
        var flags = new bool[cells.Length];
        for (int r = 0; r < cells.Length; r++)
        {
            flags[r] = cells[r].Trim() switch
            {
                "0" => false,
                "1" => true,
                _ => throw Error(table, r, column, $"{Quote(cells[r])} is not 0 or 1 (1 = {meaningOfOne})"),
            };
        }

        return flags;
    }

    /// <summary>The column as text, each cell required to hold more than whitespace.</summary>
    public static string[] GetRequiredText(CsvTable table, string column)
    {
        string[] cells = table.GetText(column);
        for (int r = 0; r < cells.Length; r++)
        {
            if (string.IsNullOrWhiteSpace(cells[r]))
            {
                throw Error(table, r, column, "empty cell");
            }
        }

        return cells;
    }

    public static DataFormatException Error(CsvTable table, int row, string column, string problem) =>
        new(problem, table.SourceName, table.GetLineNumber(row), column);

    public static string Quote(string cell)
    {
        string text = cell.Trim().Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        if (text.Length > MaxQuotedCell)
        {
            text = text[..MaxQuotedCell] + "...";
        }

        return $"'{text}'";
    }
}
