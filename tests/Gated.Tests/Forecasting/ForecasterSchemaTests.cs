using Gated.Forecasting;
using Gated.Time;
using Xunit;

namespace Gated.Tests.Forecasting;

public sealed class ForecasterSchemaTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static TimeSeriesSet Data(string target = "sales", string[]? covariates = null, string? seriesColumn = null, Frequency? frequency = null)
    {
        covariates ??= ["price"];
        var f = frequency ?? Frequency.Daily;
        var series = new TimeSeries(seriesColumn is null ? null : "a", [Start, f.Add(Start, 1)], [1, 2], [.. covariates.Select(_ => new float[] { 3, 4 })]);
        return new TimeSeriesSet
        {
            Source = "new.csv",
            TargetName = target,
            CovariateNames = covariates,
            SeriesColumn = seriesColumn,
            Frequency = f,
            Series = [series],
        };
    }

    private static readonly ForecasterSchema Trained = new("sales", ["price"], "date", null, Frequency.Daily, TimestampKind.Date);

    [Fact]
    public void MatchingDataPasses()
    {
        Assert.Null(Trained.Check(Data()));
        Assert.Equal(Trained with { TimeColumn = null }, ForecasterSchema.Of(Data()) with { CovariateNames = Trained.CovariateNames });
    }

    [Fact]
    public void EachDifferenceIsNamedInOneSentence()
    {
        Assert.Equal("new.csv: the target is 'revenue'; the model forecasts 'sales'.", Trained.Check(Data(target: "revenue")));
        Assert.Equal("new.csv: the covariates are [price, promo]; the model reads [price].", Trained.Check(Data(covariates: ["price", "promo"])));
        Assert.Equal("new.csv: the covariates are []; the model reads [price].", Trained.Check(Data(covariates: [])));
        Assert.Equal("new.csv: the data has a series column 'store'; the model was trained on one series.", Trained.Check(Data(seriesColumn: "store")));
        Assert.Equal("new.csv: the model was trained on many series (column 'store'); give that column.",
            (Trained with { SeriesColumn = "store" }).Check(Data()));
        Assert.Equal("new.csv: the data is hourly; the model was trained on daily data.", Trained.Check(Data(frequency: Frequency.Hourly)));
        Assert.Equal("new.csv: the data is monthly; the model was trained on daily data.", Trained.Check(Data(frequency: Frequency.Monthly)));
    }

    [Fact]
    public void TheTargetIsCheckedBeforeTheFrequency()
    {
        Assert.Equal("new.csv: the target is 'x'; the model forecasts 'sales'.", Trained.Check(Data(target: "x", frequency: Frequency.Hourly)));
    }

    [Fact]
    public void TheSavedFormReadsBackTheSameSchema()
    {
        var schema = new ForecasterSchema("y", ["a", "b"], "ds", "store", Frequency.CalendarMonths(1, monthEnd: true), TimestampKind.DateTimeOffset);

        var back = schema.ToSaved().ToSchema();

        Assert.Equal(schema.CovariateNames, back.CovariateNames);
        Assert.Equal(schema with { CovariateNames = back.CovariateNames }, back);
    }
}
