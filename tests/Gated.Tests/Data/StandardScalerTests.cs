using Gated.Data;
using Xunit;

namespace Gated.Tests.Data;

public class StandardScalerTests
{
    [Fact]
    public void CentersAndDividesByPopulationStd()
    {
        var scaler = new StandardScaler();
        scaler.Fit([1, 2, 3]);

        Assert.Equal("standard", scaler.Kind);
        Assert.Equal(2, scaler.Mean);
        Assert.Equal(Math.Sqrt(2.0 / 3.0), scaler.StandardDeviation, 15);

        // sklearn.preprocessing.StandardScaler().fit_transform([[1], [2], [3]])
        float[] scaled = ScalerAssert.Transform(scaler, [1, 2, 3]);
        Assert.Equal(-1.2247449f, scaled[0], 6);
        Assert.Equal(0f, scaled[1]);
        Assert.Equal(1.2247449f, scaled[2], 6);
    }

    [Fact]
    public void InverseRestoresKnownValues()
    {
        var scaler = new StandardScaler();
        scaler.Fit([1, 2, 3]);

        float[] restored = ScalerAssert.Inverse(scaler, [-1.2247449f, 0, 1.2247449f]);

        Assert.Equal(1f, restored[0], 6);
        Assert.Equal(2f, restored[1]);
        Assert.Equal(3f, restored[2], 6);
    }

    [Fact]
    public void ConstantSeriesDividesByOne()
    {
        var scaler = new StandardScaler();
        scaler.Fit([0.1f, 0.1f, 0.1f]);

        Assert.Equal(0, scaler.StandardDeviation);
        Assert.Equal([0f, 0f, 1f], ScalerAssert.Transform(scaler, [0.1f, 0.1f, 1.1f]));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(50, 20)]
    [InlineData(1000, 0.001)]
    [InlineData(-1e5, 1e4)]
    public void TransformThenInverseIsIdentity(double offset, double spread)
    {
        float[] values = ScalerAssert.Sample(500, offset, spread);
        var scaler = new StandardScaler();
        scaler.Fit(values);

        ScalerAssert.RoundTrips(scaler, values);
    }

    [Fact]
    public void TransformBeforeFitThrows()
    {
        var scaler = new StandardScaler();

        Assert.Throws<InvalidOperationException>(() => scaler.Transform([1f], new float[1]));
        Assert.Throws<InvalidOperationException>(() => scaler.InverseTransform([1f], new float[1]));
        Assert.Throws<InvalidOperationException>(() => scaler.GetState());
    }

    [Fact]
    public void FitRejectsEmptyAndNonFiniteValues()
    {
        var scaler = new StandardScaler();

        Assert.Equal("values", Assert.Throws<ArgumentException>(() => scaler.Fit([])).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => scaler.Fit([float.NegativeInfinity])).ParamName);
    }

    [Fact]
    public void SpanLengthsMustMatch()
    {
        var scaler = new StandardScaler();
        scaler.Fit([0, 1]);

        Assert.Equal("dst", Assert.Throws<ArgumentException>(() => scaler.InverseTransform([1f], new float[2])).ParamName);
    }
}
