using Gated.Data;
using Gated.Forecasting;
using Gated.Forecasting.Evaluation;
using Gated.Tests.Cli;
using Gated.Time;
using Xunit;

namespace Gated.Tests.Forecasting;

public sealed class ForecasterTests : IDisposable
{
    internal static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // 300 points: 300 − floor(300 · 0.8) = 60 test points, 240 training points.
    internal const int Length = 300;
    internal const int TrainLength = 240;

    internal static readonly ForecastOptions Tiny = new() { Window = 8, Horizon = 3, Units = 4, MaxEpochs = 2, BatchSize = 32, Seed = 3 };

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A weekly sine on a trend with a little deterministic noise.</summary>
    internal static TimeSeriesSet Weekly(int length = Length, string target = "sales") =>
        TimeSeriesSet.Single(target, Start, Frequency.Daily,
            [.. Enumerable.Range(0, length).Select(t => (float)(20 + (0.05 * t) + (5 * Math.Sin(2 * Math.PI * t / 7)) + (0.3 * Math.Sin(t * 1.7))))]);

    [Fact]
    public void TheReadmeApiExampleRunsOnTheBundledMonthlySeries()
    {
        // The README's C# example, on the small bundled series with a tiny network so it runs in a moment.
        var data = TimeSeriesCsv.Load(TestSupport.RepoFiles.Find(Path.Combine("data", "chicago-monthly.csv")), target: "temp", covariates: ["ridership"]);
        var options = new ForecastOptions { Horizon = 3, Quantiles = [0.1f, 0.9f], Seed = 0, Window = 12, Units = 8, MaxEpochs = 3 };
        var (forecaster, report) = Forecaster.Train(data, options);
        var board = report.Overall;
        Assert.Equal("GRU", board.Model.Name);
        Assert.Equal(["model", "persistence", "seasonal_naive", "mean", "drift"], board.Models.Select(m => m.Key));
        string path = Path.Combine(_folder.Path, "temp.safetensors");
        forecaster.Save(path);

        var next = Assert.Single(Forecaster.Load(path).Forecast(data));
        Assert.Equal(new DateTimeOffset(2016, 7, 1, 0, 0, 0, TimeSpan.Zero), next.Origin);
        Assert.Equal(["2016-08-01", "2016-09-01", "2016-10-01"], next.Dates.Select(data.Format));
        Assert.Equal([0.1f, 0.5f, 0.9f], next.Quantiles);
        for (int h = 0; h < next.Horizon; h++)
        {
            Assert.True(next.QuantileValues[0][h] <= next.Point[h] && next.Point[h] <= next.QuantileValues[^1][h]);
            Assert.Equal(next.QuantileValues[1][h], next.Point[h]);
        }
    }

    [Fact]
    public void TheReportListsTheModelThenEachBaseline()
    {
        var (_, report) = Forecaster.Train(Weekly(), Tiny);

        Assert.Equal(["model", "persistence", "seasonal_naive", "mean", "drift"], report.Overall.Models.Select(m => m.Key));
        Assert.Equal(["GRU", "persistence", "seasonal naive", "mean", "drift"], report.Overall.Models.Select(m => m.Name));
        Assert.All(report.Overall.Models, m => Assert.Equal(3, m.Steps.Count));
        Assert.Equal(7, report.Season);
        Assert.Null(report.SeasonalNaiveOmitted);
        Assert.Equal(CalendarFeature.DayOfWeek | CalendarFeature.DayOfYear, report.Calendar);
        Assert.Empty(report.PerSeries);
        Assert.Null(report.Backtest);
    }

    [Fact]
    public void TheTestPeriodIsTheLastHeldOutPointsAndEveryOriginForecastsEveryStep()
    {
        var data = Weekly();
        var (_, report) = Forecaster.Train(data, Tiny);
        var times = data.Series[0].Times;

        Assert.Equal(Length - TrainLength, DatasetSplit.HeldOutCount(Length, 0.2));
        // Origins 239 .. 296 (the last origin's step 3 is point 299): 58 origins × 3 steps.
        var split = Assert.Single(report.Splits);
        Assert.Equal((times[0], times[239], times[240], times[299], 58), (split.TrainStart, split.TrainEnd, split.TestStart, split.TestEnd, split.TestOrigins));
        Assert.Equal(58 * 3, report.Predictions.Count);
        Assert.Equal(58 * 3, report.Overall.Points);
        Assert.Equal(Enumerable.Range(239, 58).SelectMany(o => Enumerable.Repeat(times[o], 3)), report.Predictions.Select(p => p.Origin));
        Assert.All(report.Predictions, p => Assert.Equal(Frequency.Daily.Add(p.Origin, p.Step), p.Date));
        Assert.All(report.Predictions, p => Assert.Equal(data.Series[0].Target[(int)(p.Date - Start).TotalDays], p.Actual));
        // Training windows: origins 7 .. 236 (origin + 3 < 240) = 230; validation 230 − floor(230 · 0.9) = 23.
        Assert.Equal((207, 23), report.Windows);
        Assert.Equal(2, report.History.Epochs);
    }

