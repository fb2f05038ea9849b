using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gated.Forecasting.Evaluation;

namespace Gated.Forecasting;

/// <summary>
/// The files of a forecast run: predictions.csv (one row per test point and step) and metrics.json (every metric of
/// the model and each baseline, per step and overall, with the frequency and the split dates).
/// </summary>
public static class ForecastFiles
{
    /// <summary>
    /// Writes the test predictions as CSV: <c>series</c> (when the data has a series column), <c>fold</c> (with a
    /// backtest), <c>origin</c>, <c>date</c>, <c>step</c>, <c>actual</c>, <c>forecast</c>, then <c>q0.1</c>-style
    /// columns per quantile level; timestamps as the input wrote them, numbers round-trippable.
    /// </summary>
    public static void WritePredictions(TextWriter writer, ForecastReport report, TimeSeriesSet data, IReadOnlyList<float> quantiles)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(quantiles);
        bool series = data.SeriesColumn is not null, folds = report.Backtest is not null;
        var header = new List<string>();
        if (series)
        {
            header.Add("series");
        }

        if (folds)
        {
            header.Add("fold");
        }

        header.AddRange(["origin", "date", "step", "actual", "forecast", .. quantiles.Select(QuantileColumn)]);
        writer.WriteLine(string.Join(",", header));
        var cells = new List<string>();
        foreach (var p in report.Predictions)
        {
            cells.Clear();
            if (series)
            {
                cells.Add(Field(p.Series ?? ""));
            }

            if (folds)
            {
                cells.Add((p.Fold + 1).ToString(CultureInfo.InvariantCulture));
            }

            cells.Add(data.Format(p.Origin));
            cells.Add(data.Format(p.Date));
            cells.Add(p.Step.ToString(CultureInfo.InvariantCulture));
            cells.Add(Number(p.Actual));
            cells.Add(Number(p.Forecast));
            cells.AddRange(p.QuantileValues.Select(Number));
            writer.WriteLine(string.Join(",", cells));
        }
    }

    /// <summary>The predictions.csv column of a quantile level: "q0.1", "q0.5", "q0.975".</summary>
    public static string QuantileColumn(float quantile) => "q" + quantile.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes metrics.json: the run's settings, split dates, and the scores overall, per step, per series and per backtest fold.</summary>
    public static void WriteMetrics(Stream stream, ForecastReport report, TimeSeriesSet data, Forecaster forecaster)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(forecaster);
        var options = forecaster.Options;
        var root = new JsonObject
        {
            ["target"] = data.TargetName,
            ["covariates"] = new JsonArray([.. data.CovariateNames.Select(c => JsonValue.Create(c))]),
            ["frequency"] = report.Frequency.Name,
            ["frequency_code"] = report.Frequency.ToText(),
            ["season"] = report.Season,
            ["calendar"] = Time.CalendarFeatures.Format(report.Calendar),
            ["horizon"] = options.Horizon,
            ["strategy"] = options.Strategy.ToString().ToLowerInvariant(),
            ["window"] = options.Window,
            ["quantiles"] = new JsonArray([.. forecaster.Quantiles.Select(q => JsonValue.Create(q))]),
            ["epochs_run"] = report.History.Epochs,
            ["best_epoch"] = report.BestEpoch,
            ["train_seconds"] = Round(report.TrainSeconds),
            ["seconds_per_epoch"] = Round(report.TrainSeconds / Math.Max(1, report.History.Epochs)),
            ["train_windows"] = report.Windows.Train,
            ["validation_windows"] = report.Windows.Validation,
            ["split"] = new JsonArray([.. report.Splits.Select(s => (JsonNode)new JsonObject
            {
                ["series"] = s.Series,
                ["train_start"] = data.Format(s.TrainStart),
                ["train_end"] = data.Format(s.TrainEnd),
                ["test_start"] = data.Format(s.TestStart),
                ["test_end"] = data.Format(s.TestEnd),
                ["test_origins"] = s.TestOrigins,
            })]),
            ["seasonal_naive_omitted"] = report.SeasonalNaiveOmitted,
            ["overall"] = Board(report.Overall),
        };
        if (report.PerSeries.Count > 0)
        {
            var perSeries = new JsonObject();
            foreach (var (id, board) in report.PerSeries)
            {
                perSeries[id] = Board(board);
            }

            root["series"] = perSeries;
        }

        if (report.Backtest is { } backtest)
        {
            root["backtest"] = new JsonObject
            {
                ["folds"] = backtest.Folds.Count,
                ["retrain"] = backtest.Retrained,
                ["per_fold"] = new JsonArray([.. backtest.Folds.Select(f => (JsonNode)Board(f))]),
                ["mean"] = Models(backtest.Mean, steps: false),
                ["std"] = Models(backtest.Spread, steps: false),
            };
        }

        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        root.WriteTo(writer);
    }

    private static JsonObject Board(ScoreBoard board)
    {
        var json = new JsonObject
        {
            ["points"] = board.Points,
            ["best_baseline"] = board.BestBaseline.Key,
            ["model_beats_baselines"] = board.ModelBeatsBaselines,
            ["models"] = Models(board.Models, steps: true),
        };
        if (board.Quantiles.Count > 0)
        {
            json["pinball"] = new JsonObject([.. board.Quantiles.Select(q => KeyValuePair.Create(QuantileColumn(q.Quantile), (JsonNode?)Round(q.Pinball)))]);
            json["coverage"] = new JsonArray([.. board.Intervals.Select(i => (JsonNode)new JsonObject
            {
                ["lower"] = i.Lower,
                ["upper"] = i.Upper,
                ["nominal"] = i.Nominal,
                ["empirical"] = Round(i.Coverage),
            })]);
        }

        return json;
    }

    private static JsonObject Models(IReadOnlyList<ModelScores> models, bool steps)
    {
        var json = new JsonObject();
        foreach (var m in models)
        {
            var entry = new JsonObject { ["name"] = m.Name, ["overall"] = Metrics(m.Overall) };
            if (steps)
            {
                entry["per_step"] = new JsonArray([.. m.Steps.Select((s, h) =>
                {
                    var step = Metrics(s);
                    step.Insert(0, "step", h + 1);
                    return (JsonNode)step;
                })]);
            }

            json[m.Key] = entry;
        }

        return json;
    }

    private static JsonObject Metrics(PointMetrics metrics)
    {
        var json = new JsonObject();
        foreach (var (name, value) in metrics.Items())
        {
            json[name] = Round(value);
        }

        json["mape_skipped_zero_actuals"] = metrics.MapeSkippedZeros;
        return json;
    }

    // JSON has no NaN: a metric without a value (MASE on a constant series, MAPE on all-zero actuals) is null.
    private static JsonNode? Round(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 6)) : null;

    private static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    // RFC 4180: a field with a separator, a quote, a line break or edge spaces is quoted, its quotes doubled.
    private static string Field(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 || text.Trim().Length != text.Length
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
}
