using Gated.Layers.Recurrent.TimeLoop;
using Xunit;

namespace Gated.Tests.Layers.Recurrent.TimeLoop;

/// <summary>
/// UnitSlice: ChunkSize, PartCount and Part split H units into at most P parts that cover every unit once, each
/// starting on a multiple of 16 (the GEMM tile and two gate-math vectors), only the last one shorter.
/// </summary>
public class UnitSliceTests
{
    [Fact]
    public void PartsCoverEveryUnitOnceStartingOnMultiplesOf16()
    {
        for (int units = 1; units <= 600; units++)
        {
            for (int parts = 1; parts <= 8; parts++)
            {
                int chunk = UnitSlice.ChunkSize(units, parts);
                int count = UnitSlice.PartCount(units, chunk);
                string what = $"H {units} in at most {parts} parts (chunk {chunk}, {count} parts)";
                Assert.True(chunk > 0 && chunk % 16 == 0, what);
                Assert.True(count >= 1 && count <= parts, what);

                int end = 0;
                for (int index = 0; index < count; index++)
                {
                    var slice = UnitSlice.Part(units, chunk, index);
                    Assert.True(slice.Start == end && slice.Start % 16 == 0, $"{what}: part {index} is {slice}");
                    Assert.True(slice.Count > 0 && slice.Count <= chunk, $"{what}: part {index} is {slice}");
                    Assert.True(index == count - 1 || slice.Count == chunk, $"{what}: part {index} is {slice}");
                    end = slice.End;
                }

                Assert.True(end == units, what);
            }
        }
    }

    [Fact]
    public void TheChunkIsTheSmallestMultipleOf16ThatFitsInTheParts()
    {
        for (int units = 1; units <= 600; units++)
        {
            for (int parts = 1; parts <= 8; parts++)
            {
                int chunk = UnitSlice.ChunkSize(units, parts);
                Assert.True(chunk * parts >= units, $"H {units}, {parts} parts: chunk {chunk} is too small");
                Assert.True((chunk - 16) * parts < units, $"H {units}, {parts} parts: chunk {chunk} is larger than needed");
            }
        }
    }

    [Fact]
    public void HandCheckedSplits()
    {
        // H = 264 on two threads: parts of 144 and 120 (ThreadCountInvarianceTests relies on this split).
        Assert.Equal(144, UnitSlice.ChunkSize(264, 2));
        Assert.Equal(2, UnitSlice.PartCount(264, 144));
        Assert.Equal(new UnitSlice(0, 144), UnitSlice.Part(264, 144, 0));
        Assert.Equal(new UnitSlice(144, 120), UnitSlice.Part(264, 144, 1));
        Assert.Equal(264, UnitSlice.Part(264, 144, 1).End);

        // 256 on three threads: 96, 96, 64.
        Assert.Equal(96, UnitSlice.ChunkSize(256, 3));
        Assert.Equal(3, UnitSlice.PartCount(256, 96));
        Assert.Equal(new UnitSlice(192, 64), UnitSlice.Part(256, 96, 2));

        // 20 units asked into four parts make only two: 16 and 4.
        Assert.Equal(16, UnitSlice.ChunkSize(20, 4));
        Assert.Equal(2, UnitSlice.PartCount(20, 16));
        Assert.Equal(new UnitSlice(16, 4), UnitSlice.Part(20, 16, 1));
    }
}