    [Fact]
    public void TheBaselinesInThePredictionsAreThoseOfTheHistoryUpToEachOrigin()
    {
        var data = Weekly();
        var (_, report) = Forecaster.Train(data, Tiny);
        float[] y = data.Series[0].Target;

        foreach (var p in report.Predictions)
        {
            int origin = (int)(p.Origin - Start).TotalDays;
            foreach (var kind in Enum.GetValues<BaselineKind>())
            {
                var expected = new float[3];
                Baselines.Forecast(kind, y.AsSpan(0, origin + 1), 3, 7, expected);
                Assert.Equal(expected[p.Step - 1], p.Baselines[(int)kind]);
            }
        }

        // By hand at origin 239, step 2: persistence y[239]; seasonal naive y[239 + 2 − 7] = y[234];
        // drift y[239] + 2·(y[239] − y[0]) / 239.
        var point = report.Predictions[1];
        Assert.Equal(2, point.Step);
        Assert.Equal(y[239], point.Baselines[(int)BaselineKind.Persistence]);
        Assert.Equal(y[234], point.Baselines[(int)BaselineKind.SeasonalNaive]);
        Assert.Equal((float)(y[239] + (2 * ((double)y[239] - y[0]) / 239)), point.Baselines[(int)BaselineKind.Drift]);
    }

    [Fact]
    public void TheSameSeedGivesTheSameForecastsBitForBitAndAnotherSeedOthers()
    {
        var data = Weekly();
        var (_, first) = Forecaster.Train(data, Tiny);
        var (_, second) = Forecaster.Train(data, Tiny);
        var (_, third) = Forecaster.Train(data, Tiny with { Seed = 4 });

        Assert.Equal(first.Predictions.Select(p => p.Forecast), second.Predictions.Select(p => p.Forecast));
        Assert.Equal(first.Next[0].Point, second.Next[0].Point);
        Assert.Equal(first.History.Loss, second.History.Loss);
        Assert.NotEqual(first.Predictions.Select(p => p.Forecast), third.Predictions.Select(p => p.Forecast));
    }

    [Fact]
    public void QuantilesNeverCrossAndTheMedianIsThePoint()
    {
        var (forecaster, report) = Forecaster.Train(Weekly(), Tiny with { Quantiles = [0.1f, 0.9f] });

        Assert.Equal([0.1f, 0.5f, 0.9f], forecaster.Quantiles);
        Assert.All(report.Predictions, p =>
        {
            Assert.Equal(3, p.QuantileValues.Length);
            Assert.True(p.QuantileValues[0] <= p.QuantileValues[1] && p.QuantileValues[1] <= p.QuantileValues[2], $"{p.QuantileValues[0]} {p.QuantileValues[1]} {p.QuantileValues[2]}");
            Assert.Equal(p.QuantileValues[1], p.Forecast);
        });
        var next = Assert.Single(report.Next);
        Assert.Equal(next.QuantileValues[1], next.Point);
        Assert.Equal([0.1f, 0.5f, 0.9f], report.Overall.Quantiles.Select(q => q.Quantile));
        var interval = Assert.Single(report.Overall.Intervals);
        Assert.Equal((0.1f, 0.9f, 0.8), (interval.Lower, interval.Upper, interval.Nominal));
        // Coverage is a fraction of the 174 points.
        Assert.Equal(interval.Coverage * 174, Math.Round(interval.Coverage * 174), 9);
    }

