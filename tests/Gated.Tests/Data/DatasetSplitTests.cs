using Gated.Data;
using Gated.Randomness;
using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Data;

public class DatasetSplitTests
{
    [Theory]
    [InlineData(10, 0.2, 2)]
    [InlineData(3000, 0.2, 600)]
    [InlineData(7, 0.25, 2)]
    [InlineData(2, 0.5, 1)]
    [InlineData(5698, 0.2, 1140)]
    public void TestCountIsCountMinusFlooredTrainCount(int count, double fraction, int expected)
    {
        Assert.Equal(expected, DatasetSplit.TestCount(count, fraction));
    }

    [Theory]
    [InlineData(10, 0.0, 0)]
    [InlineData(10, 0.1, 1)]
    [InlineData(4478, 0.1, 448)]
    [InlineData(1, 0.5, 1)]
    [InlineData(0, 0.5, 0)]
    public void HeldOutCountIsFitsValidationRounding(int count, double fraction, int expected)
    {
        // Fit keeps floor(n·(1 − split)) for training and validates on the rest.
        Assert.Equal(expected, DatasetSplit.HeldOutCount(count, fraction));
        Assert.Equal(count - (int)Math.Floor(count * (1.0 - fraction)), DatasetSplit.HeldOutCount(count, fraction));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void FractionOutsideZeroToOneIsRejected(double fraction)
    {
        Assert.Equal("testFraction", Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplit.Shuffled(10, fraction, 0)).ParamName);
        Assert.Equal("testFraction", Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplit.Chronological(10, fraction)).ParamName);
    }

    [Fact]
    public void EmptyPartIsAnError()
    {
        var ex = Assert.Throws<ArgumentException>(() => DatasetSplit.Shuffled(1, 0.2, 0));
        Assert.Equal("count", ex.ParamName);
        Assert.StartsWith("1 samples with test fraction 0.2 leave the train part empty", ex.Message);

        // 1 − 1e-20 rounds to 1, so every sample would train.
        Assert.StartsWith("4 samples with test fraction 1E-20 leave the test part empty",
            Assert.Throws<ArgumentException>(() => DatasetSplit.TestCount(4, 1e-20)).Message);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplit.TestCount(-1, 0.5)).ParamName);
    }

    [Fact]
    public void ShuffledSplitIsFixedForASeed()
    {
        // SeededRandom's stream is specified, so these indices hold on every machine and .NET version.
        (int[] train, int[] test) = DatasetSplit.Shuffled(10, 0.2, seed: 42);

        Assert.Equal([8, 9, 5, 6, 4, 1, 0, 2], train);
        Assert.Equal([7, 3], test);
    }

    [Fact]
    public void SameSeedSameSplitOtherSeedOtherSplit()
    {
        (int[] train, int[] test) = DatasetSplit.Shuffled(3000, 0.2, seed: 7);
        (int[] train2, int[] test2) = DatasetSplit.Shuffled(3000, 0.2, seed: 7);
        (int[] train3, int[] test3) = DatasetSplit.Shuffled(3000, 0.2, seed: 8);

        Assert.Equal(train, train2);
        Assert.Equal(test, test2);
        Assert.NotEqual(test, test3);
        Assert.NotEqual(train, train3);
    }

    [Fact]
    public void ShuffledPartsAreDisjointAndCoverEverySample()
    {
        (int[] train, int[] test) = DatasetSplit.Shuffled(3000, 0.2, seed: 1);

        Assert.Equal(2400, train.Length);
        Assert.Equal(600, test.Length);
        Assert.Equal(Enumerable.Range(0, 3000), train.Concat(test).Order());
        // Left in shuffled order, so Fit's validationSplit (the last samples) is a random sample too.
        Assert.NotEqual(train.Order(), train);
    }

    [Fact]
    public void ChronologicalSplitKeepsOrder()
    {
        (int[] train, int[] test) = DatasetSplit.Chronological(10, 0.3);

        Assert.Equal([0, 1, 2, 3, 4, 5, 6], train);
        Assert.Equal([7, 8, 9], test);
    }

    [Fact]
    public void GatherTakesSamplesAlongTheFirstAxis()
    {
        var source = new Tensor([0, 1, 2, 3, 4, 5, 6, 7], 4, 2, 1);

        Tensor gathered = DatasetSplit.Gather(source, [3, 0, 3]);

        Assert.Equal([3, 2, 1], gathered.Shape);
        Assert.Equal([6, 7, 0, 1, 6, 7], gathered.Data);
        Assert.Equal([0, 2, 1], DatasetSplit.Gather(source, []).Shape);
    }

    [Fact]
    public void GatherMatchesSliceBatchOnARun()
    {
        var source = new Tensor([0, 1, 2, 3, 4, 5, 6, 7, 8], 3, 3);

        Assert.Equal(source.SliceBatch(1, 2).Data, DatasetSplit.Gather(source, [1, 2]).Data);
    }

    [Fact]
    public void GatherList()
    {
        Assert.Equal(["c", "a"], DatasetSplit.Gather(["a", "b", "c"], [2, 0]));
    }

    [Fact]
    public void GatherRejectsBadIndices()
    {
        var source = new Tensor(2, 3);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplit.Gather(source, [1, 2]));
        Assert.Equal("indices", ex.ParamName);
        Assert.StartsWith("index 2 at position 1 is outside the 2 samples", ex.Message);
        Assert.Equal("indices", Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplit.Gather(["a"], [-1])).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => DatasetSplit.Gather(new Tensor(new float[1]), [0])).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => DatasetSplit.Gather((Tensor)null!, [0])).ParamName);
    }
}
