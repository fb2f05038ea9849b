using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

/// <summary>Target shapes and values the new losses accept and refuse, and the names they go by.</summary>
public sealed class LossTargetTests
{
    [Theory]
    [InlineData(new[] { 8, 5 }, new[] { 8 })]
    [InlineData(new[] { 8, 5 }, new[] { 8, 1 })]
    [InlineData(new[] { 8, 7, 5 }, new[] { 8, 7 })]
    [InlineData(new[] { 8, 7, 5 }, new[] { 8, 7, 1 })]
    public void SparseTargetsDropTheClassAxis(int[] outputShape, int[] targetShape) =>
        Loss.SparseSoftmaxCrossEntropy.CheckTargetShape(outputShape, targetShape);

    [Theory]
    [InlineData(new[] { 8, 5 }, new[] { 8, 5 })]
    [InlineData(new[] { 8, 5 }, new[] { 7 })]
    [InlineData(new[] { 8, 7, 5 }, new[] { 8 })]
    [InlineData(new[] { 8, 7, 5 }, new[] { 8, 6, 1 })]
    public void SparseTargetsOfAnyOtherShapeAreRefused(int[] outputShape, int[] targetShape)
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.SparseSoftmaxCrossEntropy.CheckTargetShape(outputShape, targetShape));
        Assert.Equal("y", e.ParamName);
    }

    [Theory]
    [InlineData(1.5f, "1.5")]
    [InlineData(-1f, "-1")]
    [InlineData(3f, "3")]
    [InlineData(float.NaN, "NaN")]
    public void SparseTargetsMustBeClassIndices(float bad, string shown)
    {
        float[] logits = new float[9];
        var e = Assert.Throws<ArgumentException>(() => Loss.SparseSoftmaxCrossEntropy.Compute(logits, [0f, 2f, bad], []));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains($"targets[2] is {shown}", e.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 3)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SparseLogitsMustSplitIntoWholeRows()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.SparseSoftmaxCrossEntropy.Compute(new float[7], [0f, 1f], []));
        Assert.Equal("targets", e.ParamName);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.01f)]
    [InlineData(float.NaN)]
    public void BinaryTargetsMustLieInTheUnitInterval(float bad)
    {
        foreach (var loss in new[] { Loss.BinaryCrossEntropy, Loss.BinaryCrossEntropyFromLogits })
        {
            var e = Assert.Throws<ArgumentException>(() => loss.Compute([0.5f, 0.5f], [1f, bad], []));
            Assert.Equal("targets", e.ParamName);
            Assert.Contains("targets[1]", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void BinaryAndHuberTargetsKeepTheOutputShape()
    {
        Assert.Throws<ArgumentException>(() => Loss.BinaryCrossEntropy.CheckTargetShape([4, 2], [4]));
        Assert.Throws<ArgumentException>(() => Loss.Huber().Compute([1f, 2f], [1f], []));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.PositiveInfinity)]
    public void HuberDeltaMustBePositive(float delta)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Huber(delta));
        Assert.Equal("delta", e.ParamName);
    }

    [Theory]
    [InlineData("sparse_categorical_crossentropy")]
    [InlineData("binary_crossentropy")]
    [InlineData("binary_crossentropy_from_logits")]
    [InlineData("huber")]
    public void NamesRoundTrip(string name) => Assert.Equal(name, Loss.FromName(name).Name);

    [Fact]
    public void FromNameGivesTheDefaultHuberAndListsTheKnownNames()
    {
        Assert.Equal(1f, Assert.IsType<HuberLoss>(Loss.FromName("huber")).Delta);
        Assert.True(((BinaryCrossEntropyLoss)Loss.FromName("binary_crossentropy_from_logits")).FromLogits);
        var e = Assert.Throws<ArgumentException>(() => Loss.FromName("categorical_hinge"));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("sparse_categorical_crossentropy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIgnoredClassLeavesItsPositionsOut()
    {
        // Rows 0 and 2 are real, row 1 is padding (class 0): the loss is the mean over the two real rows, and the
        // padded row's gradient is zero.
        float[] logits = [0.5f, 1.5f, -1f, 2f, 0f, 0.25f, -0.5f, 1f, 3f];
        float[] targets = [2, 0, 1];
        var full = new float[9];
        var loss = new SparseSoftmaxCrossEntropyLoss(ignoreClass: 0);
        double value = loss.Compute(logits, targets, full);
        var real = new float[6];
        double expected = Loss.SparseSoftmaxCrossEntropy.Compute([.. logits[..3], .. logits[6..]], [2, 1], real);
        Assert.Equal(expected, value, 12);
        Assert.Equal(real[..3], full[..3]);
        Assert.Equal(new float[3], full[3..6]);
        Assert.Equal(real[3..], full[6..]);
        Assert.Equal(0, loss.Compute(logits[..3], [0], new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SparseSoftmaxCrossEntropyLoss(ignoreClass: -1));
    }
}
