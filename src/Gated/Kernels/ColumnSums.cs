using System.Numerics;

namespace Gated.Kernels;

/// <summary>
/// Column sums of a row-major matrix: the bias gradients, summed over every step and sequence of a batch (3200 × 150
/// for the seed workload). Columns go in strips of up to eight vectors whose sums stay in registers while all rows
/// stream past, where adding row after row into the sums in memory loads and stores them again for every row. Each
/// column is summed in row order, one add per row, on whichever path: the float loop is the reference and the
/// vector strips give the same bits.
/// </summary>
internal static class ColumnSums
{
    public static void Compute(ReadOnlySpan<float> matrix, int rows, int columns, Span<float> sums) =>
        Compute(matrix, rows, columns, sums, Vector.IsHardwareAccelerated);

    /// <summary>sums[j] = Σ_i matrix[i·columns + j]; `vectorized` false runs the float reference alone (tests).</summary>
    public static void Compute(ReadOnlySpan<float> matrix, int rows, int columns, Span<float> sums, bool vectorized)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (matrix.Length < (long)rows * columns || sums.Length < columns)
        {
            throw new ArgumentException($"A ({rows}, {columns}) matrix needs {(long)rows * columns} values and {columns} sums.");
        }

        int j = 0;
        if (vectorized)
        {
            int w = Vector<float>.Count;
            for (int width = 8; width >= 1; width /= 2)
            {
                for (; j + (width * w) <= columns; j += width * w)
                {
                    Strip(matrix, rows, columns, sums, j, width);
                }
            }
        }

        for (; j < columns; j++)
        {
            float sum = 0;
            for (int i = 0; i < rows; i++)
            {
                sum += matrix[(i * columns) + j];
            }

            sums[j] = sum;
        }
    }

    // Columns [j, j + width·W) in width vector accumulators; width is 8, 4, 2 or 1.
    private static void Strip(ReadOnlySpan<float> matrix, int rows, int columns, Span<float> sums, int j, int width)
    {
        int w = Vector<float>.Count;
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (int i = 0, at = j; i < rows; i++, at += columns)
        {
            var row = matrix.Slice(at, width * w);
            s0 += new Vector<float>(row);
            if (width >= 2)
            {
                s1 += new Vector<float>(row[w..]);
            }

            if (width >= 4)
            {
                s2 += new Vector<float>(row[(2 * w)..]);
                s3 += new Vector<float>(row[(3 * w)..]);
            }

            if (width == 8)
            {
                s4 += new Vector<float>(row[(4 * w)..]);
                s5 += new Vector<float>(row[(5 * w)..]);
                s6 += new Vector<float>(row[(6 * w)..]);
                s7 += new Vector<float>(row[(7 * w)..]);
            }
        }

        var target = sums.Slice(j, width * w);
        s0.CopyTo(target);
        if (width >= 2)
        {
            s1.CopyTo(target[w..]);
        }

        if (width >= 4)
        {
            s2.CopyTo(target[(2 * w)..]);
            s3.CopyTo(target[(3 * w)..]);
        }

        if (width == 8)
        {
            s4.CopyTo(target[(4 * w)..]);
            s5.CopyTo(target[(5 * w)..]);
            s6.CopyTo(target[(6 * w)..]);
            s7.CopyTo(target[(7 * w)..]);
        }
    }
}
