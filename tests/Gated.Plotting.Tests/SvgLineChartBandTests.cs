using System.Globalization;
using System.Xml.Linq;
using Gated.Plotting;
using Xunit;

namespace Gated.Plotting.Tests;

public class SvgLineChartBandTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XDocument Parse(SvgLineChart chart) => XDocument.Parse(chart.ToSvg());

    private static List<string> Texts(XDocument doc) => doc.Descendants(Svg + "text").Select(t => t.Value).ToList();

    /// <summary>The data group of the series or band named <paramref name="name"/> (its &lt;title&gt; holds the name).</summary>
    private static XElement Group(XDocument doc, string name) =>
        doc.Descendants(Svg + "g").Single(g => g.Element(Svg + "title")?.Value == name);

    /// <summary>The vertices of a closed path "M x,y x,y … x,yZ".</summary>
    private static List<(double X, double Y)> Vertices(XElement path)
    {
        string d = path.Attribute("d")!.Value;
        Assert.StartsWith("M", d, StringComparison.Ordinal);
        Assert.EndsWith("Z", d, StringComparison.Ordinal);
        return d[1..^1].Split(' ')
            .Select(pair => pair.Split(','))
            .Select(xy => (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static DateTime D(int year, int month, int day) => new(year, month, day);

    [Fact]
    public void ABandIsOneFilledPathUpperEdgeLeftToRightThenLowerEdgeRightToLeft()
    {
        var chart = new SvgLineChart();
        chart.AddBand("interval", [0.0, 1.0, 2.0], [1f, 2f, 1f], [3f, 5f, 4f], "#1f77b4");

        XElement group = Group(Parse(chart), "interval");
        List<(double X, double Y)> v = Vertices(group.Elements(Svg + "path").Single());

        Assert.Equal("#1f77b4", group.Attribute("fill")!.Value);
        Assert.Equal("0.25", group.Parent!.Attribute("fill-opacity")!.Value);
        Assert.Equal("none", group.Parent.Attribute("stroke")!.Value);
        Assert.Equal(6, v.Count);

        // Upper at x = 0, 1, 2, then lower at x = 2, 1, 0: evenly spaced columns, walked out and back.
        Assert.True(v[0].X < v[1].X && v[1].X < v[2].X);
        Assert.Equal([v[2].X, v[1].X, v[0].X], [v[3].X, v[4].X, v[5].X]);
        Assert.Equal(v[1].X - v[0].X, v[2].X - v[1].X, 0.15);

        // Screen y is one linear map of the values 3, 5, 4 (upper) then 1, 2, 1 (lower), upside down.
        double[] values = [3, 5, 4, 1, 2, 1];
        double slope = (v[1].Y - v[3].Y) / (values[1] - values[3]);
        Assert.True(slope < 0);
        for (int k = 0; k < 6; k++)
        {
            Assert.Equal(v[3].Y + slope * (values[k] - values[3]), v[k].Y, 0.15);
        }
    }

    [Fact]
    public void BandsAreDrawnBehindEverySeries()
    {
        var chart = new SvgLineChart();
        chart.AddSeries("before", [2f, 3f, 2.5f]);
        chart.AddBand("interval", [1f, 2f, 1f], [3f, 5f, 4f]);
        chart.AddSeries("after", [2.5f, 3.5f, 3f]);

        List<XElement> drawn = Parse(chart).Descendants().ToList();
        int band = drawn.IndexOf(drawn.Single(e => e.Name == Svg + "g" && e.Element(Svg + "title")?.Value == "interval"));

        Assert.All(drawn.Where(e => e.Name == Svg + "g" && e.Element(Svg + "title")?.Value is "before" or "after"),
            series => Assert.True(drawn.IndexOf(series) > band));
    }

    [Fact]
    public void TheLegendShowsABandAsAFilledSwatchInTheOrderAdded()
    {
        var chart = new SvgLineChart();
        chart.AddBand("80% interval", [1f, 2f], [3f, 4f], "#1f77b4").AddSeries("forecast", [2f, 3f], "#1f77b4");

        XDocument doc = Parse(chart);
        List<string> texts = Texts(doc);
        XElement swatch = doc.Root!.Elements(Svg + "rect").Single(r => r.Attribute("fill-opacity") is not null);

        Assert.True(texts.IndexOf("80% interval") >= 0 && texts.IndexOf("80% interval") < texts.IndexOf("forecast"));
        Assert.Equal("#1f77b4", swatch.Attribute("fill")!.Value);
        Assert.Equal("0.25", swatch.Attribute("fill-opacity")!.Value);
        Assert.Equal(1, chart.BandCount);
        Assert.Equal(1, chart.SeriesCount);
    }

    [Fact]
    public void BandValuesCountInTheAxisRanges()
    {
        var chart = new SvgLineChart();
        chart.AddSeries("s", [1f, 2f, 3f]);
        chart.AddBand("wide", [0.0, 10.0], [-48f, 0f], [5f, 97f]);

        XDocument doc = Parse(chart);
        List<double> yTicks = doc.Descendants(Svg + "text").Where(t => t.Attribute("text-anchor")?.Value == "end")
            .Select(t => double.Parse(t.Value, CultureInfo.InvariantCulture)).ToList();

        Assert.True(yTicks.Min() <= -48 && yTicks.Max() >= 97, string.Join(" ", yTicks));
        Assert.Contains("10", Texts(doc));
    }

    [Fact]
    public void BandsWithoutAColorTakeTheNextPaletteColor()
    {
        var chart = new SvgLineChart();
        chart.AddSeries("s0", [1f, 2f]).AddBand("b1", [1f, 2f], [2f, 3f]).AddSeries("s2", [1f, 2f]);
        var expected = new SvgLineChart().AddSeries("s0", [1f, 2f]).AddSeries("s1", [1f, 2f]).AddSeries("s2", [1f, 2f]);

        XDocument doc = Parse(chart), reference = Parse(expected);

        Assert.Equal(Group(reference, "s1").Attribute("stroke")!.Value, Group(doc, "b1").Attribute("fill")!.Value);
        Assert.Equal(Group(reference, "s2").Attribute("stroke")!.Value, Group(doc, "s2").Attribute("stroke")!.Value);
        Assert.Equal("tomato", Group(Parse(new SvgLineChart().AddBand("b", [1f], [2f], "tomato")), "b").Attribute("fill")!.Value);
    }

    [Fact]
    public void NonFiniteValuesLeaveGapsAndALonePointIsABar()
    {
        var chart = new SvgLineChart();
        chart.AddBand("gappy", [1f, 1f, float.NaN, 1f, 1f, 1f, 1f], [2f, 2f, 2f, 2f, float.PositiveInfinity, 2f, 2f]);
        chart.AddBand("lone", [0.0, 1.0, double.NaN], [3f, 3f, 3f], [4f, 4f, 4f]);
        chart.AddBand("one", [5f], [6f]);

        XDocument doc = Parse(chart);

        // Pieces [0, 1], [3] and [5, 6]: two areas and a bar.
        Assert.Equal(2, Group(doc, "gappy").Elements(Svg + "path").Count());
        Assert.Single(Group(doc, "gappy").Elements(Svg + "rect"));
        Assert.Single(Group(doc, "lone").Elements(Svg + "path"));
        Assert.Single(Group(doc, "one").Elements(Svg + "rect"));
        Assert.DoesNotContain("NaN", chart.ToSvg());
        Assert.DoesNotContain("Infinity", chart.ToSvg());
    }

    [Fact]
    public void DatedBandsShareTheDateAxisWithDatedSeries()
    {
        DateTime[] dates = [D(2014, 1, 1), D(2015, 1, 1), D(2016, 1, 1), D(2017, 1, 1), D(2018, 1, 1)];
        var chart = new SvgLineChart();
        chart.AddBand("80% interval", dates, [1f, 2f, 2f, 3f, 3f], [3f, 4f, 5f, 6f, 7f], "#1f77b4");
        chart.AddSeries("forecast", dates, [2f, 3f, 3.5f, 4.5f, 5f], "#1f77b4");

        List<string> texts = Texts(Parse(chart));

        Assert.Contains("2014", texts);
        Assert.Contains("2018", texts);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => chart.AddBand("plain", [1f], [2f])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => new SvgLineChart().AddSeries("s", [1f]).AddBand("b", dates, new float[5], new float[5])).ParamName);
    }

    [Fact]
    public void BadBandsAreRejectedAndLeaveTheChartAsItWas()
    {
        var chart = new SvgLineChart();

        Assert.Equal("x", Assert.Throws<ArgumentException>(() => chart.AddBand("b", new double[2], new float[3], new float[3])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => chart.AddBand("b", new DateTime[2], new float[3], new float[3])).ParamName);
        Assert.Equal("upper", Assert.Throws<ArgumentException>(() => chart.AddBand("b", new float[3], new float[2])).ParamName);
        Assert.Equal("upper", Assert.Throws<ArgumentException>(() => chart.AddBand("b", new double[3], new float[3], new float[2])).ParamName);
        Assert.Equal("lower", Assert.Throws<ArgumentException>(() => chart.AddBand("b", [], [])).ParamName);
        Assert.Equal("lower", Assert.Throws<ArgumentException>(() => chart.AddBand("b", new DateTime[0], [], [])).ParamName);
        var inverted = Assert.Throws<ArgumentException>(() => chart.AddBand("b", [1f, 3f, 1f], [2f, 2f, 2f]));
        Assert.Equal("lower", inverted.ParamName);
        Assert.Contains("lower[1]", inverted.Message);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => chart.AddBand(" ", [1f], [2f])).ParamName);
        Assert.Equal("color", Assert.Throws<ArgumentException>(() => chart.AddBand("b", [1f], [2f], "")).ParamName);

        Assert.Equal(0, chart.BandCount);
        Assert.DoesNotContain("<title>", chart.ToSvg());

        // The check is on lower and upper alone: an equal pair is a band of zero width, and a gap is no point to compare.
        chart.AddBand("thin", [1f, float.NaN, 2f], [1f, 0f, 2f]);
        Assert.Equal(1, chart.BandCount);
    }

    [Fact]
    public void ALongBandStaysSmallAndKeepsItsExtremes()
    {
        const int n = 10_000;
        var lower = new float[n];
        var upper = new float[n];
        var mid = new float[n];
        for (int i = 0; i < n; i++)
        {
            mid[i] = (float)(20 * Math.Sin(i * 0.001) + 3 * Math.Sin(i * 1.3));
            lower[i] = mid[i] - 5;
            upper[i] = mid[i] + 5;
        }

        upper[5000] = 100;
        lower[7000] = -100;
        var chart = new SvgLineChart();
        chart.AddBand("interval", lower, upper).AddSeries("median", mid);

        string svg = chart.ToSvg();
        XDocument doc = XDocument.Parse(svg);
        List<(double X, double Y)> v = Vertices(Group(doc, "interval").Elements(Svg + "path").Single());

        Assert.True(svg.Length < 100_000, $"{svg.Length} characters");
        Assert.True(v.Count <= 2 * chart.Width, $"{v.Count} vertices");

        // The one-sample spikes are the top and bottom of the shaded area, each drawn once.
        Assert.Single(v, p => p.Y == v.Min(q => q.Y));
        Assert.Single(v, p => p.Y == v.Max(q => q.Y));
        Assert.Contains("100", Texts(doc));
        Assert.Contains("-100", Texts(doc));

        // Still the upper edge out, the lower edge back: x rises to the turn, then falls.
        int turn = v.IndexOf(v.MaxBy(p => p.X));
        Assert.True(v.Take(turn + 1).Zip(v.Skip(1).Take(turn)).All(pair => pair.First.X <= pair.Second.X));
        Assert.True(v.Skip(turn + 1).Zip(v.Skip(turn + 2)).All(pair => pair.First.X >= pair.Second.X));
    }
}
