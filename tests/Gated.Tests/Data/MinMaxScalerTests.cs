using Gated.Data;
using Xunit;

namespace Gated.Tests.Data;

public class MinMaxScalerTests
{
    [Fact]
    public void MapsDataRangeOntoZeroOne()
    {
        var scaler = new MinMaxScaler();
        scaler.Fit([2, 4, 6]);

        Assert.True(scaler.IsFitted);
        Assert.Equal("minmax", scaler.Kind);
        Assert.Equal(2, scaler.DataMin);
        Assert.Equal(6, scaler.DataMax);
        Assert.Equal([0f, 0.5f, 1f], ScalerAssert.Transform(scaler, [2, 4, 6]));
        Assert.Equal([2f, 4f, 6f], ScalerAssert.Inverse(scaler, [0, 0.5f, 1]));
    }

    [Fact]
    public void ValuesOutsideTheFittedRangeExtrapolate()
    {
        var scaler = new MinMaxScaler();
        scaler.Fit([2, 4, 6]);

        // Test data may leave the training range; the map stays linear, as in scikit-learn.
        Assert.Equal([-0.5f, 1.5f], ScalerAssert.Transform(scaler, [0, 8]));
    }

    [Fact]
    public void CustomRange()
    {
        var scaler = new MinMaxScaler(-1, 1);
        scaler.Fit([10, 20, 30]);

        Assert.Equal([-1f, 0f, 1f], ScalerAssert.Transform(scaler, [10, 20, 30]));
    }

    [Fact]
    public void ConstantSeriesDoesNotDivideByZero()
    {
        var scaler = new MinMaxScaler();
        scaler.Fit([5, 5, 5]);

        // scikit-learn treats a zero range as 1: x' = x − min + rangeMin.
        Assert.Equal([0f, 0f, 1f], ScalerAssert.Transform(scaler, [5, 5, 6]));
        Assert.Equal([5f, 5f], ScalerAssert.Inverse(scaler, [0, 0]));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-30, 40)]
    [InlineData(1000, 0.001)]
    [InlineData(-1e5, 1e4)]
    public void TransformThenInverseIsIdentity(double offset, double spread)
    {
        float[] values = ScalerAssert.Sample(500, offset, spread);
        var scaler = new MinMaxScaler();
        scaler.Fit(values);

        ScalerAssert.RoundTrips(scaler, values);
    }

    [Fact]
    public void TransformBeforeFitThrows()
    {
        var scaler = new MinMaxScaler();

        Assert.False(scaler.IsFitted);
        Assert.Throws<InvalidOperationException>(() => scaler.Transform([1f], new float[1]));
        Assert.Throws<InvalidOperationException>(() => scaler.InverseTransform([1f], new float[1]));
        Assert.Throws<InvalidOperationException>(() => scaler.GetState());
        Assert.Throws<InvalidOperationException>(() => scaler.DataMin);
    }

    [Fact]
    public void FitRejectsEmptyAndNonFiniteValues()
    {
        var scaler = new MinMaxScaler();

        Assert.Equal("values", Assert.Throws<ArgumentException>(() => scaler.Fit([])).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => scaler.Fit([1, float.NaN]));
        Assert.Equal("values", ex.ParamName);
        Assert.Contains("values[1]", ex.Message);
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => scaler.Fit([float.PositiveInfinity])).ParamName);
        Assert.False(scaler.IsFitted);
    }

    [Fact]
    public void SpanArgumentsAreChecked()
    {
        var scaler = new MinMaxScaler();
        scaler.Fit([0, 1]);
        var buffer = new float[4];

        Assert.Equal("dst", Assert.Throws<ArgumentException>(() => scaler.Transform([1f, 2f], new float[3])).ParamName);
        Assert.Equal("dst", Assert.Throws<ArgumentException>(() => scaler.Transform(buffer.AsSpan(0, 3), buffer.AsSpan(1, 3))).ParamName);
    }

    [Fact]
    public void RangeIsChecked()
    {
        Assert.Equal("rangeMax", Assert.Throws<ArgumentOutOfRangeException>(() => new MinMaxScaler(1, 1)).ParamName);
        Assert.Equal("rangeMax", Assert.Throws<ArgumentOutOfRangeException>(() => new MinMaxScaler(1, 0)).ParamName);
        Assert.Equal("rangeMin", Assert.Throws<ArgumentOutOfRangeException>(() => new MinMaxScaler(double.NaN, 1)).ParamName);
    }

    [Fact]
    public void StateHoldsTheFittedNumbers()
    {
        var scaler = new MinMaxScaler(-1, 1);
        scaler.Fit([2, 4, 6]);

        IReadOnlyDictionary<string, double> state = scaler.GetState();

        Assert.Equal(2, state["data_min"]);
        Assert.Equal(6, state["data_max"]);
        Assert.Equal(-1, state["range_min"]);
        Assert.Equal(1, state["range_max"]);
    }
}
