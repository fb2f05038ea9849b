using System.Globalization;
using System.Xml.Linq;
using Gated.Plotting;
using Xunit;

namespace Gated.Plotting.Tests;

public class SvgLineChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XDocument Parse(SvgLineChart chart) => XDocument.Parse(chart.ToSvg());

    private static List<string> Texts(XDocument doc) => doc.Descendants(Svg + "text").Select(t => t.Value).ToList();

    /// <summary>The data group of the series named <paramref name="name"/> (its &lt;title&gt; holds the name).</summary>
    private static XElement SeriesGroup(XDocument doc, string name) =>
        doc.Descendants(Svg + "g").Single(g => g.Element(Svg + "title")?.Value == name);

    private static List<(double X, double Y)> PathPoints(XElement path) =>
        path.Attribute("d")!.Value.TrimStart('M').Split(' ')
            .Select(pair => pair.Split(','))
            .Select(xy => (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture)))
            .ToList();

    [Fact]
    public void IsWellFormedSvgWithTitleLabelsAndLegend()
    {
        var chart = new SvgLineChart { Title = "Loss", XLabel = "epoch", YLabel = "mean squared error" };
        chart.AddSeries("loss", [0.9f, 0.5f, 0.3f, 0.25f]).AddSeries("val_loss", [1.0f, 0.6f, 0.4f, 0.38f]);

        XDocument doc = Parse(chart);

        Assert.Equal(Svg + "svg", doc.Root!.Name);
        Assert.Equal("900", doc.Root.Attribute("width")!.Value);
        Assert.Equal("450", doc.Root.Attribute("height")!.Value);
        List<string> texts = Texts(doc);
        Assert.Contains("Loss", texts);
        Assert.Contains("epoch", texts);
        Assert.Contains("mean squared error", texts);
        Assert.Contains("loss", texts);
        Assert.Contains("val_loss", texts);
        Assert.Equal(2, chart.SeriesCount);
        Assert.DoesNotContain("NaN", chart.ToSvg());
    }

    [Fact]
    public void SizeCanBeChosen()
    {
        XDocument doc = Parse(new SvgLineChart(640, 320).AddSeries("a", [1f, 2f]));

        Assert.Equal("640", doc.Root!.Attribute("width")!.Value);
        Assert.Equal("0 0 640 320", doc.Root.Attribute("viewBox")!.Value);
    }

    [Fact]
    public void TextIsEscaped()
    {
        var chart = new SvgLineChart { Title = "a < b & c > d \"q\"", XLabel = "x<1>", YLabel = "'y'" };
        chart.AddSeries("<script>&", [1f, 2f], color: "\"red\"");

        string svg = chart.ToSvg();
        XDocument doc = XDocument.Parse(svg);

        Assert.Contains("a &lt; b &amp; c &gt; d", svg);
        Assert.DoesNotContain("<script>", svg);
        List<string> texts = Texts(doc);
        Assert.Contains("a < b & c > d \"q\"", texts);
        Assert.Contains("x<1>", texts);
        Assert.Contains("'y'", texts);
        Assert.Contains("<script>&", texts);
    }

    [Fact]
    public void ControlCharactersDoNotBreakTheXml()
    {
        var chart = new SvgLineChart { Title = "bell\u0007 and \uD800 lone surrogate" };
        chart.AddSeries("s\u0001", [1f]);

        XDocument doc = Parse(chart);

        Assert.Contains("bell and  lone surrogate", Texts(doc));
    }

    [Fact]
    public void YTicksAreRoundNumbers()
    {
        var chart = new SvgLineChart();
        chart.AddSeries("s", [0.03f, 0.5f, 0.97f]);

        List<string> texts = Texts(Parse(chart));

        foreach (string tick in new[] { "0.0", "0.2", "0.4", "0.6", "0.8", "1.0" })
        {
            Assert.Contains(tick, texts);
        }
    }

    [Fact]
    public void FixedYRangeIsUsed()
    {
        var chart = new SvgLineChart { YMin = 0, YMax = 50 };
        chart.AddSeries("s", [12f, 31f]);

        List<string> texts = Texts(Parse(chart));

        Assert.Contains("0", texts);
        Assert.Contains("50", texts);
        Assert.DoesNotContain("60", texts);
    }

    [Fact]
    public void DefaultColorsAreDistinct()
    {
        var chart = new SvgLineChart();
        for (int s = 0; s < 5; s++)
        {
            chart.AddSeries($"s{s}", [s, s + 1f]);
        }

        chart.AddSeries("custom", [1f, 2f], "rebeccapurple");
        XDocument doc = Parse(chart);

        var colors = Enumerable.Range(0, 5).Select(s => SeriesGroup(doc, $"s{s}").Attribute("stroke")!.Value).ToList();
        Assert.Equal(5, colors.Distinct().Count());
        Assert.Equal("rebeccapurple", SeriesGroup(doc, "custom").Attribute("stroke")!.Value);
    }

    [Fact]
    public void NaNLeavesAGap()
    {
        var chart = new SvgLineChart();
        chart.AddSeries("gappy", [1f, 2f, float.NaN, 4f, 5f, float.NaN, 7f]);

        XElement group = SeriesGroup(Parse(chart), "gappy");

        // Two pieces of two points become lines; the lone 7 becomes a dot.
        Assert.Equal(2, group.Elements(Svg + "path").Count());
        Assert.Single(group.Elements(Svg + "circle"));
        Assert.DoesNotContain("NaN", chart.ToSvg());
    }

    [Fact]
    public void SinglePointIsADot()
    {
        var chart = new SvgLineChart { Title = "one" };
        chart.AddSeries("only", [3.5f]);

        XDocument doc = Parse(chart);

        Assert.Single(SeriesGroup(doc, "only").Elements(Svg + "circle"));
        Assert.DoesNotContain("NaN", chart.ToSvg());
    }

    [Fact]
    public void ConstantAndEmptyChartsRender()
    {
        Assert.DoesNotContain("NaN", new SvgLineChart().AddSeries("flat", [2f, 2f, 2f]).ToSvg());
        Assert.DoesNotContain("NaN", new SvgLineChart().AddSeries("zeros", [0f, 0f]).ToSvg());
        Assert.DoesNotContain("NaN", new SvgLineChart().AddSeries("none", []).ToSvg());
        Assert.DoesNotContain("NaN", new SvgLineChart().AddSeries("all-nan", [float.NaN, float.NaN]).ToSvg());
        XDocument empty = Parse(new SvgLineChart { Title = "nothing" });
        Assert.Contains("nothing", Texts(empty));
    }

    [Fact]
    public void ExplicitXValuesAndTickLabels()
    {
        var start = new DateOnly(2014, 1, 1);
        var chart = new SvgLineChart { XTickLabels = i => start.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        var x = new double[] { 0, 10, 20, 30, 40 };
        chart.AddSeries("actual", x, [1f, 3f, 2f, 5f, 4f]);

        List<string> texts = Texts(Parse(chart));

        Assert.Contains("2014-01-01", texts);
        Assert.Contains(texts, t => t.StartsWith("2014-02", StringComparison.Ordinal));
        Assert.All(texts.Where(t => t.StartsWith("2014", StringComparison.Ordinal)), t => Assert.Equal(10, t.Length));
    }

    [Fact]
    public void TickLabelsAreAskedOnlyAboutXInsideTheData()
    {
        string[] days = ["2020-01-01"];
        var chart = new SvgLineChart { XTickLabels = i => days[i] };
        chart.AddSeries("one day", [5f]);

        // The axis is padded around a single point; the provider must not see x = −1 or 1.
        Assert.Contains("2020-01-01", Texts(Parse(chart)));
        Assert.DoesNotContain("NaN", new SvgLineChart { XTickLabels = i => days[i] }.ToSvg());
    }

    [Fact]
    public void ManyPointsStaySmallAndKeepPeaks()
    {
        var y = new float[5000];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = (float)(20 * Math.Sin(i * 0.01) + 3 * Math.Sin(i * 1.3));
        }

        y[2500] = 100;
        var chart = new SvgLineChart { Title = "long" };
        chart.AddSeries("long", y);

        string svg = chart.ToSvg();
        XDocument doc = XDocument.Parse(svg);
        List<(double X, double Y)> points = PathPoints(SeriesGroup(doc, "long").Elements(Svg + "path").Single());

        Assert.True(svg.Length < 40_000, $"{svg.Length} characters");
        Assert.True(points.Count <= 2000, $"{points.Count} points");

        // The one-sample spike to 100 is the highest point drawn (the smallest screen y).
        double spikeY = points.Min(p => p.Y);
        Assert.Single(points, p => p.Y == spikeY);
        Assert.Contains("100", Texts(doc));
    }

    [Fact]
    public void SaveWritesTheSvg()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gated-chart-{Guid.NewGuid():N}", "chart.svg");
        try
        {
            var chart = new SvgLineChart { Title = "saved" };
            chart.AddSeries("s", [1f, 2f, 3f]);

            chart.Save(path);

            Assert.Equal(chart.ToSvg(), File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        var chart = new SvgLineChart();

        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => new SvgLineChart(10, 450)).ParamName);
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => new SvgLineChart(900, 10)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => chart.AddSeries("s", new double[2], new float[3])).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => chart.AddSeries("", [1f])).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => chart.AddSeries(null!, [1f])).ParamName);
        Assert.Equal("color", Assert.Throws<ArgumentException>(() => chart.AddSeries("s", [1f], " ")).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => chart.Save("")).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => chart.YMin = double.NaN);
        chart.YMin = 5;
        chart.YMax = 1;
        Assert.Throws<InvalidOperationException>(() => chart.ToSvg());
    }
}
