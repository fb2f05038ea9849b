using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Tensors;

/// <summary>
/// Tensor: shapes and row-major indexing, SliceBatch copies the right samples, Clone is deep while Reshape shares,
/// FormatShape, and argument checks that name the bad argument.
/// </summary>
public class TensorTests
{
    [Fact]
    public void ShapeRankAndLengthFollowTheDimensions()
    {
        var t = new Tensor(2, 3, 4);
        Assert.Equal([2, 3, 4], t.Shape);
        Assert.Equal(3, t.Rank);
        Assert.Equal(24, t.Length);
        Assert.Equal(24, t.Data.Length);
        Assert.All(t.Data, v => Assert.Equal(0f, v));

        var empty = new Tensor(0, 5);
        Assert.Equal(0, empty.Length);
        Assert.Equal(2, empty.Rank);

        var scalar = new Tensor();
        Assert.Equal(0, scalar.Rank);
        Assert.Equal(1, scalar.Length);
    }

    [Fact]
    public void IndexingIsRowMajor()
    {
        var t = new Tensor(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), 2, 3, 4);
        Assert.Equal(0f, t[0, 0, 0]);
        Assert.Equal(7f, t[0, 1, 3]);
        Assert.Equal(13f, t[1, 0, 1]);
        Assert.Equal(23f, t[1, 2, 3]);

        t[1, 1, 2] = -5f;
        Assert.Equal(-5f, t.Data[18]);
        Assert.Equal(-5f, t.Span[18]);
    }

    [Fact]
    public void TheConstructorKeepsTheDataAndCopiesTheShape()
    {
        float[] data = [1, 2, 3, 4, 5, 6];
        int[] shape = [2, 3];
        var t = new Tensor(data, shape);

        shape[0] = 3;
        shape[1] = 2;
        data[4] = 50f;

        Assert.Equal([2, 3], t.Shape);
        Assert.Same(data, t.Data);
        Assert.Equal(50f, t[1, 1]);
    }

    [Fact]
    public void SliceBatchCopiesTheRequestedSamples()
    {
        // (4, 2, 3): sample b holds 100·b + 0..5.
        var t = new Tensor(4, 2, 3);
        for (int i = 0; i < t.Length; i++)
        {
            t.Data[i] = (100 * (i / 6)) + (i % 6);
        }

        var slice = t.SliceBatch(1, 2);

        Assert.Equal([2, 2, 3], slice.Shape);
        Assert.Equal([100, 101, 102, 103, 104, 105, 200, 201, 202, 203, 204, 205], slice.Data);

        // A copy: writing to it leaves the source alone, and the reverse.
        slice.Data[0] = -1f;
        t.Data[12] = -2f;
        Assert.Equal(100f, t[1, 0, 0]);
        Assert.Equal(200f, slice[1, 0, 0]);
    }

    [Fact]
    public void SliceBatchTakesEmptyAndWholeRanges()
    {
        var t = new Tensor([1, 2, 3, 4, 5, 6], 3, 2);

        var none = t.SliceBatch(3, 0);
        Assert.Equal([0, 2], none.Shape);
        Assert.Empty(none.Data);

        var all = t.SliceBatch(0, 3);
        Assert.Equal(t.Data, all.Data);
        Assert.NotSame(t.Data, all.Data);

        var last = new Tensor([7, 8, 9], 3).SliceBatch(2, 1);
        Assert.Equal([1], last.Shape);
        Assert.Equal([9f], last.Data);
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(3, 1)]
    [InlineData(1, -1)]
    [InlineData(2, int.MaxValue)]
    public void SliceBatchRefusesACountPastTheFirstAxis(int start, int count)
    {
        var t = new Tensor(3, 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => t.SliceBatch(start, count));
        Assert.Equal("count", e.ParamName);
        Assert.Contains("(3, 2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SliceBatchRefusesANegativeStartAndAScalar()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Tensor(3, 2).SliceBatch(-1, 1));
        Assert.Equal("start", e.ParamName);
        Assert.Contains("[-1, 0)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Tensor().SliceBatch(0, 0));
    }

    [Fact]
    public void CloneIsDeep()
    {
        var t = new Tensor([1, 2, 3, 4], 2, 2);

        var copy = t.Clone();
        copy.Data[0] = 10f;
        copy.Shape[0] = 4;

        Assert.Equal([1f, 2f, 3f, 4f], t.Data);
        Assert.Equal([2, 2], t.Shape);
        Assert.NotSame(t.Data, copy.Data);
        Assert.Equal([10f, 2f, 3f, 4f], copy.Data);
    }

    [Fact]
    public void ReshapeSharesTheValues()
    {
        var t = new Tensor([1, 2, 3, 4, 5, 6], 2, 3);

        var r = t.Reshape(3, 2);
        r[2, 1] = 60f;

        Assert.Equal([3, 2], r.Shape);
        Assert.Same(t.Data, r.Data);
        Assert.Equal(60f, t[1, 2]);
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => t.Reshape(4, 2)).ParamName);
    }

    [Fact]
    public void FormatShapeAndToStringWriteTheDimensions()
    {
        Assert.Equal("(2, 3, 4)", Tensor.FormatShape([2, 3, 4]));
        Assert.Equal("(7)", Tensor.FormatShape([7]));
        Assert.Equal("()", Tensor.FormatShape([]));
        Assert.Equal("Tensor(2, 3)", new Tensor(2, 3).ToString());
    }

    [Fact]
    public void ShapeLengthMultipliesAndRefusesNegativeOrHugeShapes()
    {
        Assert.Equal(60, Tensor.ShapeLength([3, 4, 5]));
        Assert.Equal(1, Tensor.ShapeLength([]));
        Assert.Equal(0, Tensor.ShapeLength([5, 0, 1_000_000_000]));
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => Tensor.ShapeLength([2, -1])).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => Tensor.ShapeLength([65_536, 65_536])).ParamName);
    }

    [Fact]
    public void ConstructorsNameTheBadArgument()
    {
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => new Tensor(new float[5], 2, 3)).ParamName);
        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => new Tensor(null!, 2)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => new Tensor(2, -3)).ParamName);
    }

    [Fact]
    public void IndexingChecksAxesAndBounds()
    {
        var t = new Tensor(2, 3);
        Assert.Equal("index", Assert.Throws<ArgumentException>(() => t[1]).ParamName);
        Assert.Throws<IndexOutOfRangeException>(() => t[2, 0]);
        Assert.Throws<IndexOutOfRangeException>(() => t[0, -1]);
    }
}
