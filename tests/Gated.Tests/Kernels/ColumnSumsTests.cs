using Gated.Kernels;
using Gated.Randomness;
using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Kernels;

/// <summary>
/// Column sums (the recurrent layers' bias gradients): the vector strips give the float reference's bits on every
/// width 0..260, and the reference matches a double-precision sum.
/// </summary>
public class ColumnSumsTests
{
    [Fact]
    public void VectorStripsMatchTheFloatReferenceOnEveryWidth()
    {
        var random = new SeededRandom(31);
        foreach (int rows in (int[])[0, 1, 7, 130])
        {
            for (int columns = 0; columns <= 260; columns++)
            {
                var matrix = new float[rows * columns];
                for (int i = 0; i < matrix.Length; i++)
                {
                    matrix[i] = random.NextUniform(-2f, 2f);
                }

                var vector = new float[columns + 1];
                var reference = new float[columns + 1];
                vector[columns] = reference[columns] = 42f;
                ColumnSums.Compute(matrix, rows, columns, vector, vectorized: true);
                ColumnSums.Compute(matrix, rows, columns, reference, vectorized: false);
                Assert.Equal(reference, vector);
                Assert.Equal(42f, vector[columns]);
                for (int j = 0; j < columns; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < rows; i++)
                    {
                        sum += matrix[(i * columns) + j];
                    }

                    Assert.True(Math.Abs(sum - reference[j]) <= 1e-5 * Math.Max(1, rows), $"rows {rows}, column {j} of {columns}: {reference[j]} vs {sum}");
                }
            }
        }
    }

    [Fact]
    public void RefusesTooShortSpans()
    {
        Assert.Throws<ArgumentException>(() => ColumnSums.Compute(new float[5], 2, 3, new float[3]));
        Assert.Throws<ArgumentException>(() => ColumnSums.Compute(new float[6], 2, 3, new float[2]));
    }
}
