using System.Globalization;
using System.Text;
using Gated.IO;
using static Gated.Plotting.SvgText;

namespace Gated.Plotting;

/// <summary>
/// A dependency-free SVG line chart: title, axis labels, named series with a legend, "round" y ticks with
/// gridlines. Non-finite points break a line into separate pieces; a piece of one point is drawn as a dot.
/// Long series are reduced to the lowest and highest point per pixel column, which draws the same picture
/// with a few thousand points at most, so a file stays small however long the series. When the series' x values
/// are dates, x ticks fall on calendar boundaries (years, quarters, months). Bands (<see cref="AddBand(string, ReadOnlySpan{float}, ReadOnlySpan{float}, string?)"/>)
/// shade the area between a lower and an upper line, for example a forecast's interval, behind every series.
/// </summary>
public sealed class SvgLineChart
{
    // Tableau 10: distinct, readable on white, and familiar from matplotlib's default cycle.
    private static readonly string[] Palette =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    private readonly List<ChartSeries> _series = [];
    private readonly List<ChartBand> _bands = [];

    // Series and bands in the order they were added: legend order, and the palette turns once per entry.
    private readonly List<(string Name, string Color, bool Filled)> _legend = [];

    // A band's fill is this see-through, so gridlines and series stay visible and overlapping bands darken.
    private const string BandOpacity = "0.25";

    // Null until the first series; then whether x holds dates (as DateTicks.ToX days) or plain numbers.
    private bool? _dateAxis;

