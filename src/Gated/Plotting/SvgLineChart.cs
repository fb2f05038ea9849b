using System.Globalization;
using System.Text;
using Gated.IO;

namespace Gated.Plotting;

/// <summary>
/// A dependency-free SVG line chart: title, axis labels, named series with a legend, "round" y ticks with
/// gridlines. Non-finite points break a line into separate pieces; a piece of one point is drawn as a dot.
/// Long series are reduced to the lowest and highest point per pixel column, which draws the same picture
/// with a few thousand points at most, so a file stays small however long the series.
/// </summary>
public sealed class SvgLineChart
{
    // Tableau 10: distinct, readable on white, and familiar from matplotlib's default cycle.
    private static readonly string[] Palette =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    // Layout is estimated without measuring text: an average sans-serif glyph at 12px is about 7px wide.
    private const double CharWidth = 7;
    private const double FontSize = 12;
    private const double TitleSize = 16;

    private readonly List<(string Name, double[] X, float[] Y, string Color)> _series = [];

    public SvgLineChart(int width = 900, int height = 450)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 150);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 20000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 20000);
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    public string? Title { get; set; }

    public string? XLabel { get; set; }

    public string? YLabel { get; set; }

    /// <summary>
    /// Text for an x tick at integer position x (for example <c>i => dates[i].ToString("yyyy-MM")</c>).
    /// When set, x ticks fall on integers only; when null, ticks show the x value.
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

    public int SeriesCount => _series.Count;

    /// <summary>Adds a series drawn at x = 0, 1, …, n−1; NaN or infinite values leave gaps.</summary>
    public SvgLineChart AddSeries(string name, ReadOnlySpan<float> y, string? color = null)
    {
        var x = new double[y.Length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i;
        }

        return Add(name, x, y, color);
    }

    /// <summary>Adds a series at the given x values (same length as <paramref name="y"/>); a non-finite x or y leaves a gap.</summary>
    public SvgLineChart AddSeries(string name, ReadOnlySpan<double> x, ReadOnlySpan<float> y, string? color = null)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"x has {x.Length} values but y has {y.Length}", nameof(x));
        }

        return Add(name, x.ToArray(), y, color);
    }

    public string ToSvg()
    {
        if (YMin is double fixedMin && YMax is double fixedMax && !(fixedMin < fixedMax))
        {
            throw new InvalidOperationException($"YMin {fixedMin} must be below YMax {fixedMax}");
        }

        (double xMin, double xMax, double yMin, double yMax, double dataXMin, double dataXMax) = DataBounds();
        if (!double.IsFinite(yMax - yMin))
        {
            throw new InvalidOperationException($"the y range {yMin} to {yMax} is too wide to draw");
        }

        (double yLo, double yHi, double yStep) = NiceTicks(yMin, yMax, 6);
        yLo = YMin ?? yLo;
        yHi = YMax ?? yHi;
        int yDecimals = Decimals(yStep);
        var yTicks = new List<double>();
        for (double k = Math.Ceiling(yLo / yStep - 1e-9); k * yStep <= yHi + yStep * 1e-9; k++)
        {
            yTicks.Add(k * yStep);
        }

        int yLabelChars = yTicks.Select(t => FormatTick(t, yDecimals).Length).DefaultIfEmpty(1).Max();

        // Margins: room for the rotated y label and the widest y tick label on the left, tick labels and
        // the x label below, title and legend rows above.
        double left = 10 + (string.IsNullOrEmpty(YLabel) ? 0 : 22) + yLabelChars * CharWidth + 10;
        double right = Width - 24;
        double bottom = Height - (10 + 18 + (string.IsNullOrEmpty(XLabel) ? 0 : 20));
        double cursor = 8;
        double titleBaseline = cursor + TitleSize;
        if (!string.IsNullOrEmpty(Title))
        {
            cursor += TitleSize + 12;
        }

        var legend = LayoutLegend(left, right, cursor);
        cursor += legend.Rows * 18 + (legend.Rows > 0 ? 8 : 0);
        double top = Math.Max(cursor, 14);
        if (bottom - top < 40 || right - left < 60)
        {
            throw new InvalidOperationException(
                $"a {Width}×{Height} chart leaves no room to plot after the title, legend and labels; make it larger");
        }

        double Sx(double x) => left + (x - xMin) / (xMax - xMin) * (right - left);
        double Sy(double y) => bottom - (y - yLo) / (yHi - yLo) * (bottom - top);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"{FontSize}\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>\n");
        svg.Append(CultureInfo.InvariantCulture,
            $"<defs><clipPath id=\"plot-area\"><rect x=\"{F(left)}\" y=\"{F(top)}\" width=\"{F(right - left)}\" height=\"{F(bottom - top)}\"/></clipPath></defs>\n");

        // Gridlines and ticks first, so data lines are drawn over them.
        svg.Append("<g stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
        foreach (double t in yTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(left)}\" y1=\"{F(Sy(t))}\" x2=\"{F(right)}\" y2=\"{F(Sy(t))}\"/>\n");
        }

        List<(double X, string Label)> xTicks = XTicks(xMin, xMax, dataXMin, dataXMax, right - left);
        foreach ((double x, _) in xTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(Sx(x))}\" y1=\"{F(top)}\" x2=\"{F(Sx(x))}\" y2=\"{F(bottom)}\" stroke=\"#f0f0f0\"/>\n");
        }

        svg.Append("</g>\n");
        svg.Append("<g fill=\"#333333\">\n");
        foreach (double t in yTicks)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F(left - 6)}\" y=\"{F(Sy(t) + 4)}\" text-anchor=\"end\">{Escape(FormatTick(t, yDecimals))}</text>\n");
        }

        foreach ((double x, string label) in xTicks)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F(Sx(x))}\" y=\"{F(bottom + 18)}\" text-anchor=\"middle\">{Escape(label)}</text>\n");
        }

        svg.Append("</g>\n");
        svg.Append(CultureInfo.InvariantCulture,
            $"<path d=\"M{F(left)},{F(top)} {F(left)},{F(bottom)} {F(right)},{F(bottom)}\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1\"/>\n");

        svg.Append("<g clip-path=\"url(#plot-area)\" fill=\"none\" stroke-width=\"1.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n");
        foreach ((string name, double[] xs, float[] ys, string color) in _series)
        {
            AppendSeries(svg, name, xs, ys, color, Sx, Sy, right - left);
        }

        svg.Append("</g>\n");

        if (!string.IsNullOrEmpty(Title))
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F(Width / 2.0)}\" y=\"{F(titleBaseline)}\" text-anchor=\"middle\" font-size=\"{TitleSize}\" font-weight=\"600\">{Escape(Title)}</text>\n");
        }

        foreach ((int index, double x, double y) in legend.Items)
        {
            (string name, _, _, string color) = _series[index];
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{F(x)}\" y1=\"{F(y - 4)}\" x2=\"{F(x + 18)}\" y2=\"{F(y - 4)}\" stroke=\"{Escape(color)}\" stroke-width=\"2.5\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + 24)}\" y=\"{F(y)}\">{Escape(name)}</text>\n");
        }

        if (!string.IsNullOrEmpty(XLabel))
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F((left + right) / 2)}\" y=\"{F(Height - 10.0)}\" text-anchor=\"middle\">{Escape(XLabel)}</text>\n");
        }

        if (!string.IsNullOrEmpty(YLabel))
        {
            double cx = 18;
            double cy = (top + bottom) / 2;
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F(cx)}\" y=\"{F(cy)}\" text-anchor=\"middle\" transform=\"rotate(-90 {F(cx)} {F(cy)})\">{Escape(YLabel)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Writes <see cref="ToSvg"/> to <paramref name="path"/> atomically (UTF-8, no BOM).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllText(path, ToSvg());
    }

    private SvgLineChart Add(string name, double[] x, ReadOnlySpan<float> y, string? color)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (color is not null && string.IsNullOrWhiteSpace(color))
        {
            throw new ArgumentException("color must be null (a default) or a CSS color such as '#1f77b4' or 'red'", nameof(color));
        }

        _series.Add((name, x, y.ToArray(), color ?? Palette[_series.Count % Palette.Length]));
        return this;
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

    private (int Rows, List<(int Index, double X, double Y)> Items) LayoutLegend(double left, double right, double top)
    {
        var items = new List<(int, double, double)>();
        if (_series.Count == 0)
        {
            return (0, items);
        }

        int rows = 1;
        double x = left;
        for (int i = 0; i < _series.Count; i++)
        {
            double width = 24 + _series[i].Name.Length * CharWidth + 20;
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

    private List<(double X, string Label)> XTicks(double xMin, double xMax, double dataXMin, double dataXMax, double plotWidth)
    {
        string Label(double x, int decimals) =>
            XTickLabels is { } labels ? labels((int)Math.Round(x)) : FormatTick(x, decimals);

        // A label provider usually indexes an array (dates), so it is asked only about integers inside the
        // data's own x extent, never about the padding around a single point or an empty chart.
        double labelMin = xMin, labelMax = xMax;
        if (XTickLabels is not null)
        {
            (labelMin, labelMax) = (Math.Ceiling(dataXMin), Math.Floor(dataXMax));
            if (!(labelMin <= labelMax))
            {
                return [];
            }
        }

        // Size the tick count to the widest label so dates do not overlap.
        int estimateChars = Math.Max(Label(labelMin, 2).Length, Label(labelMax, 2).Length);
        int target = Math.Clamp((int)(plotWidth / (estimateChars * CharWidth + 28)), 2, 12);
        (_, _, double step) = NiceTicks(xMin, xMax, target);
        if (XTickLabels is not null)
        {
            step = Math.Max(1, Math.Round(step));
        }

        int decimals = Decimals(step);
        var ticks = new List<(double, string)>();
        for (double k = Math.Ceiling(xMin / step - 1e-9); k * step <= xMax + step * 1e-9; k++)
        {
            double x = k * step;
            if (XTickLabels is not null && (x < labelMin || x > labelMax))
            {
                continue;
            }

            ticks.Add((x, Label(x, decimals)));
        }

        return ticks;
    }

    private static void AppendSeries(
        StringBuilder svg, string name, double[] xs, float[] ys, string color,
        Func<double, double> sx, Func<double, double> sy, double plotWidth)
    {
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

            List<(double X, double Y)> points = Reduce(xs, ys, start, i, sx, sy, plotWidth);
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

    /// <summary>
    /// Screen points of xs/ys[start..end). When there are more than two points per pixel column and x never
    /// decreases, keeps only the lowest and highest point of each column (in their original order), which
    /// draws the same outline as all of them.
    /// </summary>
    private static List<(double X, double Y)> Reduce(
        double[] xs, float[] ys, int start, int end, Func<double, double> sx, Func<double, double> sy, double plotWidth)
    {
        var points = new List<(double X, double Y)>(Math.Min(end - start, 4096));
        bool sorted = true;
        for (int i = start + 1; i < end && sorted; i++)
        {
            sorted = xs[i] >= xs[i - 1];
        }

        if (!sorted || end - start <= 2 * plotWidth)
        {
            for (int i = start; i < end; i++)
            {
                points.Add((sx(xs[i]), sy(ys[i])));
            }

            return points;
        }

        int b = start;
        while (b < end)
        {
            double column = Math.Floor(sx(xs[b]));
            int low = b, high = b;
            int e = b + 1;
            while (e < end && Math.Floor(sx(xs[e])) == column)
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
            points.Add((sx(xs[first]), sy(ys[first])));
            if (second != first)
            {
                points.Add((sx(xs[second]), sy(ys[second])));
            }

            b = e;
        }

        return points;
    }

    /// <summary>
    /// A step of 1, 2 or 5 × 10^k near (max − min) / (target − 1), and bounds on multiples of it that cover
    /// [min, max]. (Heckbert's "nice numbers", minus his rounding of the range itself, which can double the
    /// step and leave half the axis empty.)
    /// </summary>
    private static (double Lo, double Hi, double Step) NiceTicks(double min, double max, int target)
    {
        double step = Nice((max - min) / Math.Max(1, target - 1));
        return (Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    /// <summary>The 1, 2 or 5 × 10^k nearest <paramref name="value"/> (on a log-ish scale).</summary>
    private static double Nice(double value)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        double fraction = value / power;
        double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        return nice * power;
    }

    private static int Decimals(double step) => Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-9), 0, 10);

    private static string FormatTick(double value, int decimals)
    {
        string text = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

        // k·step can land a hair below zero; "-0.00" reads as a bug.
        return text.TrimStart('-').Trim('0', '.').Length == 0 ? text.TrimStart('-') : text;
    }

    /// <summary>Compact coordinate: one decimal (a tenth of a pixel), no trailing ".0", never "-0".</summary>
    private static string F(double value)
    {
        double rounded = Math.Round(value, 1);
        return rounded == 0 ? "0" : rounded.ToString("0.#", CultureInfo.InvariantCulture);
    }

    /// <summary>XML-escapes text and drops characters XML 1.0 cannot hold at all (control characters, lone surrogates).</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        sb.Append(c).Append(text[++i]);
                    }
                    else if (!char.IsSurrogate(c) && (c >= 0x20 || c is '\t' or '\n' or '\r') && c is not ('\uFFFE' or '\uFFFF'))
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }
}
