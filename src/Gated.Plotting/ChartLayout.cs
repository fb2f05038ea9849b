namespace Gated.Plotting;

/// <summary>
/// Where everything goes on the canvas, estimated without measuring text (<see cref="AxisTicks.CharWidth"/> per
/// character): the plot area, the title's baseline and the legend's rows.
/// </summary>
/// <param name="Left">Left edge of the plot area.</param>
/// <param name="Right">Right edge of the plot area.</param>
/// <param name="Top">Top edge of the plot area.</param>
/// <param name="Bottom">Bottom edge of the plot area.</param>
/// <param name="TitleBaseline">Baseline of the title's text.</param>
/// <param name="Legend">Where each legend entry (series or band) starts: its index, x, and text baseline.</param>
internal sealed record ChartLayout(double Left, double Right, double Top, double Bottom, double TitleBaseline, List<(int Index, double X, double Y)> Legend)
{
    public const double FontSize = 12;
    public const double TitleSize = 16;

    /// <summary>
    /// Margins: room for the rotated y label and the widest y tick label on the left, tick labels and the x label
    /// below, title and legend rows above. InvalidOperationException when nothing is left to plot in.
    /// </summary>
    public static ChartLayout Compute(int width, int height, string? title, string? xLabel, string? yLabel, int yLabelChars, IReadOnlyList<string> seriesNames)
    {
        double left = 10 + (string.IsNullOrEmpty(yLabel) ? 0 : 22) + yLabelChars * AxisTicks.CharWidth + 10;
        double right = width - 24;
        double bottom = height - (10 + 18 + (string.IsNullOrEmpty(xLabel) ? 0 : 20));
        double cursor = 8;
        double titleBaseline = cursor + TitleSize;
        if (!string.IsNullOrEmpty(title))
        {
            cursor += TitleSize + 12;
        }

        var (rows, legend) = LayoutLegend(seriesNames, left, right, cursor);
        cursor += rows * 18 + (rows > 0 ? 8 : 0);
        double top = Math.Max(cursor, 14);
        if (bottom - top < 40 || right - left < 60)
        {
            throw new InvalidOperationException(
                $"a {width}×{height} chart leaves no room to plot after the title, legend and labels; make it larger");
        }

        return new ChartLayout(left, right, top, bottom, titleBaseline, legend);
    }

    // Entries run left to right and wrap to a new row of 18px when the next would pass the right edge.
    private static (int Rows, List<(int Index, double X, double Y)> Items) LayoutLegend(IReadOnlyList<string> names, double left, double right, double top)
    {
        var items = new List<(int, double, double)>();
        if (names.Count == 0)
        {
            return (0, items);
        }

        int rows = 1;
        double x = left;
        for (int i = 0; i < names.Count; i++)
        {
            double width = 24 + names[i].Length * AxisTicks.CharWidth + 20;
            if (x > left && x + width > right)
            {
                rows++;
                x = left;
            }

            items.Add((i, x, top + rows * 18 - 4));
            x += width;
        }

        return (rows, items);
    }
}
