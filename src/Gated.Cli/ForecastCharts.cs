using System.Globalization;
using Gated.Forecasting;
using Gated.Plotting;
using Gated.Training;

namespace Gated.Cli;

/// <summary>The plots of a forecast run: the loss per epoch, the test period, and the last points with the next forecast.</summary>
internal static class ForecastCharts
{
    private const string ActualColor = "#333333", ForecastColor = "#1f77b4";

    /// <summary>Points of history shown before the next forecast.</summary>
    public const int NextHistory = 90;

    /// <summary>The training and validation loss per epoch; <paramref name="lossName"/> says what the loss is.</summary>
    public static SvgLineChart Loss(History history, string lossName)
    {
        var chart = new SvgLineChart
        {
            Title = $"Training loss per epoch ({lossName})",
            XLabel = "epoch",
            YLabel = "loss",
            XTickLabels = i => (i + 1).ToString(CultureInfo.InvariantCulture),
        };
        chart.AddSeries("loss", history.Loss.Select(v => (float)v).ToArray());
        if (history.ValidationLoss.Count > 0)
        {
            chart.AddSeries("val_loss", history.ValidationLoss.Select(v => (float)v).ToArray());
        }

        return chart;
    }

    /// <summary>The first series over the test period: actual, the one-step-ahead forecast (step 1 of each origin) and its widest interval.</summary>
    public static SvgLineChart TestPeriod(ForecastReport report, TimeSeriesSet data, string unit)
    {
        var series = data.Series[0];
        var points = report.Predictions.Where(p => p.Series == series.Id && p.Step == 1).ToList();
        var board = series.Id is null ? report.Overall : report.PerSeries[series.Id];
        string name = series.Id is null ? $"'{data.TargetName}'" : $"'{data.TargetName}' of {series.Id}";
        var chart = new SvgLineChart(1200, 450)
        {
            Title = string.Create(CultureInfo.InvariantCulture,
                $"{name} over the test period, one step ahead: {board.Model.Name} RMSE {board.Model.Steps[0].Rmse:F2}, {board.BestBaseline.Name} {board.BestBaseline.Steps[0].Rmse:F2}"),
            XLabel = "date",
            YLabel = unit.Length == 0 ? data.TargetName : $"{data.TargetName} ({unit})",
        };
        var dates = points.Select(p => p.Date.DateTime).ToArray();
        if (points.Count > 0 && points[0].QuantileValues.Length >= 2)
        {
            int last = points[0].QuantileValues.Length - 1;
            chart.AddBand(BandName(report), dates, [.. points.Select(p => p.QuantileValues[0])], [.. points.Select(p => p.QuantileValues[last])], ForecastColor);
        }

        chart.AddSeries("actual", dates, [.. points.Select(p => p.Actual)], ActualColor);
        chart.AddSeries($"{board.Model.Name} forecast", dates, [.. points.Select(p => p.Forecast)], ForecastColor);
        return chart;
    }

    /// <summary>The last <see cref="NextHistory"/> points of the first series and the forecast of the steps after them.</summary>
    public static SvgLineChart Next(ForecastReport report, TimeSeriesSet data, string unit)
    {
        var series = data.Series[0];
        var next = report.Next[0];
        int shown = Math.Min(NextHistory, series.Length);
        var chart = new SvgLineChart(1200, 450)
        {
            Title = $"The last {shown} points and the forecast of the next {next.Horizon} step(s) after {data.Format(next.Origin)}",
            XLabel = "date",
            YLabel = unit.Length == 0 ? data.TargetName : $"{data.TargetName} ({unit})",
        };
        // The forecast line starts at the last observation so it joins the history.
        DateTime[] forecastDates = [series.Times[^1].DateTime, .. next.Dates.Select(d => d.DateTime)];
        if (next.Quantiles.Count >= 2)
        {
            float lastValue = series.Target[^1];
            chart.AddBand(BandName(report), forecastDates, [lastValue, .. next.QuantileValues[0]], [lastValue, .. next.QuantileValues[^1]], ForecastColor);
        }

        chart.AddSeries("history", [.. series.Times[^shown..].Select(t => t.DateTime)], series.Target[^shown..], ActualColor);
        chart.AddSeries("forecast", forecastDates, [series.Target[^1], .. next.Point], ForecastColor);
        return chart;
    }

    private static string BandName(ForecastReport report)
    {
        var interval = report.Overall.Intervals[0];
        return string.Create(CultureInfo.InvariantCulture, $"{interval.Nominal * 100:0.#}% interval (q{interval.Lower}–q{interval.Upper})");
    }
}
