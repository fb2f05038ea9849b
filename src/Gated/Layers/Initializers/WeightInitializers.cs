using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers.Initializers;

/// <summary>The initialisers behind <see cref="WeightInit"/>, filling a parameter stored as (fanIn, fanOut).</summary>
internal static class WeightInitializers
{
    /// <summary>Glorot (Xavier) uniform: U(−√(6/(fanIn+fanOut)), +√(6/(fanIn+fanOut))), Keras's default kernel init.</summary>
    public static void GlorotUniform(Span<float> values, int fanIn, int fanOut, SeededRandom random)
    {
        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        Uniform(values, limit, random);
    }

    /// <summary>U(−limit, +limit) for every value (PyTorch's RNN init uses limit = 1/√H).</summary>
    public static void Uniform(Span<float> values, float limit, SeededRandom random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextUniform(-limit, limit);
        }
    }

    /// <summary>
    /// Keras's Orthogonal for a (rows, cols) matrix: QR of a Gaussian matrix with the signs of R's diagonal
    /// folded into Q; when rows &lt; cols the rows come out orthonormal (Q of the transposed problem).
    /// </summary>
    public static void Orthogonal(Span<float> values, int rows, int cols, SeededRandom random)
    {
        int tall = Math.Max(rows, cols);
        int wide = Math.Min(rows, cols);
        var q = new double[tall, wide];
        for (int i = 0; i < tall; i++)
        {
            for (int j = 0; j < wide; j++)
            {
                q[i, j] = random.NextGaussian();
            }
        }

        // Modified Gram–Schmidt: R's diagonal comes out positive, which is QR with the sign fix applied.
        for (int j = 0; j < wide; j++)
        {
            for (int k = 0; k < j; k++)
            {
                double dot = 0;
                for (int i = 0; i < tall; i++)
                {
                    dot += q[i, k] * q[i, j];
                }

                for (int i = 0; i < tall; i++)
                {
                    q[i, j] -= dot * q[i, k];
                }
            }

            double norm = 0;
            for (int i = 0; i < tall; i++)
            {
                norm += q[i, j] * q[i, j];
            }

            norm = Math.Sqrt(norm);
            for (int i = 0; i < tall; i++)
            {
                q[i, j] /= norm;
            }
        }

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                values[(r * cols) + c] = (float)(rows >= cols ? q[r, c] : q[c, r]);
            }
        }
    }
}
