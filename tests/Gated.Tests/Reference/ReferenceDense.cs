namespace Gated.Tests.Reference;

/// <summary>
/// y = x · kernel + bias on the last axis, in double precision, the slow obvious way.
/// x (rows, F) where rows is every leading axis flattened (B or B·T), kernel (F, U), bias (U) → y (rows, U).
/// </summary>
public sealed class ReferenceDense(int features, int units, double[] kernel, double[] bias)
{
    private double[] _x = [];
    private int _rows;

    public int Features { get; } = features;

    public int Units { get; } = units;

    public double[] Kernel { get; } = kernel;   // (F, U)

    public double[] Bias { get; } = bias;       // (U)

    public double[] InputGradient { get; private set; } = [];    // (rows, F)

    public double[] KernelGradient { get; private set; } = [];   // (F, U)

    public double[] BiasGradient { get; private set; } = [];     // (U)

    public double[] Forward(double[] x)
    {
        _rows = x.Length / Features;
        _x = (double[])x.Clone();
        var y = new double[_rows * Units];
        for (int row = 0; row < _rows; row++)
        {
            for (int u = 0; u < Units; u++)
            {
                double sum = Bias[u];
                for (int f = 0; f < Features; f++)
                {
                    sum += x[(row * Features) + f] * Kernel[(f * Units) + u];
                }

                y[(row * Units) + u] = sum;
            }
        }

        return y;
    }

    /// <summary>dy (rows, U) → sets InputGradient = dy·kernelᵀ, KernelGradient = xᵀ·dy, BiasGradient = Σ_rows dy.</summary>
    public void Backward(double[] dy)
    {
        InputGradient = new double[_rows * Features];
        KernelGradient = new double[Features * Units];
        BiasGradient = new double[Units];
        for (int row = 0; row < _rows; row++)
        {
            for (int u = 0; u < Units; u++)
            {
                double g = dy[(row * Units) + u];
                BiasGradient[u] += g;
                for (int f = 0; f < Features; f++)
                {
                    KernelGradient[(f * Units) + u] += _x[(row * Features) + f] * g;
                    InputGradient[(row * Features) + f] += Kernel[(f * Units) + u] * g;
                }
            }
        }
    }
}
