using Gated.Layers.Recurrent.TimeLoop;
using Gated.Randomness;
using Xunit;

namespace Gated.Tests.Layers.Recurrent.TimeLoop;

/// <summary>
/// RowMath: Add matches a scalar loop bit for bit on every length 0..40 (whole vectors and tails), touches nothing
/// past the destination and reads only the first destination.Length values of a longer source; the row masks
/// and the row broadcast on a hand-checked case.
/// </summary>
public class RowMathTests
{
    [Fact]
    public void AddMatchesAScalarLoopOnEveryLength()
    {
        var random = new SeededRandom(8);
        for (int length = 0; length <= 40; length++)
        {
            // Offsets of 1 put the spans off the arrays' alignment; the source is longer than the destination.
            var source = new float[length + 4];
            var destination = new float[length + 2];
            for (int i = 0; i < source.Length; i++)
            {
                source[i] = random.NextUniform(-3, 3);
            }

            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = random.NextUniform(-3, 3);
            }

            var expected = (float[])destination.Clone();
            for (int i = 0; i < length; i++)
            {
                expected[1 + i] = destination[1 + i] + source[1 + i];
            }

            RowMath.Add(source.AsSpan(1), destination.AsSpan(1, length));

            Assert.Equal(expected, destination);
        }
    }

    [Fact]
    public void MultiplyRowsScalesElementByElement()
    {
        float[] values = [1, 2, 3, 4, 5, 6];
        RowMath.MultiplyRows(values, [0, 2, 1, 0.5f, 0, -1]);
        Assert.Equal([0f, 4f, 3f, 2f, 0f, -6f], values);
    }

    [Fact]
    public void BroadcastRowsCopiesTheRowIntoEachRow()
    {
        var matrix = new float[10];
        matrix[9] = 9f;
        RowMath.BroadcastRows([1, 2, 3], matrix, 3);
        Assert.Equal([1f, 2f, 3f, 1f, 2f, 3f, 1f, 2f, 3f, 9f], matrix);
    }
}
