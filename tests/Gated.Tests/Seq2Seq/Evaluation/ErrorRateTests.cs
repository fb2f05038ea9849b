using Gated.Seq2Seq.Evaluation;
using Xunit;

namespace Gated.Tests.Seq2Seq.Evaluation;

public sealed class ErrorRateTests
{
    [Theory]
    [InlineData(3, 12, 0.25)]
    // More errors than reference tokens (long insertions) give a rate above 1.
    [InlineData(5, 2, 2.5)]
    [InlineData(0, 0, 0.0)]
    [InlineData(4, 0, double.PositiveInfinity)]
    public void RateIsErrorsOverTotal(long errors, long total, double expected)
    {
        Assert.Equal(expected, new ErrorRate(errors, total).Rate);
    }
}
