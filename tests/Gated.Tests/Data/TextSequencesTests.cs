using Gated.Data;
using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Data;

public class TextSequencesTests
{
    private static readonly int[] Tokens = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

    [Fact]
    public void TargetsAreInputsShiftedByOne()
    {
        (Tensor inputs, Tensor targets) = TextSequences.NextTokenWindows(Tokens, length: 3, stride: 2);

        // Windows start at 0, 2, 4, 6; one starting at 8 would need tokens up to 11.
        Assert.Equal([4, 3], inputs.Shape);
        Assert.Equal([4, 3], targets.Shape);
        Assert.Equal([0, 1, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8], inputs.Data);
        Assert.Equal([1, 2, 3, 3, 4, 5, 5, 6, 7, 7, 8, 9], targets.Data);
    }

    [Fact]
    public void StrideOfLengthGivesDisjointInputs()
    {
        (Tensor inputs, Tensor targets) = TextSequences.NextTokenWindows([5, 3, 8, 1, 9, 2, 7], length: 3, stride: 3);

        Assert.Equal([2, 3], inputs.Shape);
        Assert.Equal([5, 3, 8, 1, 9, 2], inputs.Data);
        Assert.Equal([3, 8, 1, 9, 2, 7], targets.Data);
    }

    [Fact]
    public void ExactlyEnoughTokensGiveOneWindow()
    {
        (Tensor inputs, Tensor targets) = TextSequences.NextTokenWindows([4, 5, 6, 7], length: 3, stride: 5);

        Assert.Equal([1, 3], inputs.Shape);
        Assert.Equal([4, 5, 6], inputs.Data);
        Assert.Equal([5, 6, 7], targets.Data);
    }

    [Theory]
    [InlineData(10, 3, 2, 4)]
    [InlineData(10, 3, 1, 7)]
    [InlineData(10, 3, 3, 3)]
    [InlineData(10, 9, 1, 1)]
    [InlineData(10, 10, 1, 0)]
    [InlineData(0, 1, 1, 0)]
    [InlineData(562515, 100, 100, 5625)]
    public void CountIsFullWindowsAtEachStride(int tokenCount, int length, int stride, int expected)
    {
        Assert.Equal(expected, TextSequences.Count(tokenCount, length, stride));
        if (expected > 0)
        {
            Assert.Equal(expected, TextSequences.NextTokenWindows(new int[tokenCount], length, stride).Inputs.Shape[0]);
        }
    }

    [Fact]
    public void CountDoesNotOverflow()
    {
        Assert.Equal(0, TextSequences.Count(10, int.MaxValue, int.MaxValue));
    }

    [Theory]
    [InlineData(0, 1, "length")]
    [InlineData(-3, 1, "length")]
    [InlineData(3, 0, "stride")]
    public void SizesBelowOneAreRejected(int length, int stride, string paramName)
    {
        Assert.Equal(paramName, Assert.Throws<ArgumentOutOfRangeException>(() => TextSequences.NextTokenWindows(Tokens, length, stride)).ParamName);
        Assert.Equal(paramName, Assert.Throws<ArgumentOutOfRangeException>(() => TextSequences.Count(10, length, stride)).ParamName);
    }

    [Fact]
    public void TooShortTextSaysHowManyTokensAreNeeded()
    {
        var ex = Assert.Throws<ArgumentException>(() => TextSequences.NextTokenWindows([1, 2, 3], length: 3, stride: 1));

        Assert.Equal("length", ex.ParamName);
        Assert.StartsWith("length 3 needs at least 4 tokens (a window and the token after it); the text has 3", ex.Message);
    }

    [Fact]
    public void NegativeTokensAreRejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TextSequences.NextTokenWindows([1, 2, -1, 3], length: 2, stride: 1));

        Assert.Equal("tokens", ex.ParamName);
        Assert.StartsWith("token -1 at position 2", ex.Message);
    }

    [Fact]
    public void ChronologicalSplitKeepsTheEndForTesting()
    {
        (int[] train, int[] test) = TextSequences.SplitChronologically(Tokens, testFraction: 0.2);

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], train);
        Assert.Equal([8, 9], test);
        Assert.Equal("testFraction", Assert.Throws<ArgumentOutOfRangeException>(() => TextSequences.SplitChronologically(Tokens, 1)).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => TextSequences.SplitChronologically([7], 0.5));
        Assert.Equal("tokens", ex.ParamName);
        Assert.StartsWith("1 tokens with test fraction 0.5 leave the train part empty", ex.Message);
    }
}
