using Xunit;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Gated.Forecasting;

namespace Gated.Tests.Cli;

public sealed class ForecastCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _csv;
    private readonly string _out;

    public ForecastCommandTests()
    {
        _csv = _folder.File("series.csv", SeasonalCsv(400));
        _out = Path.Combine(_folder.Path, "out");
    }

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, string[], string> BadInputs => new()
    {
        { "missing file", ["--csv", "{dir}/nope.csv"], "nope.csv" },
        { "empty file", ["--csv", "{dir}/empty.csv"], "empty.csv" },
        { "non-numeric cell", ["--csv", "{dir}/text.csv"], "line 4, column 'temp': 'warm' is not a number" },
        { "NaN cell", ["--csv", "{dir}/nan.csv"], "'NaN' is not a finite number" },
        { "missing column", ["--csv", "{csv}", "--column", "pressure"], "column 'pressure' not found" },
        { "window as long as the series", ["--csv", "{csv}", "--window", "400"], "'temp' has 400 points, 320 of them before the test period; a --window of 400 plus 1 step(s) ahead needs at least 401 there" },
        { "window too long to split", ["--csv", "{csv}", "--window", "320"], "a --window of 320 plus 1 step(s) ahead needs at least 321 there" },
        { "zero epochs", ["--csv", "{csv}", "--epochs", "0"], "--epochs must be a positive integer, got '0'" },
        { "negative units", ["--csv", "{csv}", "--units", "-5"], "--units must be a positive integer, got '-5'" },
        { "zero batch size", ["--csv", "{csv}", "--batch-size", "0"], "--batch-size must be a positive integer" },
        { "negative learning rate", ["--csv", "{csv}", "--learning-rate", "-0.01"], "--learning-rate must be a number greater than 0, got '-0.01'" },
        { "zero learning rate", ["--csv", "{csv}", "--learning-rate", "0"], "--learning-rate must be a number greater than 0" },
        { "non-numeric window", ["--csv", "{csv}", "--window", "ten"], "--window must be a positive integer, got 'ten'" },
        { "test fraction of one", ["--csv", "{csv}", "--test-fraction", "1"], "--test-fraction must be a number in (0, 1)" },
        { "unknown variant", ["--csv", "{csv}", "--cell-variant", "lstm"], "--cell-variant must be one of reset-after, reset-before" },
        { "unknown option", ["--csv", "{csv}", "--epoch", "3"], "unknown option --epoch" },
        { "option without value", ["--csv", "{csv}", "--window"], "--window needs a value" },
        { "missing date column", ["--csv", "{csv}", "--date-column", "day"], "column 'day' not found" },
        { "gap in the dates", ["--csv", "{dir}/gap.csv"], "gap.csv line 12: gap in the dates: 10 missing daily step(s) between 2020-01-10 and 2020-01-21; use --fill ffill or --fill linear to fill gaps" },
        { "semicolons", ["--csv", "{dir}/semicolon.csv"], "the header looks semicolon-separated" },
        { "zero horizon", ["--csv", "{csv}", "--horizon", "0"], "--horizon must be a positive integer, got '0'" },
        { "quantile of zero", ["--csv", "{csv}", "--quantiles", "0,0.5"], "--quantiles must be strictly between 0 and 1, got '0'" },
        { "quantile of one", ["--csv", "{csv}", "--quantiles", "0.5,1"], "--quantiles must be strictly between 0 and 1, got '1'" },
        { "decreasing quantiles", ["--csv", "{csv}", "--quantiles", "0.9,0.1"], "--quantiles must be strictly increasing, got '0.9,0.1'" },
        { "non-numeric quantile", ["--csv", "{csv}", "--quantiles", "0.5,abc"], "--quantiles must be numbers separated by commas, got 'abc'" },
        { "missing covariate", ["--csv", "{dir}/cov.csv", "--covariates", "wind"], "cov.csv: column 'wind' not found; the file has: date, temp, hum, label" },
        { "non-numeric covariate", ["--csv", "{dir}/cov.csv", "--covariates", "hum,label"], "cov.csv line 2, column 'label': 'x0' is not a number" },
        // The window already reads the target's history: naming it again is a mistake, not a second input.
        { "target as covariate", ["--csv", "{dir}/cov.csv", "--covariates", "hum,temp"], "--covariates names 'temp', the target" },
        { "season of one", ["--csv", "{csv}", "--season", "1"], "--season must be at least 2, got '1'" },
        { "one backtest fold", ["--csv", "{csv}", "--backtest", "1"], "--backtest must be at least 2 (or 0 for no backtest), got '1'" },
        { "more folds than test origins", ["--csv", "{csv}", "--window", "10", "--backtest", "81"], "--backtest 81 needs as many forecast origins, but the test period of 'temp' has 80" },
        { "retrain without backtest", ["--csv", "{csv}", "--retrain"], "--retrain refits at each origin of a backtest; give --backtest too" },
        { "recursive with covariates", ["--csv", "{dir}/cov.csv", "--strategy", "recursive", "--covariates", "hum"], "the recursive --strategy feeds its forecasts back, but --covariates are observed only up to the origin" },
        { "recursive with quantiles", ["--csv", "{csv}", "--strategy", "recursive", "--quantiles", "0.1,0.9"], "the recursive --strategy feeds back one value per step, which gives no honest intervals beyond the first; use the direct strategy with --quantiles" },
        { "unknown calendar feature", ["--csv", "{csv}", "--calendar", "weekday"], "--calendar: unknown calendar feature 'weekday'; known: none, or a comma-separated list of hour, dayofweek, dayofyear, month" },
        { "too few points for window and horizon", ["--csv", "{dir}/short.csv", "--window", "11", "--horizon", "2"], "short.csv: 'temp' has 15 points, 12 of them before the test period; a --window of 11 plus 2 step(s) ahead needs at least 13 there" },
        { "missing series column", ["--csv", "{csv}", "--series-column", "store"], "column 'store' not found" },
        { "quantiles with the tutorial preset", ["--csv", "{csv}", "--preset", "keras-tutorial", "--quantiles", "0.1,0.9"], "--quantiles is not part of --preset keras-tutorial" },
        { "backtest with the tutorial preset", ["--csv", "{csv}", "--preset", "keras-tutorial", "--backtest", "2"], "--backtest is not part of --preset keras-tutorial" },
        { "scaler with the default preset", ["--csv", "{csv}", "--scaler", "minmax"], "--scaler applies to --preset keras-tutorial" },
        { "duplicate timestamp", ["--csv", "{dir}/dup.csv"], "dup.csv line 52: duplicate timestamp 2020-02-19 (also on line 51)" },
        { "unordered timestamps", ["--csv", "{dir}/unordered.csv"], "unordered.csv line 62: timestamp 2020-01-31 is before the previous row's 2020-02-29; rows must be in time order" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputGetsOneClearLineExitCodeTwoAndWritesNothing(string what, string[] args, string expected)
    {
        _folder.File("empty.csv", "");
        _folder.File("gap.csv", GapCsv());
        _folder.File("cov.csv", CovariateCsv(300));
        _folder.File("short.csv", SeasonalCsv(15));
        string[] rows = SeasonalCsv(100).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Row 50 (2020-02-19, line 51) written twice.
        _folder.File("dup.csv", string.Join('\n', [.. rows[..51], rows[50], .. rows[51..]]) + "\n");
        // Sixty days, then the last thirty again: line 62 goes back in time with no gap before it.
        _folder.File("unordered.csv", string.Join('\n', [.. rows[..61], .. rows[31..61]]) + "\n");
        _folder.File("semicolon.csv", SeasonalCsv(400).Replace(',', ';'));
        _folder.File("text.csv", "date,temp\n2020-01-01,1\n2020-01-02,2\n2020-01-03,warm\n");
        _folder.File("nan.csv", "date,temp\n2020-01-01,1\nNaN-row,NaN\n".Replace("NaN-row", "2020-01-02", StringComparison.Ordinal));
        string[] full = [.. args.Select(Expand), "--out", _out, "--epochs", "1"];
        if (args.Contains("--epochs"))
        {
            full = [.. args.Select(Expand), "--out", _out];
        }

        var (code, _, stderr) = CliRunner.Run(["forecast", .. full]);

        Assert.True(code == 2, $"{what}: exit code {code}, stderr: {stderr}");
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_out), $"{what}: the output folder was created");
    }

    [Fact]
    public void FillLinearMakesTheGapFileWorkAndSaysHowManyStepsItFilled()
    {
        string csv = _folder.File("gap.csv", GapCsv());

        var (code, stdout, stderr) = Forecast("--csv", csv, "--fill", "linear");

        Assert.True(code == 0, stderr);
        Assert.Contains("Frequency: daily (season 7); calendar features: dayofweek,dayofyear; 10 missing step(s) filled", stdout, StringComparison.Ordinal);
        Assert.Contains("410 points (2020-01-01 .. 2021-02-13)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void CovariatesQuantilesAndThreeStepsWriteEveryOriginStepAndQuantileAndMetricsPerStep()
    {
        string csv = _folder.File("cov.csv", CovariateCsv(300));

        var (code, stdout, stderr) = Forecast("--csv", csv, "--covariates", "hum", "--quantiles", "0.1,0.9", "--horizon", "3");

        Assert.True(code == 0, stderr);
        Assert.Contains("covariates 'hum'", stdout, StringComparison.Ordinal);
        // 300 points: 240 before the test period, 60 in it, so 58 origins forecast 3 steps each.
        Assert.Contains("test period 2020-08-28 .. 2020-10-26, 58 origins × 3 step(s)", stdout, StringComparison.Ordinal);
        string[] rows = File.ReadAllLines(Path.Combine(_out, "predictions.csv"));
        Assert.Equal("origin,date,step,actual,forecast,q0.1,q0.5,q0.9", rows[0]);
        Assert.Equal(58 * 3, rows.Length - 1);
        Assert.Equal("2020-08-27,2020-08-28,1,", rows[1][..24]);
        Assert.StartsWith("2020-08-27,2020-08-30,3,", rows[3], StringComparison.Ordinal);
        Assert.StartsWith("2020-10-23,2020-10-26,3,", rows[^1], StringComparison.Ordinal);
        Assert.All(rows[1..], row => Assert.Equal(8, row.Split(',').Length));

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "metrics.json")));
        var root = metrics.RootElement;
        Assert.Equal("daily", root.GetProperty("frequency").GetString());
        Assert.Equal(3, root.GetProperty("horizon").GetInt32());
        var split = Assert.Single(root.GetProperty("split").EnumerateArray());
        Assert.Equal("2020-01-01", split.GetProperty("train_start").GetString());
        Assert.Equal("2020-08-27", split.GetProperty("train_end").GetString());
        Assert.Equal("2020-08-28", split.GetProperty("test_start").GetString());
        Assert.Equal("2020-10-26", split.GetProperty("test_end").GetString());
        Assert.Equal(58, split.GetProperty("test_origins").GetInt32());
        var models = root.GetProperty("overall").GetProperty("models");
        Assert.Contains("model", models.EnumerateObject().Select(m => m.Name));
        Assert.All(models.EnumerateObject(), m => Assert.Equal(3, m.Value.GetProperty("per_step").GetArrayLength()));
    }

    [Fact]
    public void ABacktestAddsAFoldColumnAndABacktestSection()
    {
        var (code, stdout, stderr) = Forecast("--csv", _csv, "--backtest", "2");

        Assert.True(code == 0, stderr);
        Assert.Contains("Backtest: 2 rolling origins (expanding window, one fit)", stdout, StringComparison.Ordinal);
        string[] rows = File.ReadAllLines(Path.Combine(_out, "predictions.csv"));
        Assert.Equal("fold,origin,date,step,actual,forecast", rows[0]);
        Assert.Equal(["1", "2"], rows[1..].Select(r => r.Split(',')[0]).Distinct().Order(StringComparer.Ordinal));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "metrics.json")));
        var backtest = metrics.RootElement.GetProperty("backtest");
        Assert.Equal(2, backtest.GetProperty("folds").GetInt32());
        Assert.False(backtest.GetProperty("retrain").GetBoolean());
        Assert.Equal(2, backtest.GetProperty("per_fold").GetArrayLength());
    }

    [Fact]
    public void LongFormatTrainsOneModelOverEverySeriesAndPredictForecastsEach()
    {
        string csv = _folder.File("long.csv", LongCsv(200));

        var (code, stdout, stderr) = Forecast("--csv", csv, "--series-column", "store", "--horizon", "2");

        Assert.True(code == 0, stderr);
        Assert.Contains("target 'temp', 2 series by 'store' (400 points)", stdout, StringComparison.Ordinal);
        string[] lines = stdout.Split('\n');
        int perSeries = Array.IndexOf(lines, "Per series RMSE (model vs best baseline):");
        Assert.True(perSeries >= 0, stdout);
        Assert.StartsWith("  a ", lines[perSeries + 1], StringComparison.Ordinal);
        Assert.StartsWith("  b ", lines[perSeries + 2], StringComparison.Ordinal);
        string[] rows = File.ReadAllLines(Path.Combine(_out, "predictions.csv"));
        Assert.Equal("series,origin,date,step,actual,forecast", rows[0]);
        Assert.Equal(2, rows[1..].Select(r => r.Split(',')[0]).Distinct().Count());

        var (predictCode, predictOut, predictErr) = CliRunner.Run("predict", "--model", Path.Combine(_out, "model.safetensors"), "--csv", csv);

        Assert.True(predictCode == 0, predictErr);
        string[] predicted = predictOut.Split('\n');
        foreach (string id in new[] { "a", "b" })
        {
            int trained = Array.IndexOf(lines, $"Forecast of '{id}' after 2020-07-18:");
            int block = Array.IndexOf(predicted, $"Forecast of 'temp' of '{id}' after 2020-07-18 (daily, from the last 10 points):");
            Assert.True(trained >= 0 && block >= 0, stdout + predictOut);
            Assert.Equal(lines[trained + 1], predicted[block + 1]);
            Assert.Equal(lines[trained + 2], predicted[block + 2]);
            Assert.StartsWith("  2020-07-20: ", predicted[block + 2], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ThePredictionsSeriesCellIsTheSeriesName()
    {
        string csv = _folder.File("long.csv", LongCsv(200));

        var (code, _, stderr) = Forecast("--csv", csv, "--series-column", "store");

        Assert.True(code == 0, stderr);
        string[] rows = File.ReadAllLines(Path.Combine(_out, "predictions.csv"));
        Assert.Equal(["a", "b"], rows[1..].Select(r => r.Split(',')[0]).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TwoSwappedRowsAreReportedAsOutOfOrderNotAsAGap()
    {
        string[] rows = SeasonalCsv(100).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        (rows[41], rows[42]) = (rows[42], rows[41]);
        string csv = _folder.File("swapped.csv", string.Join('\n', rows) + "\n");

        var (code, _, stderr) = Forecast("--csv", csv);

        Assert.Equal(2, code);
        Assert.Contains("swapped.csv line 43: timestamp 2020-02-10 is before the previous row's 2020-02-11", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void HourlyDateTimesInferHourlyWithADailySeasonAndHourFeatures()
    {
        string csv = _folder.File("hourly.csv", HourlyCsv(500));

        var (code, stdout, stderr) = Forecast("--csv", csv);

        Assert.True(code == 0, stderr);
        Assert.Contains("500 points (2020-01-01T00:00:00 .. 2020-01-21T19:00:00)", stdout, StringComparison.Ordinal);
        Assert.Contains("Frequency: hourly (season 24); calendar features: hour,dayofweek,dayofyear", stdout, StringComparison.Ordinal);
        string[] lines = stdout.Split('\n');
        int after = Array.IndexOf(lines, "Forecast after 2020-01-21T19:00:00:");
        Assert.True(after >= 0, stdout);
        Assert.StartsWith("  2020-01-21T20:00:00: ", lines[after + 1], StringComparison.Ordinal);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "metrics.json")));
        Assert.Equal("hourly", metrics.RootElement.GetProperty("frequency").GetString());
        Assert.Equal(24, metrics.RootElement.GetProperty("season").GetInt32());
        Assert.Equal("hour,dayofweek,dayofyear", metrics.RootElement.GetProperty("calendar").GetString());
    }

    [Fact]
    public void MonthlyDatesStepByCalendarMonthsSoTheNextDateIsTheFirstOfTheNextMonth()
    {
        string csv = _folder.File("monthly.csv", MonthlyCsv(120, new DateOnly(2020, 4, 1)));

        var (code, stdout, stderr) = Forecast("--csv", csv, "--horizon", "2");

        Assert.True(code == 0, stderr);
        Assert.Contains("120 points (2010-05-01 .. 2020-04-01)", stdout, StringComparison.Ordinal);
        Assert.Contains("Frequency: monthly (season 12); calendar features: month", stdout, StringComparison.Ordinal);
        string[] lines = stdout.Split('\n');
        int after = Array.IndexOf(lines, "Forecast after 2020-04-01:");
        Assert.True(after >= 0, stdout);
        // The bug: 30 days after 2020-04-01 is 2020-05-01, but the month after 2020-05-01 is not 31 days later.
        Assert.StartsWith("  2020-05-01: ", lines[after + 1], StringComparison.Ordinal);
        Assert.StartsWith("  2020-06-01: ", lines[after + 2], StringComparison.Ordinal);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "metrics.json")));
        Assert.Equal("monthly", metrics.RootElement.GetProperty("frequency").GetString());

        var (predictCode, predictOut, predictErr) = CliRunner.Run("predict", "--model", Path.Combine(_out, "model.safetensors"), "--csv", csv);
        Assert.True(predictCode == 0, predictErr);
        Assert.StartsWith("Forecast of 'temp' after 2020-04-01 (monthly, from the last 10 points):", predictOut, StringComparison.Ordinal);
        Assert.Equal(lines[after + 1], predictOut.Split('\n')[1]);
    }

    [Fact]
    public void PredictRefusesDataOfAnotherFrequencyNamingBoth()
    {
        var (code, _, stderr) = Forecast("--csv", _csv);
        Assert.True(code == 0, stderr);
        string hourly = _folder.File("hourly.csv", HourlyCsv(100));

        var (predictCode, predictOut, predictErr) = CliRunner.Run("predict", "--model", Path.Combine(_out, "model.safetensors"), "--csv", hourly);

        AssertOneLineError(predictCode, predictErr, "hourly.csv: the data is hourly; the model was trained on daily data");
        Assert.Empty(predictOut);
    }

    [Fact]
    public void PredictRefusesAFileWithoutTheModelsCovariate()
    {
        var (code, _, stderr) = Forecast("--csv", _folder.File("cov.csv", CovariateCsv(300)), "--covariates", "hum");
        Assert.True(code == 0, stderr);

        var (predictCode, predictOut, predictErr) = CliRunner.Run("predict", "--model", Path.Combine(_out, "model.safetensors"), "--csv", _csv);

        AssertOneLineError(predictCode, predictErr, "series.csv: column 'hum' not found");
        Assert.Empty(predictOut);
    }

    [Fact]
    public void ADateLikeFirstColumnIsTheTimeAndTheOutputSaysSo()
    {
        string csv = _folder.File("day.csv", SeasonalCsv(400).Replace("date,temp", "day,temp", StringComparison.Ordinal));

        var (code, stdout, stderr) = CliRunner.Run("forecast", "--csv", csv, "--window", "10", "--units", "4", "--epochs", "1", "--out", _out);

        Assert.True(code == 0, stderr);
        Assert.Contains("target 'temp', time column 'day', 400 points (2020-01-01 .. 2021-02-03)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Int8ScoresTheQuantizedModelCloseToFloatAndSavesItInt8()
    {
        string csv = TestSupport.RepoFiles.Find(Path.Combine("data", "chicago-monthly.csv"));
        string floatOut = Path.Combine(_folder.Path, "float"), int8Out = Path.Combine(_folder.Path, "int8");
        var (code, floatStdout, stderr) = CliRunner.Run("forecast", "--csv", csv, "--seed", "0", "--out", floatOut);
        Assert.True(code == 0, stderr);
        (code, var int8Stdout, stderr) = CliRunner.Run("forecast", "--csv", csv, "--seed", "0", "--int8", "--out", int8Out);
        Assert.True(code == 0, stderr);

        static double Rmse(string stdout) => double.Parse(
            stdout.Split('\n').Single(l => l.StartsWith("  GRU ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
        Assert.Contains("Int8: the trained model is quantized (dynamic int8); the scores below are its.", int8Stdout, StringComparison.Ordinal);
        double floatRmse = Rmse(floatStdout), int8Rmse = Rmse(int8Stdout);
        Assert.InRange(Math.Abs(int8Rmse - floatRmse) / floatRmse, 0, 0.01);
        Assert.True(Gated.Serialization.GatedModelFile.Load(Path.Combine(int8Out, "model.safetensors")).Model.IsQuantized);
        Assert.True(new FileInfo(Path.Combine(int8Out, "model.safetensors")).Length < new FileInfo(Path.Combine(floatOut, "model.safetensors")).Length);
    }

    [Fact]
    public void TheDefaultRecipeOnTheBundledMonthlySeriesBeatsEveryBaselineWithSeedZero()
    {
        // data/chicago-monthly.csv: 186 monthly means of the bundled daily temperatures; the test period is the last
        // 38 months (2013-06 .. 2016-07). The baselines are plain arithmetic, so their scores are exact.
        string csv = TestSupport.RepoFiles.Find(Path.Combine("data", "chicago-monthly.csv"));

        var (code, stdout, stderr) = CliRunner.Run("forecast", "--csv", csv, "--seed", "0", "--out", _out);

        Assert.True(code == 0, stderr);
        Assert.Contains("186 points (2001-02-01 .. 2016-07-01)", stdout, StringComparison.Ordinal);
        Assert.Contains("Frequency: monthly (season 12); calendar features: month", stdout, StringComparison.Ordinal);
        Assert.Contains("test period 2013-06-01 .. 2016-07-01, 38 origins × 1 step(s)", stdout, StringComparison.Ordinal);
        Assert.Contains("  persistence          8.810    10.268     21.18     20.74   2.155", stdout, StringComparison.Ordinal);
        Assert.Contains("  seasonal naive       4.192     5.510     11.83     11.67   1.025", stdout, StringComparison.Ordinal);
        string gru = stdout.Split('\n').Single(l => l.StartsWith("  GRU ", StringComparison.Ordinal));
        double rmse = double.Parse(gru.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
        // 4.323 on the development machine (AVX-512); the tolerance covers another instruction set's rounding.
        Assert.InRange(rmse, 4.27, 4.37);
        Assert.Contains("GRU beats the best baseline (seasonal naive, RMSE 5.510)", stdout, StringComparison.Ordinal);
        Assert.Contains("Forecast after 2016-07-01:\n  2016-08-01: ", stdout, StringComparison.Ordinal);
        Assert.Equal(1 + 38, File.ReadAllLines(Path.Combine(_out, "predictions.csv")).Length);
    }

    [Fact]
    public void UnknownCommandIsAUsageError()
    {
        var (code, _, stderr) = CliRunner.Run("forcast");
        Assert.Equal(2, code);
        Assert.Contains("unknown command 'forcast'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ForecastTrainsScoresAndWritesItsFilesAndPredictForecastsTheSameValue()
    {
        var (code, stdout, stderr) = CliRunner.Run(
            "forecast", "--csv", _csv, "--window", "20", "--units", "8", "--epochs", "3", "--batch-size", "16",
            "--learning-rate", "0.01", "--seed", "3", "--horizon", "2", "--quantiles", "0.1,0.9", "--out", _out);

        Assert.True(code == 0, stderr);
        Assert.Contains("Epoch 3/3", stdout, StringComparison.Ordinal);
        Assert.Contains("Frequency: daily (season 7); calendar features: dayofweek,dayofyear", stdout, StringComparison.Ordinal);
        Assert.Contains("Test scores over", stdout, StringComparison.Ordinal);
        Assert.Contains("  seasonal naive ", stdout, StringComparison.Ordinal);
        Assert.Contains("Coverage of the 80% interval [q0.1, q0.9]", stdout, StringComparison.Ordinal);
        foreach (string file in new[] { "model.safetensors", "predictions.csv", "metrics.json", "loss.svg", "forecast.svg", "next.svg" })
        {
            Assert.True(File.Exists(Path.Combine(_out, file)), file);
        }

        Assert.Empty(Directory.GetFiles(_out, "*.tmp"));
        string[] lines = stdout.Split('\n');
        int after = Array.FindIndex(lines, l => l.StartsWith("Forecast after 2021-02-03:", StringComparison.Ordinal));
        Assert.StartsWith("  2021-02-04: ", lines[after + 1], StringComparison.Ordinal);
        Assert.StartsWith("  2021-02-05: ", lines[after + 2], StringComparison.Ordinal);

        var (predictCode, predictOut, predictErr) = CliRunner.Run("predict", "--model", Path.Combine(_out, "model.safetensors"), "--csv", _csv);
        Assert.True(predictCode == 0, predictErr);
        string[] predicted = predictOut.Split('\n');
        Assert.StartsWith("Forecast of 'temp' after 2021-02-03 (daily, from the last 20 points):", predicted[0], StringComparison.Ordinal);
        Assert.Equal(lines[after + 1].Trim(), predicted[1].Trim());
        Assert.Equal(lines[after + 2].Trim(), predicted[2].Trim());
    }

    [Fact]
    public void TheTutorialPresetTrainsScoresAndWritesModelAndPlotsThatPredictReads()
    {
        var (code, stdout, stderr) = CliRunner.Run(
            "forecast", "--preset", "keras-tutorial", "--csv", _csv, "--window", "20", "--units", "8", "--layers", "2", "--epochs", "3", "--batch-size", "16",
            "--learning-rate", "0.01", "--seed", "3", "--out", _out);

        Assert.True(code == 0, stderr);
        Assert.Contains("Epoch 3/3", stdout, StringComparison.Ordinal);
        Assert.Contains("Test RMSE:", stdout, StringComparison.Ordinal);
        Assert.Contains("persistence", stdout, StringComparison.Ordinal);
        foreach (string file in new[] { "model.safetensors", "loss.svg", "forecast.svg" })
        {
            Assert.True(File.Exists(Path.Combine(_out, file)), file);
        }

        Assert.Empty(Directory.GetFiles(_out, "*.tmp"));
        string forecastLine = stdout.Split('\n').Single(l => l.StartsWith("Forecast for 2021-02-04:", StringComparison.Ordinal));
        string value = forecastLine.Split(':')[1].Trim();

        var (predictCode, predictOut, predictErr) = CliRunner.Run("predict", "--model", Path.Combine(_out, "model.safetensors"), "--csv", _csv);
        Assert.True(predictCode == 0, predictErr);
        Assert.Contains("for 2021-02-04", predictOut, StringComparison.Ordinal);
        Assert.EndsWith(": " + value, predictOut.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void ALearningRateThatMakesTrainingDivergeIsTheUsersErrorWithTheAdvice()
    {
        var (code, _, stderr) = CliRunner.Run("forecast", "--csv", _csv, "--out", _out, "--epochs", "1", "--learning-rate", "1e30");

        Assert.True(code == 2, $"exit code {code}, stderr: {stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Training diverged: ", line, StringComparison.Ordinal);
        Assert.EndsWith("Try a smaller learning rate or gradient clipping.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictRejectsACorruptModelFileWithOneLine()
    {
        string model = _folder.File("broken.safetensors", "this is not a model");
        var (code, _, stderr) = CliRunner.Run("predict", "--model", model, "--csv", _csv);
        Assert.Equal(2, code);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("broken.safetensors", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictNamesAMissingModelFile()
    {
        var (code, _, stderr) = CliRunner.Run("predict", "--model", Path.Combine(_folder.Path, "none.safetensors"), "--csv", _csv);
        Assert.Equal(2, code);
        Assert.Contains("none.safetensors", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SameSeedGivesBitIdenticalModels()
    {
        var options = new TutorialOptions { Window = 12, Units = 6, Epochs = 2, BatchSize = 8, Seed = 11, LearningRate = 0.01f };
        float[] series = SeasonalSeries(200);
        var (first, firstResult) = TutorialForecaster.Train(series, options);
        var (second, secondResult) = TutorialForecaster.Train(series, options);
        Assert.Equal(first.Model.ParameterValues.ToArray(), second.Model.ParameterValues.ToArray());
        Assert.Equal(firstResult.History.Loss, secondResult.History.Loss);
        var (third, _) = TutorialForecaster.Train(series, options with { Seed = 12 });
        Assert.NotEqual(first.Model.ParameterValues.ToArray(), third.Model.ParameterValues.ToArray());
    }

    // A tiny default-recipe run writing to _out.
    private (int ExitCode, string Stdout, string Stderr) Forecast(params string[] args) =>
        CliRunner.Run(["forecast", .. args, "--window", "10", "--units", "4", "--epochs", "1", "--seed", "1", "--out", _out]);

    private static void AssertOneLineError(int code, string stderr, string expected)
    {
        Assert.True(code == 2, $"exit code {code}, stderr: {stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private string Expand(string arg) => arg.Replace("{dir}", _folder.Path, StringComparison.Ordinal).Replace("{csv}", _csv, StringComparison.Ordinal);

    internal static float[] SeasonalSeries(int length) =>
        Enumerable.Range(0, length).Select(i => (float)(50 + (20 * Math.Sin(2 * Math.PI * i / 30.0)) + (3 * Math.Sin(i * 1.7)))).ToArray();

    // date,temp,hum,label: a numeric covariate leading the target by three days, and a text column.
    private static string CovariateCsv(int length)
    {
        var text = new StringBuilder("date,temp,hum,label\n");
        float[] values = SeasonalSeries(length + 3);
        for (int i = 0; i < length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{new DateOnly(2020, 1, 1).AddDays(i):yyyy-MM-dd},{values[i]},{values[i + 3] / 2},x{i}\n");
        }

        return text.ToString();
    }

    // Long format: series "a" and "b" (offset in phase and level), each a row per day.
    private static string LongCsv(int length)
    {
        var text = new StringBuilder("date,store,temp\n");
        float[] values = SeasonalSeries(length + 5);
        foreach (var (id, offset) in new[] { ("a", 0), ("b", 5) })
        {
            for (int i = 0; i < length; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{new DateOnly(2020, 1, 1).AddDays(i):yyyy-MM-dd},{id},{values[i + offset] + offset}\n");
            }
        }

        return text.ToString();
    }

    private static string HourlyCsv(int length)
    {
        var text = new StringBuilder("date,temp\n");
        float[] values = SeasonalSeries(length);
        for (int i = 0; i < length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{new DateTime(2020, 1, 1).AddHours(i):yyyy-MM-ddTHH:mm:ss},{values[i]}\n");
        }

        return text.ToString();
    }

    // First-of-month dates, the last one `end`.
    private static string MonthlyCsv(int length, DateOnly end)
    {
        var text = new StringBuilder("date,temp\n");
        float[] values = SeasonalSeries(length * 3);
        for (int i = 0; i < length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{end.AddMonths(i - length + 1):yyyy-MM-dd},{values[i * 3]}\n");
        }

        return text.ToString();
    }

    // 400 daily values with ten days missing after 2020-01-10: the 11-day step the issue met.
    private static string GapCsv() => "date,temp\n" + string.Concat(SeasonalSeries(400).Select((v, i) =>
        string.Create(CultureInfo.InvariantCulture, $"{new DateOnly(2020, 1, 1).AddDays(i < 10 ? i : i + 10):yyyy-MM-dd},{v}\n")));

    internal static string SeasonalCsv(int length)
    {
        var text = new StringBuilder("date,temp\n");
        var start = new DateOnly(2020, 1, 1);
        float[] values = SeasonalSeries(length);
        for (int i = 0; i < length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{start.AddDays(i):yyyy-MM-dd},{values[i]}\n");
        }

        return text.ToString();
    }
}
