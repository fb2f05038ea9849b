using Gated.Randomness;

namespace Gated.Tests.Reference;

/// <summary>
/// Keras's Orthogonal (rows, cols) the slow obvious way: modified Gram–Schmidt on a double[,] Gaussian matrix,
/// column by column, as the library computed it before its blocked version; that one must give the same bits.
/// </summary>
public static class ReferenceOrthogonal
{
    public static float[] Orthogonal(int rows, int cols, SeededRandom random)
    {
        var values = new float[rows * cols];
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

        return values;
    }
}
