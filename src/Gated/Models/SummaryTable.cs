using System.Globalization;
using System.Text;

namespace Gated.Models;

/// <summary>Keras's summary table, shared by Sequential and Model: layer (type), output shape, parameters, and for graphs "Connected to".</summary>
internal static class SummaryTable
{
    /// <summary>The table of rows; the "Connected to" column appears when any row has a connection (null for a chain).</summary>
    public static string Format(IReadOnlyList<(string Name, string Shape, long Count, string? Connected)> rows, long totalParameters)
    {
        bool connected = rows.Any(r => r.Connected is not null);
        int nameWidth = Math.Max(20, rows.Max(r => r.Name.Length) + 2);
        int shapeWidth = Math.Max(20, rows.Max(r => r.Shape.Length) + 2);
        int width = nameWidth + shapeWidth + 12 + (connected ? 2 + Math.Max(12, rows.Max(r => (r.Connected ?? "").Length)) : 0);
        var text = new StringBuilder();
        string rule = new('─', width);
        text.AppendLine(CultureInfo.InvariantCulture, $"{"Layer (type)".PadRight(nameWidth)}{"Output Shape".PadRight(shapeWidth)}{"Param #",12}{(connected ? "  Connected to" : "")}");
        text.AppendLine(rule);
        foreach (var (name, shape, count, links) in rows)
        {
            string line = string.Create(CultureInfo.InvariantCulture, $"{name.PadRight(nameWidth)}{shape.PadRight(shapeWidth)}{count,12:N0}");
            text.AppendLine(connected ? $"{line}  {links}".TrimEnd() : line);
        }

        text.AppendLine(rule);
        text.AppendLine(CultureInfo.InvariantCulture, $"Total params: {totalParameters:N0}");
        return text.ToString();
    }
}
