using Gated.Data;
using Xunit;

namespace Gated.Tests.Data;

public class ScalerFactoryTests
{
    [Theory]
    [InlineData("minmax")]
    [InlineData("standard")]
    public void StateRoundTripRestoresTheSameScaling(string kind)
    {
        IScaler original = ScalerFactory.Create(kind);
        float[] values = ScalerAssert.Sample(100, 12, 8);
        original.Fit(values);

        IScaler restored = ScalerFactory.FromState(original.Kind, original.GetState());

        Assert.Equal(kind, restored.Kind);
        Assert.True(restored.IsFitted);
        Assert.Equal(original.GetState(), restored.GetState());
        Assert.Equal(ScalerAssert.Transform(original, values), ScalerAssert.Transform(restored, values));
        Assert.Equal(ScalerAssert.Inverse(original, values), ScalerAssert.Inverse(restored, values));
    }

    [Fact]
    public void CreateGivesUnfittedScalers()
    {
        Assert.IsType<MinMaxScaler>(ScalerFactory.Create("minmax"));
        Assert.IsType<StandardScaler>(ScalerFactory.Create("standard"));
        Assert.False(ScalerFactory.Create("standard").IsFitted);
        Assert.Equal(["minmax", "standard"], ScalerFactory.Kinds);
    }

    [Fact]
    public void UnknownKindListsTheKnownOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => ScalerFactory.FromState("robust", new Dictionary<string, double>()));

        Assert.Equal("kind", ex.ParamName);
        Assert.StartsWith("unknown scaler kind 'robust'; known kinds: minmax, standard", ex.Message);
        Assert.Equal("kind", Assert.Throws<ArgumentException>(() => ScalerFactory.Create("MinMax")).ParamName);
    }

    [Fact]
    public void MissingKeyIsNamed()
    {
        var state = new Dictionary<string, double> { ["mean"] = 1 };

        var ex = Assert.Throws<ArgumentException>(() => ScalerFactory.FromState("standard", state));

        Assert.Equal("state", ex.ParamName);
        Assert.StartsWith("the standard scaler state lacks 'std'; it has: mean", ex.Message);
    }

    [Fact]
    public void InconsistentStateIsRejected()
    {
        var minmax = new Dictionary<string, double> { ["data_min"] = 5, ["data_max"] = 1, ["range_min"] = 0, ["range_max"] = 1 };
        Assert.Contains("data_max", Assert.Throws<ArgumentException>(() => ScalerFactory.FromState("minmax", minmax)).Message);

        var standard = new Dictionary<string, double> { ["mean"] = double.NaN, ["std"] = 1 };
        Assert.Contains("mean", Assert.Throws<ArgumentException>(() => ScalerFactory.FromState("standard", standard)).Message);

        var negative = new Dictionary<string, double> { ["mean"] = 0, ["std"] = -1 };
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => ScalerFactory.FromState("standard", negative)).ParamName);
    }

    [Fact]
    public void NullArgumentsAreNamed()
    {
        Assert.Equal("state", Assert.Throws<ArgumentNullException>(() => ScalerFactory.FromState("minmax", null!)).ParamName);
        Assert.Equal("kind", Assert.Throws<ArgumentNullException>(() => ScalerFactory.FromState(null!, new Dictionary<string, double>())).ParamName);
    }
}
