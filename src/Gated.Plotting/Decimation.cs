namespace Gated.Plotting;

/// <summary>Reduces a long series to what a pixel grid can show.</summary>
internal static class Decimation
{
    /// <summary>
    /// Screen points of xs/ys[start..end). When there are more than two points per pixel column and x never
    /// decreases, keeps only the lowest and highest point of each column (in their original order), which
    /// draws the same outline as all of them.
    /// </summary>
    public static List<(double X, double Y)> Reduce(double[] xs, float[] ys, int start, int end, PlotScale scale)
    {
        var points = new List<(double X, double Y)>(Math.Min(end - start, 4096));
        if (!Decimates(xs, start, end, scale))
        {
            for (int i = start; i < end; i++)
            {
                points.Add((scale.X(xs[i]), scale.Y(ys[i])));
            }

            return points;
        }

        foreach (var (low, high) in ColumnExtremes(xs, ys, ys, start, end, scale))
        {
            int first = Math.Min(low, high), second = Math.Max(low, high);
            points.Add((scale.X(xs[first]), scale.Y(ys[first])));
            if (second != first)
            {
                points.Add((scale.X(xs[second]), scale.Y(ys[second])));
            }
        }

        return points;
    }

    /// <summary>
    /// Screen points of a band's two edges over xs/lower/upper[start..end), both left to right. When there are more
    /// than two points per pixel column and x never decreases, keeps one point per column on each edge: the highest
    /// upper and the lowest lower, so the shaded area covers exactly the pixel rows that all of them would.
    /// </summary>
    public static (List<(double X, double Y)> Upper, List<(double X, double Y)> Lower) ReduceBand(
        double[] xs, float[] lower, float[] upper, int start, int end, PlotScale scale)
    {
        var top = new List<(double X, double Y)>(Math.Min(end - start, 4096));
        var bottom = new List<(double X, double Y)>(Math.Min(end - start, 4096));
        if (!Decimates(xs, start, end, scale))
        {
            for (int i = start; i < end; i++)
            {
                top.Add((scale.X(xs[i]), scale.Y(upper[i])));
                bottom.Add((scale.X(xs[i]), scale.Y(lower[i])));
            }

            return (top, bottom);
        }

        foreach (var (low, high) in ColumnExtremes(xs, lower, upper, start, end, scale))
        {
            top.Add((scale.X(xs[high]), scale.Y(upper[high])));
            bottom.Add((scale.X(xs[low]), scale.Y(lower[low])));
        }

        return (top, bottom);
    }

    // More than two points per pixel column, and x never decreasing (columns are then contiguous runs).
    private static bool Decimates(double[] xs, int start, int end, PlotScale scale)
    {
        for (int i = start + 1; i < end; i++)
        {
            if (xs[i] < xs[i - 1])
            {
                return false;
            }
        }

        return end - start > 2 * scale.Width;
    }

    // Per pixel column, left to right: the index of the lowest of lows and of the highest of highs.
    private static IEnumerable<(int Low, int High)> ColumnExtremes(double[] xs, float[] lows, float[] highs, int start, int end, PlotScale scale)
    {
        int b = start;
        while (b < end)
        {
            double column = Math.Floor(scale.X(xs[b]));
            int low = b, high = b;
            int e = b + 1;
            while (e < end && Math.Floor(scale.X(xs[e])) == column)
            {
                if (lows[e] < lows[low])
                {
                    low = e;
                }

                if (highs[e] > highs[high])
                {
                    high = e;
                }

                e++;
            }

            yield return (low, high);
            b = e;
        }
    }
}
