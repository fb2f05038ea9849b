using Gated.Data;
using Gated.Forecasting;
using Xunit;

namespace Gated.Tests.Forecasting;

public sealed class TutorialSplitTests
{
    [Fact]
    public void ChicagoDefaultsGiveTheFlagshipCounts()
    {
        // 5,698 values, window 100, horizon 1: 5,598 windows; test 5598 − floor(5598·0.8) = 1120; validation 4478 − floor(4478·0.9) = 448.
        var split = TutorialSplit.Of(5698, new TutorialOptions());
        Assert.Equal(5598, split.Windows);
        Assert.Equal(1120, split.TestWindows);
        Assert.Equal(448, split.ValidationWindows);
        Assert.Equal(4030, split.TrainWindows);
        Assert.Equal(4478 + 100, split.FirstTestTarget);
        Assert.Equal(split.FirstTestTarget, split.FitValues);
        Assert.True(split.IsUsable);
    }

    [Theory]
    [InlineData(50, 0.2, 0.1)]
    [InlineData(37, 0.25, 0.3)]
    [InlineData(1000, 0.1, 0)]
    public void PartsAreDatasetSplitsHeldOutCountsOfWhatIsLeft(int windows, double test, double validation)
    {
        var options = new TutorialOptions { Window = 5, Horizon = 2, TestFraction = test, ValidationSplit = validation };
        var split = TutorialSplit.Of(windows + 6, options);
        Assert.Equal(windows, split.Windows);
        Assert.Equal(DatasetSplit.HeldOutCount(windows, test), split.TestWindows);
        Assert.Equal(DatasetSplit.HeldOutCount(windows - split.TestWindows, validation), split.ValidationWindows);
        Assert.Equal(windows, split.TrainWindows + split.ValidationWindows + split.TestWindows);
    }

    [Fact]
    public void ASeriesShorterThanAWindowAndItsTargetNamesBothOptions()
    {
        var split = TutorialSplit.Of(400, new TutorialOptions { Window = 400 });
        Assert.Equal(0, split.Windows);
        var e = Assert.Throws<InvalidOptionException>(() => split.ThrowIfUnusable("column 'temp'"));
        Assert.Equal("Window", e.Option);
        Assert.Equal("Window 400 plus Horizon 1 needs at least 401 values; column 'temp' has 400", e.Message);
        Assert.StartsWith("--window 400 plus --horizon 1 needs", e.Describe(n => "--" + n.ToLowerInvariant()), StringComparison.Ordinal);
    }

    [Fact]
    public void TooFewWindowsForEveryPartAreRejected()
    {
        var split = TutorialSplit.Of(400, new TutorialOptions { Window = 398 });
        Assert.False(split.IsUsable);
        Assert.Contains("too few to split", Assert.Throws<InvalidOptionException>(() => split.ThrowIfUnusable()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainUsesTheSplit()
    {
        float[] series = Cli.ForecastCommandTests.SeasonalSeries(200);
        var options = new TutorialOptions { Window = 12, Units = 4, Layers = 1, Epochs = 1 };
        var (_, result) = TutorialForecaster.Train(series, options);
        var split = TutorialSplit.Of(series.Length, options);
        Assert.Equal((split.TrainWindows, split.ValidationWindows, split.TestWindows, split.FirstTestTarget),
            (result.TrainWindows, result.ValidationWindows, result.TestWindows, result.FirstTestTarget));
    }
}