    /// <summary>A chart of the given size in pixels (200 to 20000 wide, 150 to 20000 high).</summary>
    public SvgLineChart(int width = 900, int height = 450)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 150);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 20000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 20000);
        Width = width;
        Height = height;
    }

    /// <summary>Width of the drawing in pixels.</summary>
    public int Width { get; }

    /// <summary>Height of the drawing in pixels.</summary>
    public int Height { get; }

    /// <summary>Text above the plot; none when null or empty.</summary>
    public string? Title { get; set; }

    /// <summary>Text below the x axis; none when null or empty.</summary>
    public string? XLabel { get; set; }

    /// <summary>Text beside the y axis, rotated; none when null or empty.</summary>
    public string? YLabel { get; set; }

    /// <summary>
    /// Text for an x tick at integer position x (for example <c>i => dates[i].ToString("yyyy-MM")</c>).
    /// When set, x ticks fall on integers only; when null, ticks show the x value. Series with dates as x label
    /// their own ticks, and may not be combined with this.
    /// </summary>
    public Func<int, string>? XTickLabels { get; set; }

    /// <summary>Fixes the bottom of the y axis (for example 0 for a loss); null fits it to the data.</summary>
    public double? YMin
    {
        get;
        set => field = value is double v && !double.IsFinite(v)
            ? throw new ArgumentOutOfRangeException(nameof(value), v, "YMin must be finite or null")
            : value;
    }

    /// <summary>Fixes the top of the y axis; null fits it to the data.</summary>
    public double? YMax
    {
        get;
        set => field = value is double v && !double.IsFinite(v)
            ? throw new ArgumentOutOfRangeException(nameof(value), v, "YMax must be finite or null")
            : value;
    }

    /// <summary>How many series have been added.</summary>
    public int SeriesCount => _series.Count;

    /// <summary>How many bands have been added.</summary>
    public int BandCount => _bands.Count;

    /// <summary>Adds a series drawn at x = 0, 1, …, n−1; NaN or infinite values leave gaps.</summary>
    public SvgLineChart AddSeries(string name, ReadOnlySpan<float> y, string? color = null)
    {
        var x = new double[y.Length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i;
        }

        return Add(name, x, y, color, dates: false);
    }

    /// <summary>Adds a series at the given x values (same length as <paramref name="y"/>); a non-finite x or y leaves a gap.</summary>
    public SvgLineChart AddSeries(string name, ReadOnlySpan<double> x, ReadOnlySpan<float> y, string? color = null)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"x has {x.Length} values but y has {y.Length}", nameof(x));
        }

        return Add(name, x.ToArray(), y, color, dates: false);
    }

    /// <summary>
    /// Adds a series at the given dates (same length as <paramref name="y"/>); a non-finite y leaves a gap. A chart's
    /// series are all dated or all numeric; dated ones get x ticks on calendar boundaries.
    /// </summary>
    public SvgLineChart AddSeries(string name, ReadOnlySpan<DateTime> x, ReadOnlySpan<float> y, string? color = null)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"x has {x.Length} dates but y has {y.Length} values", nameof(x));
        }

        var days = new double[x.Length];
        for (int i = 0; i < days.Length; i++)
        {
            days[i] = DateTicks.ToX(x[i]);
        }

        return Add(name, days, y, color, dates: true);
    }

    /// <summary>
    /// Adds a band, the shaded area between <paramref name="lower"/> and <paramref name="upper"/>, at x = 0, 1, …, n−1.
    /// See <see cref="AddBand(string, ReadOnlySpan{double}, ReadOnlySpan{float}, ReadOnlySpan{float}, string?)"/>.
    /// </summary>
    public SvgLineChart AddBand(string name, ReadOnlySpan<float> lower, ReadOnlySpan<float> upper, string? color = null)
    {
        var x = new double[lower.Length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i;
        }

        return AddBand(name, x, lower, upper, color, dates: false);
    }

    /// <summary>
    /// Adds a band, the shaded area between <paramref name="lower"/> and <paramref name="upper"/> (for example the
    /// 10% and 90% quantile forecasts), at the given x values. x, lower and upper have equal lengths, at least one
    /// value, and lower ≤ upper at every index (ArgumentException naming the index otherwise); a non-finite x, lower
    /// or upper leaves a gap, as in a series. Bands are filled at 25% opacity without an outline and drawn behind
    /// every series, in the order added; their values count in the axis ranges like a series' do, and each has a
    /// filled swatch in the legend. Without <paramref name="color"/> a band takes the next palette color, exactly as
    /// a series would in its place; pass the color of the matching series to tie the two together.
    /// </summary>
    public SvgLineChart AddBand(string name, ReadOnlySpan<double> x, ReadOnlySpan<float> lower, ReadOnlySpan<float> upper, string? color = null)
    {
        if (x.Length != lower.Length)
        {
            throw new ArgumentException($"x has {x.Length} values but lower has {lower.Length}", nameof(x));
        }

        return AddBand(name, x.ToArray(), lower, upper, color, dates: false);
    }

    /// <summary>
    /// Adds a band, the shaded area between <paramref name="lower"/> and <paramref name="upper"/>, at the given dates,
    /// on the same date axis as dated series (a chart is all dated or all numeric). See
    /// <see cref="AddBand(string, ReadOnlySpan{double}, ReadOnlySpan{float}, ReadOnlySpan{float}, string?)"/>.
    /// </summary>
    public SvgLineChart AddBand(string name, ReadOnlySpan<DateTime> x, ReadOnlySpan<float> lower, ReadOnlySpan<float> upper, string? color = null)
    {
        if (x.Length != lower.Length)
        {
            throw new ArgumentException($"x has {x.Length} dates but lower has {lower.Length} values", nameof(x));
        }

        var days = new double[x.Length];
        for (int i = 0; i < days.Length; i++)
        {
            days[i] = DateTicks.ToX(x[i]);
        }

        return AddBand(name, days, lower, upper, color, dates: true);
    }

    /// <summary>The chart as an SVG document. InvalidOperationException when the axes or the size cannot be drawn.</summary>
    public string ToSvg()
    {
        if (YMin is double fixedMin && YMax is double fixedMax && !(fixedMin < fixedMax))
        {
            throw new InvalidOperationException($"YMin {fixedMin} must be below YMax {fixedMax}");
        }

        if (_dateAxis == true && XTickLabels is not null)
        {
            throw new InvalidOperationException("XTickLabels labels numeric x positions; a chart of dated series labels its own ticks");
        }

        (double xMin, double xMax, double yMin, double yMax, double dataXMin, double dataXMax) = DataBounds();
        if (!double.IsFinite(yMax - yMin))
        {
            throw new InvalidOperationException($"the y range {yMin} to {yMax} is too wide to draw");
        }

        (double yLo, double yHi, double yStep) = AxisTicks.NiceTicks(yMin, yMax, 6);
        yLo = YMin ?? yLo;
        yHi = YMax ?? yHi;
        int yDecimals = AxisTicks.Decimals(yStep);
        List<(double Y, string Label)> yTicks = [.. AxisTicks.Multiples(yLo, yHi, yStep).Select(t => (t, AxisTicks.Format(t, yDecimals)))];
        int yLabelChars = yTicks.Select(t => t.Label.Length).DefaultIfEmpty(1).Max();
        var layout = ChartLayout.Compute(Width, Height, Title, XLabel, YLabel, yLabelChars, [.. _legend.Select(e => e.Name)]);
        var scale = new PlotScale(layout.Left, layout.Right, layout.Top, layout.Bottom, xMin, xMax, yLo, yHi);
        List<(double X, string Label)> xTicks = _dateAxis == true
            ? DatedXTicks(xMin, xMax, dataXMin, scale.Width)
            : AxisTicks.NumericX(xMin, xMax, dataXMin, dataXMax, scale.Width, XTickLabels);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"{ChartLayout.FontSize}\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>\n");
        svg.Append(CultureInfo.InvariantCulture,
            $"<defs><clipPath id=\"plot-area\"><rect x=\"{F(scale.Left)}\" y=\"{F(scale.Top)}\" width=\"{F(scale.Right - scale.Left)}\" height=\"{F(scale.Bottom - scale.Top)}\"/></clipPath></defs>\n");
        AppendAxes(svg, scale, yTicks, xTicks);
        if (_bands.Count > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<g clip-path=\"url(#plot-area)\" stroke=\"none\" fill-opacity=\"{BandOpacity}\">\n");
            foreach (var band in _bands)
            {
                AppendBand(svg, band, scale);
            }

            svg.Append("</g>\n");
        }

        svg.Append("<g clip-path=\"url(#plot-area)\" fill=\"none\" stroke-width=\"1.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n");
        foreach (var series in _series)
        {
            AppendSeries(svg, series, scale);
        }

        svg.Append("</g>\n");
        AppendTexts(svg, layout);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Writes <see cref="ToSvg"/> to <paramref name="path"/> atomically (UTF-8, no BOM).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllText(path, ToSvg());
    }

    private SvgLineChart Add(string name, double[] x, ReadOnlySpan<float> y, string? color, bool dates)
    {
        color = CheckEntry("series", name, color, dates);
        _dateAxis = dates;
        _series.Add(new ChartSeries(name, x, y.ToArray(), color));
        _legend.Add((name, color, Filled: false));
        return this;
    }

    // x already has lower's length (checked by the public overload, which knows whether it holds dates).
    private SvgLineChart AddBand(string name, double[] x, ReadOnlySpan<float> lower, ReadOnlySpan<float> upper, string? color, bool dates)
    {
        if (upper.Length != lower.Length)
        {
            throw new ArgumentException($"lower has {lower.Length} values but upper has {upper.Length}", nameof(upper));
        }

        if (lower.Length == 0)
        {
            throw new ArgumentException("a band needs at least one point; lower and upper are empty", nameof(lower));
        }

        for (int i = 0; i < lower.Length; i++)
        {
            if (lower[i] > upper[i])
            {
                throw new ArgumentException($"lower[{i}] = {lower[i]} is above upper[{i}] = {upper[i]}", nameof(lower));
            }
        }

        color = CheckEntry("band", name, color, dates);
        _dateAxis = dates;
        _bands.Add(new ChartBand(name, x, lower.ToArray(), upper.ToArray(), color));
        _legend.Add((name, color, Filled: true));
        return this;
    }

    /// <summary>Checks what series and bands share (name, color, the kind of x axis); returns the color to draw with.</summary>
    private string CheckEntry(string kind, string name, string? color, bool dates)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (color is not null && string.IsNullOrWhiteSpace(color))
        {
            throw new ArgumentException("color must be null (a default) or a CSS color such as '#1f77b4' or 'red'", nameof(color));
        }

        if (_dateAxis is bool existing && existing != dates)
        {
            throw new ArgumentException($"this chart's x axis holds {(existing ? "dates" : "numbers")}; {kind} '{name}' has {(dates ? "dates" : "numbers")}", "x");
        }

        return color ?? Palette[_legend.Count % Palette.Length];
    }

    /// <summary>Axis ranges (padded where the data has one x or one y), and the x extent of the data itself (NaN when empty).</summary>
    private (double XMin, double XMax, double YMin, double YMax, double DataXMin, double DataXMax) DataBounds()
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach ((_, double[] xs, float[] ys, _) in _series)
        {
            for (int i = 0; i < xs.Length; i++)
            {
                if (!double.IsFinite(xs[i]) || !float.IsFinite(ys[i]))
                {
                    continue;
                }

                xMin = Math.Min(xMin, xs[i]);
                xMax = Math.Max(xMax, xs[i]);
                yMin = Math.Min(yMin, ys[i]);
                yMax = Math.Max(yMax, ys[i]);
            }
        }

        foreach ((_, double[] xs, float[] lower, float[] upper, _) in _bands)
        {
            for (int i = 0; i < xs.Length; i++)
            {
                if (!double.IsFinite(xs[i]) || !float.IsFinite(lower[i]) || !float.IsFinite(upper[i]))
                {
                    continue;
                }

                xMin = Math.Min(xMin, xs[i]);
                xMax = Math.Max(xMax, xs[i]);
                yMin = Math.Min(yMin, lower[i]);
                yMax = Math.Max(yMax, upper[i]);
            }
        }

        (double dataXMin, double dataXMax) = xMin <= xMax ? (xMin, xMax) : (double.NaN, double.NaN);
        if (xMin > xMax)
        {
            (xMin, xMax, yMin, yMax) = (0, 1, 0, 1);
        }

        // One x (a single point) or one y value: widen so the scale is defined and the point sits mid-axis.
        if (xMin == xMax)
        {
            (xMin, xMax) = (xMin - 1, xMax + 1);
        }

        yMin = YMin ?? yMin;
        yMax = YMax ?? yMax;
        if (yMin >= yMax)
        {
            double pad = yMin == 0 ? 1 : Math.Abs(yMin) * 0.1;
            (yMin, yMax) = YMin is not null ? (yMin, yMin + pad) : YMax is not null ? (yMax - pad, yMax) : (yMin - pad, yMax + pad);
        }

        return (xMin, xMax, yMin, yMax, dataXMin, dataXMax);
    }

    // A chart without data has no dates to tick.
    private static List<(double X, string Label)> DatedXTicks(double xMin, double xMax, double dataXMin, double plotWidth) =>
        double.IsNaN(dataXMin)
            ? []
            : [.. DateTicks.Compute(DateTicks.FromX(xMin), DateTicks.FromX(xMax), plotWidth).Select(t => (DateTicks.ToX(t.Date), t.Label))];

    // Gridlines and ticks first, so data lines are drawn over them.
    private static void AppendAxes(StringBuilder svg, PlotScale scale, List<(double Y, string Label)> yTicks, List<(double X, string Label)> xTicks)
    {
        svg.Append("<g stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
        foreach ((double t, _) in yTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(scale.Left)}\" y1=\"{F(scale.Y(t))}\" x2=\"{F(scale.Right)}\" y2=\"{F(scale.Y(t))}\"/>\n");
        }

        foreach ((double x, _) in xTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(scale.X(x))}\" y1=\"{F(scale.Top)}\" x2=\"{F(scale.X(x))}\" y2=\"{F(scale.Bottom)}\" stroke=\"#f0f0f0\"/>\n");
        }

        svg.Append("</g>\n");
        svg.Append("<g fill=\"#333333\">\n");
        foreach ((double t, string label) in yTicks)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F(scale.Left - 6)}\" y=\"{F(scale.Y(t) + 4)}\" text-anchor=\"end\">{Escape(label)}</text>\n");
        }

        foreach ((double x, string label) in xTicks)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F(scale.X(x))}\" y=\"{F(scale.Bottom + 18)}\" text-anchor=\"middle\">{Escape(label)}</text>\n");
        }

        svg.Append("</g>\n");
        svg.Append(CultureInfo.InvariantCulture,
            $"<path d=\"M{F(scale.Left)},{F(scale.Top)} {F(scale.Left)},{F(scale.Bottom)} {F(scale.Right)},{F(scale.Bottom)}\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1\"/>\n");
    }

    // Each finite run of points is one path (or a dot when it is one point), decimated to the pixel columns.
    private static void AppendSeries(StringBuilder svg, ChartSeries series, PlotScale scale)
    {
        (string name, double[] xs, float[] ys, string color) = series;
        svg.Append(CultureInfo.InvariantCulture, $"<g stroke=\"{Escape(color)}\"><title>{Escape(name)}</title>\n");
        int i = 0;
        while (i < xs.Length)
        {
            if (!double.IsFinite(xs[i]) || !float.IsFinite(ys[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < xs.Length && double.IsFinite(xs[i]) && float.IsFinite(ys[i]))
            {
                i++;
            }

            List<(double X, double Y)> points = Decimation.Reduce(xs, ys, start, i, scale);
            if (points.Count == 1)
            {
                svg.Append(CultureInfo.InvariantCulture,
                    $"<circle cx=\"{F(points[0].X)}\" cy=\"{F(points[0].Y)}\" r=\"2.5\" fill=\"{Escape(color)}\" stroke=\"none\"/>\n");
                continue;
            }

            svg.Append("<path d=\"M");
            string previous = "";
            for (int p = 0; p < points.Count; p++)
            {
                string pair = F(points[p].X) + "," + F(points[p].Y);
                if (pair == previous)
                {
                    continue;
                }

                if (p > 0)
                {
                    svg.Append(' ');
                }

                svg.Append(pair);
                previous = pair;
            }

            svg.Append("\"/>\n");
        }

        svg.Append("</g>\n");
    }

    // Each finite run is one closed path: the upper edge left to right, then the lower edge right to left. A run of
    // one point is a thin bar from lower to upper, as a series' lone point is a dot.
    private static void AppendBand(StringBuilder svg, ChartBand band, PlotScale scale)
    {
        (string name, double[] xs, float[] lower, float[] upper, string color) = band;
        svg.Append(CultureInfo.InvariantCulture, $"<g fill=\"{Escape(color)}\"><title>{Escape(name)}</title>\n");
        int i = 0;
        while (i < xs.Length)
        {
            if (!IsFinitePoint(i))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < xs.Length && IsFinitePoint(i))
            {
                i++;
            }

            (List<(double X, double Y)> top, List<(double X, double Y)> bottom) = Decimation.ReduceBand(xs, lower, upper, start, i, scale);
            if (top.Count == 1)
            {
                double height = Math.Max(bottom[0].Y - top[0].Y, 1);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{F(top[0].X - 2.5)}\" y=\"{F(top[0].Y)}\" width=\"5\" height=\"{F(height)}\"/>\n");
                continue;
            }

            svg.Append("<path d=\"M");
            string previous = "";
            bool first = true;
            void Vertex((double X, double Y) point)
            {
                string pair = F(point.X) + "," + F(point.Y);
                if (pair == previous)
                {
                    return;
                }

                if (!first)
                {
                    svg.Append(' ');
                }

                svg.Append(pair);
                previous = pair;
                first = false;
            }

            foreach (var point in top)
            {
                Vertex(point);
            }

            for (int p = bottom.Count - 1; p >= 0; p--)
            {
                Vertex(bottom[p]);
            }

            svg.Append("Z\"/>\n");
        }

        svg.Append("</g>\n");

        bool IsFinitePoint(int k) => double.IsFinite(xs[k]) && float.IsFinite(lower[k]) && float.IsFinite(upper[k]);
    }

    // Title, legend and axis labels last, so nothing is drawn over them.
    private void AppendTexts(StringBuilder svg, ChartLayout layout)
    {
        if (!string.IsNullOrEmpty(Title))
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F(Width / 2.0)}\" y=\"{F(layout.TitleBaseline)}\" text-anchor=\"middle\" font-size=\"{ChartLayout.TitleSize}\" font-weight=\"600\">{Escape(Title)}</text>\n");
        }

        foreach ((int index, double x, double y) in layout.Legend)
        {
            (string name, string color, bool filled) = _legend[index];
            if (filled)
            {
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{F(x)}\" y=\"{F(y - 9)}\" width=\"18\" height=\"10\" fill=\"{Escape(color)}\" fill-opacity=\"{BandOpacity}\"/>");
            }
            else
            {
                svg.Append(CultureInfo.InvariantCulture,
                    $"<line x1=\"{F(x)}\" y1=\"{F(y - 4)}\" x2=\"{F(x + 18)}\" y2=\"{F(y - 4)}\" stroke=\"{Escape(color)}\" stroke-width=\"2.5\"/>");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + 24)}\" y=\"{F(y)}\">{Escape(name)}</text>\n");
        }

        if (!string.IsNullOrEmpty(XLabel))
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F((layout.Left + layout.Right) / 2)}\" y=\"{F(Height - 10.0)}\" text-anchor=\"middle\">{Escape(XLabel)}</text>\n");
        }

        if (!string.IsNullOrEmpty(YLabel))
        {
            double cx = 18;
            double cy = (layout.Top + layout.Bottom) / 2;
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F(cx)}\" y=\"{F(cy)}\" text-anchor=\"middle\" transform=\"rotate(-90 {F(cx)} {F(cy)})\">{Escape(YLabel)}</text>\n");
        }
    }
}
