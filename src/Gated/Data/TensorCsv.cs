using System.Globalization;
using System.Text;
using Gated.IO;
using Gated.Tensors;

namespace Gated.Data;

/// <summary>
/// Tensors as CSV for the command line: one sample per row, its values flattened row-major. A first row that is
/// not all numbers is a header and is skipped; every other cell must be a finite number.
/// </summary>
public static class TensorCsv
{
    /// <summary>Reads (rows, columns); every row must have as many values as the first.</summary>
    public static Tensor Read(string path)
    {
        if (!File.Exists(path))
        {
            throw DataFormatException.FileNotFound(path);
        }

        string[] lines = File.ReadAllLines(path);
        var rows = new List<float[]>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            string[] cells = line.Split(',');
            if (rows.Count == 0 && i == FirstContentLine(lines) && !cells.All(c => IsNumber(c)))
            {
                continue;
            }

            var values = new float[cells.Length];
            for (int j = 0; j < cells.Length; j++)
            {
                string cell = cells[j].Trim();
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[j]) || !float.IsFinite(values[j]))
                {
                    throw new DataFormatException($"'{cell}' is not a finite number", path, i + 1, (j + 1).ToString(CultureInfo.InvariantCulture));
                }
            }

            if (rows.Count > 0 && values.Length != rows[0].Length)
            {
                throw new DataFormatException($"has {values.Length} values; earlier rows have {rows[0].Length}", path, i + 1);
            }

            rows.Add(values);
        }

        if (rows.Count == 0)
        {
            throw new DataFormatException($"{path}: no rows of numbers");
        }

        int width = rows[0].Length;
        var tensor = new Tensor(rows.Count, width);
        for (int r = 0; r < rows.Count; r++)
        {
            rows[r].CopyTo(tensor.Data, r * width);
        }

        return tensor;
    }

    /// <summary>Writes one row per sample (first axis), the rest flattened; written atomically.</summary>
    public static void Write(string path, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        int rows = tensor.Rank == 0 ? 1 : tensor.Shape[0];
        int width = rows == 0 ? 0 : tensor.Length / rows;
        var text = new StringBuilder();
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < width; j++)
            {
                if (j > 0)
                {
                    text.Append(',');
                }

                text.Append(tensor.Data[(r * width) + j].ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        AtomicFile.WriteAllText(path, text.ToString());
    }

    private static int FirstContentLine(string[] lines)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length > 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsNumber(string cell) => float.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
