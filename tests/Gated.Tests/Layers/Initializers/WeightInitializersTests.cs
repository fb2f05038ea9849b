using Gated.Layers.Initializers;
using Gated.Randomness;
using Gated.Tests.Reference;
using Xunit;

namespace Gated.Tests.Layers.Initializers;

/// <summary>
/// The weight initialisers: Orthogonal gives orthonormal columns (tall or square) or rows (wide) to 1e-5;
/// GlorotUniform and Uniform stay inside their limits, reach out to them, and have the variance limit²/3.
/// </summary>
public class WeightInitializersTests
{
    [Theory]
    [InlineData(8, 8)]
    [InlineData(12, 5)]
    [InlineData(5, 12)]
    [InlineData(64, 192)]
    [InlineData(1, 4)]
    [InlineData(4, 1)]
    public void OrthogonalIsOrthonormalAlongItsShorterSide(int rows, int cols)
    {
        var q = new float[rows * cols];
        WeightInitializers.Orthogonal(q, rows, cols, new SeededRandom(42));

        // rows ≥ cols: QᵀQ = I (cols × cols); rows < cols: QQᵀ = I (rows × rows).
        bool columns = rows >= cols;
        int n = Math.Min(rows, cols), length = Math.Max(rows, cols);
        for (int a = 0; a < n; a++)
        {
            for (int b = 0; b < n; b++)
            {
                double dot = 0;
                for (int k = 0; k < length; k++)
                {
                    dot += columns ? (double)q[(k * cols) + a] * q[(k * cols) + b] : (double)q[(a * cols) + k] * q[(b * cols) + k];
                }

                Assert.True(Math.Abs(dot - (a == b ? 1.0 : 0.0)) <= 1e-5, $"({rows}, {cols}): entry ({a}, {b}) of the Gram matrix is {dot}");
            }
        }
    }

    [Fact]
    public void OrthogonalSquareIsOrthonormalBothWays()
    {
        const int n = 16;
        var q = new float[n * n];
        WeightInitializers.Orthogonal(q, n, n, new SeededRandom(5));
        for (int a = 0; a < n; a++)
        {
            for (int b = 0; b < n; b++)
            {
                double rowDot = 0;
                for (int k = 0; k < n; k++)
                {
                    rowDot += (double)q[(a * n) + k] * q[(b * n) + k];
                }

                Assert.True(Math.Abs(rowDot - (a == b ? 1.0 : 0.0)) <= 1e-5, $"rows {a}, {b}: {rowDot}");
            }
        }
    }

    // Every model's initial weights, and so every figure in the README, depend on these bits: the blocked version
    // must compute exactly what the column-by-column Gram–Schmidt did. Widths around the 16-column block included.
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 4)]
    [InlineData(4, 1)]
    [InlineData(12, 5)]
    [InlineData(5, 12)]
    [InlineData(16, 48)]
    [InlineData(17, 51)]
    [InlineData(33, 40)]
    [InlineData(64, 192)]
    [InlineData(300, 47)]
    [InlineData(100, 300)]
    public void OrthogonalIsBitIdenticalToColumnByColumnGramSchmidt(int rows, int cols)
    {
        var q = new float[rows * cols];
        WeightInitializers.Orthogonal(q, rows, cols, new SeededRandom(7));

        var expected = ReferenceOrthogonal.Orthogonal(rows, cols, new SeededRandom(7));
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), q.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void OrthogonalIsRandomButFixedBySeed()
    {
        var first = new float[6 * 6];
        var again = new float[6 * 6];
        var other = new float[6 * 6];
        WeightInitializers.Orthogonal(first, 6, 6, new SeededRandom(1));
        WeightInitializers.Orthogonal(again, 6, 6, new SeededRandom(1));
        WeightInitializers.Orthogonal(other, 6, 6, new SeededRandom(2));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);

        // Not a signed permutation of the identity: most entries are neither 0 nor ±1.
        Assert.True(first.Count(v => Math.Abs(v) is > 1e-3f and < 0.999f) > 30, string.Join(", ", first));
    }

    [Theory]
    [InlineData(30, 50)]
    [InlineData(100, 300)]
    [InlineData(1, 1)]
    public void GlorotUniformStaysWithinItsLimitWithTheExpectedVariance(int fanIn, int fanOut)
    {
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        // At least 4000 values whatever the fans, so the variance estimate is tight enough to test.
        int count = Math.Max(fanIn * fanOut, 4000);
        var values = new float[count];
        WeightInitializers.GlorotUniform(values, fanIn, fanOut, new SeededRandom(9));

        AssertUniform(values, limit);
    }

    [Theory]
    [InlineData(0.125f)]
    [InlineData(1f)]
    public void UniformStaysWithinItsLimitWithTheExpectedVariance(float limit)
    {
        var values = new float[5000];
        WeightInitializers.Uniform(values, limit, new SeededRandom(13));

        AssertUniform(values, limit);
    }

    [Fact]
    public void UniformFillsExactlyTheSpanItIsGiven()
    {
        var buffer = new float[10];
        buffer[0] = buffer[9] = 7f;
        WeightInitializers.Uniform(buffer.AsSpan(1, 8), 0.5f, new SeededRandom(2));

        Assert.Equal(7f, buffer[0]);
        Assert.Equal(7f, buffer[9]);
        Assert.All(buffer[1..9], v => Assert.True(v != 0f && Math.Abs(v) <= 0.5f, $"{v}"));
    }

    // U(−limit, limit): every value inside, the extremes near the limits, mean 0 and variance limit²/3.
    private static void AssertUniform(float[] values, double limit)
    {
        Assert.All(values, v => Assert.True(Math.Abs(v) <= limit, $"{v} is outside ±{limit}"));
        Assert.True(values.Max() > 0.98 * limit, $"max {values.Max()} of ±{limit}");
        Assert.True(values.Min() < -0.98 * limit, $"min {values.Min()} of ±{limit}");

        double mean = values.Average(v => (double)v);
        double variance = values.Average(v => ((double)v - mean) * ((double)v - mean));
        double expected = limit * limit / 3;
        // With n ≥ 4000 the variance's relative standard error is ≤ 1.5% and the mean's ≤ 0.9% of the limit.
        Assert.InRange(variance, 0.92 * expected, 1.08 * expected);
        Assert.InRange(mean, -0.04 * limit, 0.04 * limit);
    }
}
