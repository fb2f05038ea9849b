namespace Gated.Tests.Reference;

/// <summary>
/// Embedding lookup in double precision, the slow obvious way: y[b, t, :] = table[x[b, t], :], and the table
/// gradient as the sum of dy over every step that chose each row. x (B·T) indices, table (V, D) → y (B·T, D).
/// </summary>
public sealed class ReferenceEmbedding(int inputDim, int outputDim, double[] table)
{
    private int[] _indices = [];

    public int InputDim { get; } = inputDim;

    public int OutputDim { get; } = outputDim;

    public double[] Table { get; } = table;   // (V, D)

    public double[] TableGradient { get; private set; } = [];   // (V, D)

    public double[] Forward(IReadOnlyList<int> indices)
    {
        _indices = indices.ToArray();
        var y = new double[_indices.Length * OutputDim];
        for (int i = 0; i < _indices.Length; i++)
        {
            for (int d = 0; d < OutputDim; d++)
            {
                y[(i * OutputDim) + d] = Table[(_indices[i] * OutputDim) + d];
            }
        }

        return y;
    }

    public void Backward(double[] dy)
    {
        TableGradient = new double[InputDim * OutputDim];
        for (int i = 0; i < _indices.Length; i++)
        {
            for (int d = 0; d < OutputDim; d++)
            {
                TableGradient[(_indices[i] * OutputDim) + d] += dy[(i * OutputDim) + d];
            }
        }
    }
}
