using Gated.Forecasting;
using Gated.Layers.Recurrent;
using Xunit;

namespace Gated.Tests.Forecasting;

public sealed class TutorialOptionsTests
{
    public static TheoryData<TutorialOptions, string, string> Invalid => new()
    {
        { new TutorialOptions { Epochs = 0 }, "Epochs", "Epochs must be a positive integer, got '0'" },
        { new TutorialOptions { Units = -5 }, "Units", "Units must be a positive integer, got '-5'" },
        { new TutorialOptions { Units = 100_000 }, "Units", "Units is too large for one parameter array (2 layer(s) of 100000 units need about 160001600000 parameters; at most 2147483591 fit), got '100000'" },
        { new TutorialOptions { LearningRate = -0.01f }, "LearningRate", "LearningRate must be a number greater than 0, got '-0.01'" },
        { new TutorialOptions { TestFraction = 1 }, "TestFraction", "TestFraction must be a number in (0, 1), got '1'" },
        { new TutorialOptions { ValidationSplit = -0.1 }, "ValidationSplit", "ValidationSplit must be a number in [0, 1), got '-0.1'" },
        { new TutorialOptions { Scaler = "robust" }, "Scaler", "Scaler must be one of minmax, standard, got 'robust'" },
        { new TutorialOptions { Cell = RecurrentKind.Lstm, Variant = GruVariant.ResetBefore }, "Variant", "Variant applies only to GRU cells, got 'ResetBefore'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void ValidateNamesTheOptionAndTheValue(TutorialOptions options, string option, string message)
    {
        var e = Assert.Throws<InvalidOptionException>(options.Validate);
        Assert.Equal(option, e.Option);
        Assert.Equal(message, e.Message);
        Assert.Throws<InvalidOptionException>(() => TutorialForecaster.Train(new float[500], options));
    }

    [Fact]
    public void TheAddingProblemChecksItsOwnRanges()
    {
        Assert.Equal("Length", Assert.Throws<InvalidOptionException>(new AddingProblemOptions { Length = 1 }.Validate).Option);
        Assert.Equal("Samples must be at least 20, got '5'", Assert.Throws<InvalidOptionException>(new AddingProblemOptions { Samples = 5 }.Validate).Message);
        Assert.Equal(2000, new AddingProblemOptions().TestSamples);
    }

    [Fact]
    public void ACellComparisonNamesItsOwnRequirements()
    {
        var series = Cli.ForecastCommandTests.SeasonalSeries(300);
        var small = new TutorialOptions { Window = 10, Epochs = 1, Units = 2, Layers = 1 };
        Assert.Equal("cells lists a cell twice", Assert.Throws<InvalidOptionException>(() => CellComparison.Run(series, small, [RecurrentKind.Gru, RecurrentKind.Gru])).Message);
        Assert.Equal("ValidationSplit", Assert.Throws<InvalidOptionException>(() => CellComparison.Run(series, small with { ValidationSplit = 0 })).Option);
        Assert.Equal("Variant", Assert.Throws<InvalidOptionException>(() => CellComparison.Run(series, small with { Variant = GruVariant.ResetBefore })).Option);
    }
}
