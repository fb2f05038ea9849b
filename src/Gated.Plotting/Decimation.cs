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
        bool sorted = true;
        for (int i = start + 1; i < end && sorted; i++)
        {
            sorted = xs[i] >= xs[i - 1];
        }

        if (!sorted || end - start <= 2 * scale.Width)
        {
            for (int i = start; i < end; i++)
            {
                points.Add((scale.X(xs[i]), scale.Y(ys[i])));
            }

            return points;
        }

        int b = start;
        while (b < end)
        {
            double column = Math.Floor(scale.X(xs[b]));
            int low = b, high = b;
            int e = b + 1;
            while (e < end && Math.Floor(scale.X(xs[e])) == column)
            {
                if (ys[e] < ys[low])
                {
                    low = e;
                }

                if (ys[e] > ys[high])
                {
                    high = e;
                }

                e++;
            }

            int first = Math.Min(low, high), second = Math.Max(low, high);
            points.Add((scale.X(xs[first]), scale.Y(ys[first])));
            if (second != first)
            {
                points.Add((scale.X(xs[second]), scale.Y(ys[second])));
            }

            b = e;
        }

        return points;
    }
}
