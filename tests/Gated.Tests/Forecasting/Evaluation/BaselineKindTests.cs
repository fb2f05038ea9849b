using Gated.Forecasting.Evaluation;
using Xunit;

namespace Gated.Tests.Forecasting.Evaluation;

public sealed class BaselineKindTests
{
    [Fact]
    public void EveryKindHasADistinctNameAndKey()
    {
        var kinds = Enum.GetValues<BaselineKind>();
        Assert.Equal(4, kinds.Length);
        Assert.Equal(kinds.Length, kinds.Select(Baselines.Name).Distinct().Count());
        Assert.Equal(kinds.Length, kinds.Select(Baselines.Key).Distinct().Count());
    }

    [Fact]
    public void KeysAreLowercaseWithoutSpaces()
    {
        foreach (var kind in Enum.GetValues<BaselineKind>())
        {
            string key = Baselines.Key(kind);
            Assert.Equal(key.ToLowerInvariant(), key);
            Assert.DoesNotContain(' ', key);
        }
    }
}
