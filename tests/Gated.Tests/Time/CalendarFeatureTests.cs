using Gated.Time;
using Xunit;

namespace Gated.Tests.Time;

public class CalendarFeatureTests
{
    [Fact]
    public void FlagsAreSingleBitsInEncodingOrder()
    {
        Assert.Equal(0, (int)CalendarFeature.None);
        Assert.Equal([1, 2, 4, 8], new[] { CalendarFeature.HourOfDay, CalendarFeature.DayOfWeek, CalendarFeature.DayOfYear, CalendarFeature.Month }.Select(f => (int)f));
        Assert.Equal(["hour_sin", "hour_cos", "month_sin", "month_cos"], CalendarFeatures.Names(CalendarFeature.Month | CalendarFeature.HourOfDay));
    }
}