    [Fact]
    public void SaveAndLoadGiveTheSameForecasts()
    {
        var data = Weekly();
        var (forecaster, report) = Forecaster.Train(data, Tiny with { Quantiles = [0.25f, 0.75f] });
        string path = _folder.File("model.safetensors");

        forecaster.Save(path);
        var loaded = Forecaster.Load(path);
        var before = forecaster.Forecast(data);
        var after = loaded.Forecast(data);

        Assert.Equal(report.Next[0].Point, before[0].Point);
        Assert.Equal(before[0].Point, after[0].Point);
        Assert.Equal(before[0].Dates, after[0].Dates);
        Assert.Equal([Start.AddDays(300), Start.AddDays(301), Start.AddDays(302)], after[0].Dates);
        Assert.Equal(before[0].Origin, after[0].Origin);
        Assert.Equal(before[0].Quantiles, after[0].Quantiles);
        Assert.Equal(before[0].QuantileValues, after[0].QuantileValues);
        Assert.Equal(forecaster.Calendar, loaded.Calendar);
        Assert.Equal(forecaster.Options with { Covariates = [], Quantiles = [] }, loaded.Options with { Covariates = [], Quantiles = [] });
        Assert.Equal(forecaster.Options.Quantiles, loaded.Options.Quantiles);
        var (scaling, back) = (forecaster.Scalings[""], loaded.Scalings[""]);
        Assert.Equal((scaling.LevelMean, scaling.LevelScale, scaling.StepScale), (back.LevelMean, back.LevelScale, scaling.StepScale));
        Assert.Equal(scaling.StepScale, back.StepScale);
    }

    [Fact]
    public void ForecastingFromDataOfAnotherShapeNamesTheDifference()
    {
        var (forecaster, _) = Forecaster.Train(Weekly(), Tiny with { MaxEpochs = 1 });
        float[] values = Weekly().Series[0].Target;

        var hourly = Assert.Throws<ArgumentException>(() => forecaster.Forecast(TimeSeriesSet.Single("sales", Start, Frequency.Hourly, values)));
        Assert.Equal("data", hourly.ParamName);
        Assert.StartsWith("sales: the data is hourly; the model was trained on daily data.", hourly.Message);
        var target = Assert.Throws<ArgumentException>(() => forecaster.Forecast(Weekly(target: "revenue")));
        Assert.StartsWith("revenue: the target is 'revenue'; the model forecasts 'sales'.", target.Message);
        var covariates = Assert.Throws<ArgumentException>(() => forecaster.Forecast(TimeSeriesSet.Single("sales", Start, Frequency.Daily, values, [("price", values)])));
        Assert.StartsWith("sales: the covariates are [price]; the model reads [].", covariates.Message);
        var tooShort = Assert.Throws<ArgumentException>(() => forecaster.Forecast(Weekly(length: 7)));
        Assert.StartsWith("sales: column 'sales' has 7 points; the model reads the last 8.", tooShort.Message);
        // Exactly one window is enough; it is scaled with the training scaling.
        Assert.Single(forecaster.Forecast(Weekly(length: 8)));
    }

    [Fact]
    public void RecursiveAtOneStepIsDirectAtOneStepAndFeedsItsForecastsBack()
    {
        var data = Weekly();
        var recursive1 = Tiny with { Horizon = 1, Strategy = ForecastStrategy.Recursive };
        var (_, direct) = Forecaster.Train(data, Tiny with { Horizon = 1 });
        var (oneStep, recursive) = Forecaster.Train(data, recursive1);
        // Recursive training reads one step ahead whatever the horizon, so horizon 3 trains the very same network.
        var (_, three) = Forecaster.Train(data, recursive1 with { Horizon = 3 });

        Assert.Equal(60, direct.Predictions.Count); // origins 239 .. 298
        Assert.Equal(direct.Predictions.Select(p => p.Forecast), recursive.Predictions.Select(p => p.Forecast));
        Assert.Equal(58 * 3, three.Predictions.Count);
        Assert.All(three.Predictions, p => Assert.True(float.IsFinite(p.Forecast)));
        Assert.Equal(recursive.Predictions.Take(58).Select(p => p.Forecast), three.Predictions.Where(p => p.Step == 1).Select(p => p.Forecast));

        // Step 2 from origin 250 is the one-step forecast from the history up to 250 followed by step 1's forecast.
        float[] y = data.Series[0].Target;
        var fromOrigin = three.Predictions.Where(p => p.Origin == Start.AddDays(250)).ToArray();
        float[] fedBack = [.. y[..251], fromOrigin[0].Forecast];
        var step2 = oneStep.Forecast(TimeSeriesSet.Single("sales", Start, Frequency.Daily, fedBack));
        Assert.Equal(step2[0].Point[0], fromOrigin[1].Forecast);
        Assert.Equal(Start.AddDays(252), step2[0].Dates[0]);
    }

