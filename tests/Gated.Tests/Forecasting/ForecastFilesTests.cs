using System.Globalization;
using System.Text;
using System.Text.Json;
using Gated.Forecasting;
using Gated.Time;
using Xunit;

namespace Gated.Tests.Forecasting;

public sealed class ForecastFilesTests
{
    private static string Predictions(ForecastReport report, TimeSeriesSet data, IReadOnlyList<float> quantiles)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        ForecastFiles.WritePredictions(writer, report, data, quantiles);
        return writer.ToString();
    }

    private static JsonElement Metrics(ForecastReport report, TimeSeriesSet data, Forecaster forecaster)
    {
        using var stream = new MemoryStream();
        ForecastFiles.WriteMetrics(stream, report, data, forecaster);
        return JsonDocument.Parse(Encoding.UTF8.GetString(stream.ToArray())).RootElement.Clone();
    }

    private static string[][] Rows(string csv) =>
        [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r').Split(','))];

    [Fact]
    public void PredictionsReadBackAsTheReportsValuesBitForBit()
    {
        var data = ForecasterTests.Weekly();
        var (forecaster, report) = Forecaster.Train(data, ForecasterTests.Tiny with { Quantiles = [0.1f, 0.9f] });

        var rows = Rows(Predictions(report, data, forecaster.Quantiles));

        Assert.Equal(["origin", "date", "step", "actual", "forecast", "q0.1", "q0.5", "q0.9"], rows[0]);
        Assert.Equal(report.Predictions.Count + 1, rows.Length);
        for (int i = 0; i < report.Predictions.Count; i++)
        {
            var (p, row) = (report.Predictions[i], rows[i + 1]);
            Assert.Equal(data.Format(p.Origin), row[0]);
            Assert.Equal(data.Format(p.Date), row[1]);
            Assert.Equal(p.Step, int.Parse(row[2], CultureInfo.InvariantCulture));
            Assert.Equal(p.Actual, float.Parse(row[3], CultureInfo.InvariantCulture));
            Assert.Equal(p.Forecast, float.Parse(row[4], CultureInfo.InvariantCulture));
            Assert.Equal(p.QuantileValues, row[5..].Select(c => float.Parse(c, CultureInfo.InvariantCulture)));
        }

        // Origin 239 = 2024-01-01 + 239 days = 2024-08-27; its step 1 is 2024-08-28.
        Assert.Equal(["2024-08-27", "2024-08-28", "1"], rows[1][..3]);
    }

    [Fact]
    public void APointModelHasNoQuantileColumnsAndABacktestAddsOneBasedFolds()
    {
        var data = ForecasterTests.Weekly();
        var (forecaster, report) = Forecaster.Train(data, ForecasterTests.Tiny with { BacktestFolds = 2 });

        var rows = Rows(Predictions(report, data, forecaster.Quantiles));

        Assert.Equal(["fold", "origin", "date", "step", "actual", "forecast"], rows[0]);
        // 58 origins: fold 1 has origins [0, 29), fold 2 [29, 58) → 87 rows each.
        Assert.Equal(Enumerable.Repeat("1", 87).Concat(Enumerable.Repeat("2", 87)), rows[1..].Select(r => r[0]));
    }

    [Fact]
    public void LongFormatDataGetsASeriesColumnAndPerSeriesScores()
    {
        var a = ForecasterTests.Weekly().Series[0];
        var b = a with { Id = "b, \"big\"", Target = [.. a.Target.Select(v => (2 * v) + 1)] };
        var data = new TimeSeriesSet
        {
            Source = "stores.csv",
            TargetName = "sales",
            SeriesColumn = "store",
            Frequency = Frequency.Daily,
            Series = [a with { Id = "a" }, b],
        };
        var (forecaster, report) = Forecaster.Train(data, ForecasterTests.Tiny with { MaxEpochs = 1 });

        string csv = Predictions(report, data, forecaster.Quantiles);
        var table = Gated.Data.CsvTable.Parse(new StringReader(csv), "predictions.csv");
        var json = Metrics(report, data, forecaster);

        // The ids are CSV fields: plain when they can be, quoted with doubled quotes when they hold a comma or a quote.
        Assert.StartsWith("series,origin,date,step,actual,forecast\na,2024-08-27,2024-08-28,1,", csv.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\n\"b, \"\"big\"\"\",2024-08-27,2024-08-28,1,", csv.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(["series", "origin", "date", "step", "actual", "forecast"], table.Columns);
        string[] ids = table.GetText("series");
        Assert.Equal(2 * 58 * 3, ids.Length);
        Assert.Equal(58 * 3, ids.Count(id => id == "a"));
        Assert.Equal(58 * 3, ids.Count(id => id == "b, \"big\""));
        Assert.Equal(report.Predictions.Select(p => p.Forecast), table.GetNumbers("forecast"));
        Assert.Equal(["a", "b, \"big\""], report.PerSeries.Keys);
        Assert.Equal(58 * 3, json.GetProperty("series").GetProperty("b, \"big\"").GetProperty("points").GetInt32());
        Assert.Equal(2, json.GetProperty("split").GetArrayLength());
        Assert.Equal("b, \"big\"", json.GetProperty("split")[1].GetProperty("series").GetString());
        // Series b is 2a + 1, so the persistence errors of b are twice those of a.
        Assert.Equal(
            2 * report.PerSeries["a"].Models[1].Overall.Mae,
            report.PerSeries["b, \"big\""].Models[1].Overall.Mae, 4);
    }

    [Fact]
    public void MetricsAreJsonWithTheReportsRoundedScoresPerStepAndTheSplit()
    {
        var data = ForecasterTests.Weekly();
        var (forecaster, report) = Forecaster.Train(data, ForecasterTests.Tiny with { BacktestFolds = 3 });

        var json = Metrics(report, data, forecaster);

        Assert.Equal("sales", json.GetProperty("target").GetString());
        Assert.Equal("daily", json.GetProperty("frequency").GetString());
        Assert.Equal(7, json.GetProperty("season").GetInt32());
        Assert.Equal(3, json.GetProperty("horizon").GetInt32());
        Assert.Equal("direct", json.GetProperty("strategy").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("seasonal_naive_omitted").ValueKind);
        var models = json.GetProperty("overall").GetProperty("models");
        Assert.Equal(["model", "persistence", "seasonal_naive", "mean", "drift"], models.EnumerateObject().Select(p => p.Name));
        var model = models.GetProperty("model");
        Assert.Equal("GRU", model.GetProperty("name").GetString());
        Assert.Equal(Math.Round(report.Overall.Model.Overall.Rmse, 6), model.GetProperty("overall").GetProperty("rmse").GetDouble());
        Assert.Equal(Math.Round(report.Overall.Models[4].Overall.Mase, 6), models.GetProperty("drift").GetProperty("overall").GetProperty("mase").GetDouble());
        var steps = model.GetProperty("per_step");
        Assert.Equal(3, steps.GetArrayLength());
        Assert.Equal([1, 2, 3], steps.EnumerateArray().Select(s => s.GetProperty("step").GetInt32()));
        Assert.Equal(Math.Round(report.Overall.Model.Steps[2].Mae, 6), steps[2].GetProperty("mae").GetDouble());
        Assert.Equal(174, json.GetProperty("overall").GetProperty("points").GetInt32());

        var split = json.GetProperty("split")[0];
        Assert.Equal(JsonValueKind.Null, split.GetProperty("series").ValueKind);
        // Points 0, 239, 240 and 299 after 2024-01-01.
        Assert.Equal(["2024-01-01", "2024-08-27", "2024-08-28", "2024-10-26"],
            new[] { "train_start", "train_end", "test_start", "test_end" }.Select(k => split.GetProperty(k).GetString()));
        Assert.Equal(58, split.GetProperty("test_origins").GetInt32());
        Assert.Equal(report.Windows.Train, json.GetProperty("train_windows").GetInt32());

        var backtest = json.GetProperty("backtest");
        Assert.Equal(3, backtest.GetProperty("folds").GetInt32());
        Assert.False(backtest.GetProperty("retrain").GetBoolean());
        Assert.Equal([57, 57, 60], backtest.GetProperty("per_fold").EnumerateArray().Select(f => f.GetProperty("points").GetInt32()));
        Assert.Equal(Math.Round(report.Backtest!.Mean[0].Overall.Rmse, 6), backtest.GetProperty("mean").GetProperty("model").GetProperty("overall").GetProperty("rmse").GetDouble());
        Assert.False(backtest.GetProperty("mean").GetProperty("model").TryGetProperty("per_step", out _));
        Assert.False(json.TryGetProperty("series", out _));
    }

    [Fact]
    public void AMetricWithoutAValueIsNull()
    {
        // The test period is all zeros, so MAPE skips every point and has no value.
        float[] values = [.. ForecasterTests.Weekly().Series[0].Target.Select((v, t) => t < ForecasterTests.TrainLength ? v : 0f)];
        var data = TimeSeriesSet.Single("sales", ForecasterTests.Start, Frequency.Daily, values);
        var (forecaster, report) = Forecaster.Train(data, ForecasterTests.Tiny with { MaxEpochs = 1, Quantiles = [0.2f, 0.8f] });

        var json = Metrics(report, data, forecaster);

        var overall = json.GetProperty("overall");
        var model = overall.GetProperty("models").GetProperty("model").GetProperty("overall");
        Assert.True(double.IsNaN(report.Overall.Model.Overall.Mape));
        Assert.Equal(JsonValueKind.Null, model.GetProperty("mape").ValueKind);
        Assert.Equal(174, model.GetProperty("mape_skipped_zero_actuals").GetInt32());
        Assert.Equal(JsonValueKind.Number, model.GetProperty("rmse").ValueKind);
        Assert.Equal(["q0.2", "q0.5", "q0.8"], overall.GetProperty("pinball").EnumerateObject().Select(p => p.Name));
        var coverage = Assert.Single(overall.GetProperty("coverage").EnumerateArray());
        Assert.Equal(0.6, coverage.GetProperty("nominal").GetDouble());
        Assert.Equal(Math.Round(report.Overall.Intervals[0].Coverage, 6), coverage.GetProperty("empirical").GetDouble());
    }

    [Fact]
    public void QuantileColumnsAreNamedByTheirLevel()
    {
        Assert.Equal("q0.1", ForecastFiles.QuantileColumn(0.1f));
        Assert.Equal("q0.975", ForecastFiles.QuantileColumn(0.975f));
        Assert.Equal("q0.5", ForecastFiles.QuantileColumn(0.5f));
    }
}
