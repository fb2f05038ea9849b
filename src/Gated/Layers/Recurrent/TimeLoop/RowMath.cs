using System.Numerics;
using System.Runtime.InteropServices;

namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>The element-wise row operations the time loop repeats around the cells' steps.</summary>
internal static class RowMath
{
    /// <summary>destination += source, element by element.</summary>
    public static void Add(ReadOnlySpan<float> source, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var sourceVectors = MemoryMarshal.Cast<float, Vector<float>>(source[..destination.Length]);
            var destinationVectors = MemoryMarshal.Cast<float, Vector<float>>(destination);
            for (int v = 0; v < destinationVectors.Length; v++)
            {
                destinationVectors[v] += sourceVectors[v];
            }

            i = destinationVectors.Length * Vector<float>.Count;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] += source[i];
        }
    }

    /// <summary>Multiplies a (B, F) block by a (B, F) mask: the same dropout mask at every step of a sequence.</summary>
    public static void MultiplyRows(Span<float> values, ReadOnlySpan<float> mask)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= mask[i];
        }
    }

    /// <summary>Copies one row into each of `rows` rows of a matrix.</summary>
    public static void BroadcastRows(ReadOnlySpan<float> row, Span<float> matrix, int rows)
    {
        for (int i = 0; i < rows; i++)
        {
            row.CopyTo(matrix.Slice(i * row.Length, row.Length));
        }
    }
}
