using Gated.Forecasting;
using Gated.Layers;
using Gated.Layers.Recurrent;
using Xunit;

namespace Gated.Tests.Forecasting;

public sealed class StackedRecurrentTests
{
    [Theory]
    [InlineData(RecurrentKind.Gru, typeof(Gru))]
    [InlineData(RecurrentKind.Lstm, typeof(Lstm))]
    [InlineData(RecurrentKind.SimpleRnn, typeof(SimpleRnn))]
    public void AllButTheLastCellReturnSequencesThenDenseOne(RecurrentKind cell, Type type)
    {
        var model = StackedRecurrent.Build(cell, units: 4, layers: 3, steps: 7, features: 2, seed: 1);
        Assert.Equal(4, model.Layers.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.IsType(type, model.Layers[i]);
            Assert.Equal(i < 2, ((RecurrentLayer)model.Layers[i]).Options.ReturnSequences);
        }

        Assert.IsType<Dense>(model.Layers[3]);
        Assert.Equal([7, 2], model.InputShape);
        Assert.Equal([1], model.OutputShape);
    }

    [Fact]
    public void TheForecasterBuildsThisStack()
    {
        var options = new TutorialOptions { Window = 9, Units = 3, Layers = 2, Seed = 4 };
        var expected = StackedRecurrent.Build(RecurrentKind.Gru, 3, 2, 9, 1, 4);
        Assert.Equal(expected.ParameterValues.ToArray(), TutorialForecaster.BuildModel(options).ParameterValues.ToArray());
    }

    [Theory]
    [InlineData(0, 1, 1, 1, "units")]
    [InlineData(1, 0, 1, 1, "layers")]
    [InlineData(1, 1, 0, 1, "steps")]
    [InlineData(1, 1, 1, -2, "features")]
    public void SizesBelowOneAreInvalidOptions(int units, int layers, int steps, int features, string name)
    {
        var e = Assert.Throws<InvalidOptionException>(() => StackedRecurrent.Build(RecurrentKind.Lstm, units, layers, steps, features, 0));
        Assert.Equal(name, e.Option);
        Assert.EndsWith("must be a positive integer, got '" + Math.Min(Math.Min(units, layers), Math.Min(steps, features)) + "'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AVariantOnlyAppliesToGru()
    {
        var e = Assert.Throws<InvalidOptionException>(() => StackedRecurrent.Build(RecurrentKind.Lstm, 2, 1, 3, 1, 0, GruVariant.ResetBefore));
        Assert.Equal("variant", e.Option);
    }
}
