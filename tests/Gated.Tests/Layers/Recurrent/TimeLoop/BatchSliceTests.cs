using Gated.Layers.Recurrent.TimeLoop;
using Xunit;

namespace Gated.Tests.Layers.Recurrent.TimeLoop;

/// <summary>BatchSlice.Part: the parts tile the batch in order, every row exactly once, sizes at most one apart.</summary>
public class BatchSliceTests
{
    [Fact]
    public void PartsCoverEveryRowOnceWithSizesAtMostOneApart()
    {
        for (int batch = 0; batch <= 40; batch++)
        {
            for (int parts = 1; parts <= 9; parts++)
            {
                var owner = new int[batch];
                Array.Fill(owner, -1);
                int min = int.MaxValue, max = int.MinValue, end = 0;
                for (int index = 0; index < parts; index++)
                {
                    var slice = BatchSlice.Part(batch, parts, index);
                    string where = $"batch {batch}, part {index} of {parts}: {slice}";
                    Assert.True(slice.Start == end, where);
                    Assert.True(slice.End == slice.Start + slice.Count, where);
                    for (int row = slice.Start; row < slice.End; row++)
                    {
                        Assert.True(owner[row] == -1, $"{where} takes row {row} again");
                        owner[row] = index;
                    }

                    // The longer parts come first.
                    Assert.True(index == 0 || slice.Count <= BatchSlice.Part(batch, parts, index - 1).Count, where);
                    min = Math.Min(min, slice.Count);
                    max = Math.Max(max, slice.Count);
                    end = slice.End;
                }

                Assert.Equal(batch, end);
                Assert.DoesNotContain(-1, owner);
                Assert.InRange(max - min, 0, 1);
            }
        }
    }

    [Fact]
    public void HandCheckedSplits()
    {
        // 10 rows in 4 parts: 3, 3, 2, 2.
        Assert.Equal(new BatchSlice(0, 3), BatchSlice.Part(10, 4, 0));
        Assert.Equal(new BatchSlice(3, 3), BatchSlice.Part(10, 4, 1));
        Assert.Equal(new BatchSlice(6, 2), BatchSlice.Part(10, 4, 2));
        Assert.Equal(new BatchSlice(8, 2), BatchSlice.Part(10, 4, 3));

        // More parts than rows: the last parts are empty.
        Assert.Equal(new BatchSlice(1, 1), BatchSlice.Part(2, 3, 1));
        Assert.Equal(new BatchSlice(2, 0), BatchSlice.Part(2, 3, 2));

        Assert.Equal(new BatchSlice(0, 7), BatchSlice.All(7));
        Assert.Equal(7, BatchSlice.All(7).End);
    }
}
