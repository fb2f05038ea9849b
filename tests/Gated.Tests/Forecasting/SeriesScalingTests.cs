using Gated.Forecasting;
using Xunit;

namespace Gated.Tests.Forecasting;

public sealed class SeriesScalingTests
{
    private static TimeSeries Series(float[] target, params float[][] covariates) =>
        new(null, [.. target.Select((_, i) => new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i))], target, covariates);

    [Fact]
    public void FitTakesTheMeanPopulationStdAndTheRmsOfEachStepsChanges()
    {
        // The last two values lie after the training part and must not count.
        var scaling = SeriesScaling.Fit(Series([1, 2, 4, 7, 1000, -1000]), trainLength: 4, horizon: 2);

        // mean (1 + 2 + 4 + 7) / 4 = 3.5; squared deviations 6.25 + 2.25 + 0.25 + 12.25 = 21, / 4 = 5.25
        Assert.Equal(3.5f, scaling.LevelMean);
        Assert.Equal((float)Math.Sqrt(5.25), scaling.LevelScale);
        // step 1 changes 1, 2, 3: (1 + 4 + 9) / 3 = 14/3; step 2 changes 3, 5: (9 + 25) / 2 = 17
        Assert.Equal([(float)Math.Sqrt(14.0 / 3), (float)Math.Sqrt(17)], scaling.StepScale);
        Assert.Empty(scaling.CovariateMean);
        Assert.Empty(scaling.CovariateScale);
    }

    [Fact]
    public void CovariatesGetTheirOwnMeanAndStdAndAConstantOneScalesByOne()
    {
        var scaling = SeriesScaling.Fit(Series([1, 2, 4, 7, 9], [0, 2, 0, 2, 50], [10, 10, 10, 10, 3]), trainLength: 4, horizon: 1);

        // [0, 2, 0, 2]: mean 1, deviations ±1 → std 1; [10, 10, 10, 10]: mean 10, std 0 → scale 1
        Assert.Equal([1f, 10f], scaling.CovariateMean);
        Assert.Equal([1f, 1f], scaling.CovariateScale);
        Assert.Equal(1f, scaling.ScaleCovariate(0, 2)); // (2 − 1) / 1
        Assert.Equal(-7f, scaling.ScaleCovariate(1, 3)); // (3 − 10) / 1
    }

    [Fact]
    public void AConstantSeriesAndStepsWithoutPairsScaleByOne()
    {
        var constant = SeriesScaling.Fit(Series([5, 5, 5, 5]), trainLength: 4, horizon: 2);
        Assert.Equal(5f, constant.LevelMean);
        Assert.Equal(1f, constant.LevelScale);
        Assert.Equal([1f, 1f], constant.StepScale);
        Assert.Equal(2f, constant.ScaleLevel(7)); // (7 − 5) / 1

        // trainLength 2: one step-1 change (3 − 1 = 2, RMS 2); no pair is 2 or 3 steps apart.
        var shortTrain = SeriesScaling.Fit(Series([1, 3, 8, 9]), trainLength: 2, horizon: 3);
        Assert.Equal([2f, 1f, 1f], shortTrain.StepScale);
    }

    [Fact]
    public void FitRejectsTooShortOrTooLongTrainingParts()
    {
        var series = Series([1, 2, 3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => SeriesScaling.Fit(series, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SeriesScaling.Fit(series, 4, 1));
    }

    [Fact]
    public void ScaleChangeAndUnscaleChangeAreInverses()
    {
        var scaling = new SeriesScaling(3.5f, 2f, [], [], [2f, 4f]);

        // step 1: (10 − 7) / 2 = 1.5; step 2: (10 − 7) / 4 = 0.75
        Assert.Equal(1.5f, scaling.ScaleChange(1, 7, 10));
        Assert.Equal(0.75f, scaling.ScaleChange(2, 7, 10));
        Assert.Equal(10f, scaling.UnscaleChange(1, 7, 1.5f));
        Assert.Equal(10f, scaling.UnscaleChange(2, 7, 0.75f));
        Assert.Equal(-1.75f, scaling.ScaleLevel(0)); // (0 − 3.5) / 2

        var fitted = SeriesScaling.Fit(Series([1, 2, 4, 7]), 4, 2);
        foreach (float value in new[] { -3f, 0.25f, 7f, 123.5f })
        {
            Assert.Equal(value, fitted.UnscaleChange(2, 7, fitted.ScaleChange(2, 7, value)), 4);
        }
    }

    [Fact]
    public void NothingIsClippedToTheTrainingRange()
    {
        var scaling = SeriesScaling.Fit(Series([1, 2, 4, 7]), 4, 1);

        // From the training maximum 7, a scaled change of 2 is 7 + 2·sqrt(14/3) ≈ 11.32, above every training value.
        float forecast = scaling.UnscaleChange(1, 7, 2f);
        Assert.Equal(7 + (2 * Math.Sqrt(14.0 / 3)), forecast, 4);
        Assert.True(forecast > 7);
        // A level far above the range standardizes past the training maximum's (7 − 3.5) / sqrt(5.25) ≈ 1.53: (20 − 3.5) / sqrt(5.25) ≈ 7.20.
        Assert.Equal((20 - 3.5) / Math.Sqrt(5.25), scaling.ScaleLevel(20), 4);
    }
}
