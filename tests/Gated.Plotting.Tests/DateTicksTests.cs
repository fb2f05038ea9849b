using System.Xml.Linq;
using Xunit;

namespace Gated.Plotting.Tests;

/// <summary>Date ticks fall on calendar boundaries: years over long spans, quarters or months over shorter ones, days below.</summary>
public class DateTicksTests
{
    private const double PlotWidth = 800;

    private static DateTime D(int year, int month, int day) => new(year, month, day);

    [Fact]
    public void SpansOverThreeYearsTickOnNewYear()
    {
        var ticks = DateTicks.Compute(D(2013, 8, 5), D(2016, 8, 28), PlotWidth);

        Assert.Equal([D(2014, 1, 1), D(2015, 1, 1), D(2016, 1, 1)], ticks.Select(t => t.Date));
        Assert.Equal(["2014", "2015", "2016"], ticks.Select(t => t.Label));
    }

    [Fact]
    public void SpansOfOneToThreeYearsTickOnQuarters()
    {
        var ticks = DateTicks.Compute(D(2014, 1, 10), D(2015, 12, 20), PlotWidth);

        Assert.Equal(["2014-04", "2014-07", "2014-10", "2015-01", "2015-04", "2015-07", "2015-10"], ticks.Select(t => t.Label));
        Assert.All(ticks, t => Assert.Equal(1, t.Date.Day));
    }

    [Fact]
    public void SpansUnderAYearTickOnMonths()
    {
        var ticks = DateTicks.Compute(D(2014, 1, 10), D(2014, 6, 1), PlotWidth);

        Assert.Equal([D(2014, 2, 1), D(2014, 3, 1), D(2014, 4, 1), D(2014, 5, 1), D(2014, 6, 1)], ticks.Select(t => t.Date));
        Assert.Equal("2014-02", ticks[0].Label);
    }

    [Fact]
    public void ABoundaryOnTheFirstDateIsATick()
    {
        var ticks = DateTicks.Compute(D(2014, 1, 1), D(2014, 3, 15), PlotWidth);

        Assert.Equal([D(2014, 1, 1), D(2014, 2, 1), D(2014, 3, 1)], ticks.Select(t => t.Date));
    }

    [Fact]
    public void NarrowChartsTakeCoarserCalendarSteps()
    {
        // Thirty years in 200px: at most two or three four-character labels fit, so every 10 or 20 years.
        var ticks = DateTicks.Compute(D(1990, 6, 1), D(2020, 6, 1), 200);

        Assert.InRange(ticks.Count, 2, 3);
        Assert.All(ticks, t => Assert.Equal(0, t.Date.Year % 10));
        Assert.All(ticks, t => Assert.Equal((1, 1), (t.Date.Month, t.Date.Day)));

        // A year of months in 300px: quarters or half years, still on the first of a month.
        var year = DateTicks.Compute(D(2014, 1, 15), D(2014, 12, 20), 300);
        Assert.InRange(year.Count, 1, 3);
        Assert.All(year, t => Assert.Equal(1, t.Date.Day));
        Assert.All(year, t => Assert.Equal(1, (t.Date.Month - 1) % 3 + 1));
    }

    [Fact]
    public void SpansWithFewerThanTwoMonthBoundariesTickOnDays()
    {
        var ticks = DateTicks.Compute(D(2014, 3, 3), D(2014, 3, 8), PlotWidth);

        Assert.Equal(["2014-03-03", "2014-03-04", "2014-03-05", "2014-03-06", "2014-03-07", "2014-03-08"], ticks.Select(t => t.Label));

        // Five weeks: weekly ticks, on Mondays.
        var weeks = DateTicks.Compute(D(2014, 3, 3), D(2014, 4, 1), 400);
        Assert.All(weeks, t => Assert.Equal(DayOfWeek.Monday, t.Date.DayOfWeek));
        Assert.Equal(D(2014, 3, 3), weeks[0].Date);
    }

    [Fact]
    public void DatesRoundTripThroughTheAxis()
    {
        var date = new DateTime(2016, 2, 29, 13, 45, 0);
        Assert.Equal(date, DateTicks.FromX(DateTicks.ToX(date)));
        Assert.Equal(1, DateTicks.ToX(D(1, 1, 2)));
    }

    [Fact]
    public void ADatedChartLabelsItsTicksAndPlacesThemOnTheirDates()
    {
        var dates = new DateTime[1120];
        var y = new float[dates.Length];
        for (int i = 0; i < dates.Length; i++)
        {
            dates[i] = D(2013, 8, 5).AddDays(i);
            y[i] = (float)Math.Sin(i / 50.0);
        }

        var chart = new SvgLineChart().AddSeries("daily", dates, y);
        var doc = XDocument.Parse(chart.ToSvg());
        XNamespace svg = "http://www.w3.org/2000/svg";
        var labels = doc.Descendants(svg + "text").Where(t => t.Attribute("text-anchor")?.Value == "middle").ToList();

        Assert.Equal(["2014", "2015", "2016"], labels.Select(t => t.Value));

        // Ticks sit where the dates are: 2015-01-01 is 514 days after the first of 1119 days.
        var axis = doc.Descendants(svg + "path").First();
        double[] corners = [.. axis.Attribute("d")!.Value.TrimStart('M').Split(' ', ',').Select(double.Parse)];
        double left = corners[0], right = corners[4];
        double expected = left + (514.0 / 1119) * (right - left);
        Assert.Equal(expected, double.Parse(labels[1].Attribute("x")!.Value), 0.1);
    }

    [Fact]
    public void DatedAndNumericSeriesDoNotMix()
    {
        var chart = new SvgLineChart().AddSeries("dated", [D(2014, 1, 1), D(2014, 2, 1)], [1f, 2f]);

        Assert.Equal("x", Assert.Throws<ArgumentException>(() => chart.AddSeries("plain", [1f, 2f])).ParamName);
        chart.XTickLabels = i => i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Throws<InvalidOperationException>(() => chart.ToSvg());
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => new SvgLineChart().AddSeries("s", [D(2014, 1, 1)], [1f, 2f])).ParamName);
    }
}