    [Fact]
    public void ABacktestCutsTheOriginsIntoFoldsAndRetrainingKeepsTheFirstFoldsModel()
    {
        var data = Weekly();
        var (_, plain) = Forecaster.Train(data, Tiny with { BacktestFolds = 3 });
        var (_, retrained) = Forecaster.Train(data, Tiny with { BacktestFolds = 3, Retrain = true });

        // 58 origins in three parts: [0, 19), [19, 38), [38, 58) → 19, 19, 20 origins × 3 steps.
        var backtest = plain.Backtest!;
        Assert.False(backtest.Retrained);
        Assert.Equal([57, 57, 60], backtest.Folds.Select(f => f.Points));
        Assert.Equal(plain.Overall.Points, backtest.Folds.Sum(f => f.Points));
        Assert.Equal([0, 0, 0, 1, 1, 1, 2, 2, 2], new[] { 0, 1, 2, 57, 58, 59, 114, 115, 116 }.Select(i => plain.Predictions[i].Fold));
        Assert.Equal(Start.AddDays(239 + 19), plain.Predictions[57].Origin);
        // The mean of each metric over the folds.
        Assert.Equal(backtest.Folds.Average(f => f.Model.Overall.Rmse), backtest.Mean[0].Overall.Rmse, 12);
        Assert.Equal(5, backtest.Spread.Count);

        Assert.True(retrained.Backtest!.Retrained);
        Assert.Equal(backtest.Folds[0].Model.Overall, retrained.Backtest.Folds[0].Model.Overall);
        Assert.Equal(backtest.Folds[0].Model.Steps, retrained.Backtest.Folds[0].Model.Steps);
        Assert.NotEqual(backtest.Folds[2].Model.Overall, retrained.Backtest.Folds[2].Model.Overall);
        Assert.Equal(
            plain.Predictions.Where(p => p.Fold == 0).Select(p => p.Forecast),
            retrained.Predictions.Where(p => p.Fold == 0).Select(p => p.Forecast));
        Assert.NotEqual(
            plain.Predictions.Where(p => p.Fold == 2).Select(p => p.Forecast),
            retrained.Predictions.Where(p => p.Fold == 2).Select(p => p.Forecast));
        // The baselines do not depend on the model.
        Assert.Equal(backtest.Folds[2].Models[1].Overall, retrained.Backtest.Folds[2].Models[1].Overall);
        // The main model (and so the forecast after the data) is the first fold's either way.
        Assert.Equal(plain.Next[0].Point, retrained.Next[0].Point);
    }

    [Fact]
    public void AStraightLineIsExtrapolatedPastItsTrainingRange()
    {
        // y = t: training points 0 .. 239, test 240 .. 299. Every one-step change is 1, so the step scale is 1 and
        // the network only has to learn a constant scaled change of 1.
        var line = TimeSeriesSet.Single("y", Start, Frequency.Daily, [.. Enumerable.Range(0, Length).Select(t => (float)t)]);
        var options = new ForecastOptions { Window = 6, Horizon = 1, Units = 4, MaxEpochs = 3, BatchSize = 8, LearningRate = 0.02f, Seed = 1, Calendar = CalendarFeature.None };

        var (forecaster, report) = Forecaster.Train(line, options);

        Assert.Equal([1f], forecaster.Scalings[""].StepScale);
        float next = report.Next[0].Point[0];
        Assert.InRange(next, 299.5f, 300.5f); // the next value is 300; the training maximum is 239
        Assert.All(report.Predictions, p => Assert.InRange(p.Forecast - p.Actual, -0.5f, 0.5f));
        // Drift is exact on a line; persistence is always one step behind.
        var drift = report.Overall.Models.Single(m => m.Key == "drift").Overall;
        var persistence = report.Overall.Models.Single(m => m.Key == "persistence").Overall;
        Assert.Equal(0, drift.Rmse);
        Assert.Equal((1.0, 1.0), (persistence.Mae, persistence.Rmse));
    }

    [Fact]
    public void OptionsThatDoNotFitTheDataNameTheOption()
    {
        var data = Weekly(length: 40); // 32 training and 8 test points

        Assert.Equal("Window", Assert.Throws<InvalidOptionException>(() => Forecaster.Train(data, Tiny with { Window = 30 })).Option);
        Assert.Equal("Horizon", Assert.Throws<InvalidOptionException>(() => Forecaster.Train(data, Tiny with { Horizon = 9 })).Option);
        Assert.Equal("BacktestFolds", Assert.Throws<InvalidOptionException>(() => Forecaster.Train(data, Tiny with { BacktestFolds = 7 })).Option);
        var covariates = Assert.Throws<InvalidOptionException>(() => Forecaster.Train(data, Tiny with { Covariates = ["price"] }));
        Assert.Equal("Covariates names [price] but the data has []", covariates.Message);
    }
}
