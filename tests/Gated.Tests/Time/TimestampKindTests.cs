using Gated.Time;
using Xunit;

namespace Gated.Tests.Time;

public class TimestampKindTests
{
    [Theory]
    [InlineData("2021-03-04", TimestampKind.Date)]
    [InlineData("2021-03-04T05:06:07", TimestampKind.DateTime)]
    [InlineData("2021-03-04T05:06:07+01:00", TimestampKind.DateTimeOffset)]
    public void EachKindIsTheFormItWasReadFrom(string text, TimestampKind expected)
    {
        Assert.True(Timestamps.TryParse(text, out var value, out var kind));

        Assert.Equal(expected, kind);
        Assert.Equal(text, Timestamps.Format(value, kind));
    }

    [Fact]
    public void AnUndefinedKindIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Timestamps.Format(DateTimeOffset.UnixEpoch, (TimestampKind)7));
    }
}
