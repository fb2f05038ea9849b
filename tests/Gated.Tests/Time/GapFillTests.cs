using Gated.Time;
using Xunit;

namespace Gated.Tests.Time;

public class GapFillTests
{
    [Fact]
    public void TheDefaultFillsNothing()
    {
        // An unset option must never invent rows.
        Assert.Equal(GapFill.None, default(GapFill));
    }

    [Fact]
    public void AnUndefinedFillIsRejected()
    {
        DateTimeOffset[] times = [DateTimeOffset.UnixEpoch];

        Assert.Throws<ArgumentOutOfRangeException>(
            () => TimeGrid.Regularize(times, [[1f]], ["x"], Frequency.Daily, (GapFill)3, "x.csv", TimestampKind.Date));
    }
}
