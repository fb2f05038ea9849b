namespace Gated.Tests.Reference;

/// <summary>
/// y = gamma · (x − mean) / sqrt(var + ε) + beta over the last axis, in double precision, the slow obvious way.
/// x (rows, F) where rows is every leading axis flattened (B or B·T), gamma and beta (F). The backward builds each
/// row's full F×F Jacobian ∂y_j/∂x_i from the formula's parts instead of using the closed form the layer uses.
/// </summary>
public sealed class ReferenceLayerNormalization(int features, double epsilon, double[] gamma, double[] beta)
{
    private double[] _x = [];
    private int _rows;

    public int Features { get; } = features;

    public double[] Gamma { get; } = gamma;     // (F)

    public double[] Beta { get; } = beta;       // (F)

    public double[] InputGradient { get; private set; } = [];   // (rows, F)

    public double[] GammaGradient { get; private set; } = [];   // (F)

    public double[] BetaGradient { get; private set; } = [];    // (F)

    public double[] Forward(double[] x)
    {
        _rows = x.Length / Features;
        _x = (double[])x.Clone();
        var y = new double[x.Length];
        for (int row = 0; row < _rows; row++)
        {
            var (mean, variance) = Moments(row);
            for (int f = 0; f < Features; f++)
            {
                y[(row * Features) + f] = (Gamma[f] * (x[(row * Features) + f] - mean) / Math.Sqrt(variance + epsilon)) + Beta[f];
            }
        }

        return y;
    }

    /// <summary>dy (rows, F) → InputGradient = Jᵀ dy per row, GammaGradient = Σ dy · x̂, BetaGradient = Σ dy.</summary>
    public void Backward(double[] dy)
    {
        InputGradient = new double[_rows * Features];
        GammaGradient = new double[Features];
        BetaGradient = new double[Features];
        int n = Features;
        for (int row = 0; row < _rows; row++)
        {
            var (mean, variance) = Moments(row);
            double s = Math.Sqrt(variance + epsilon);
            for (int j = 0; j < n; j++)
            {
                double xj = _x[(row * n) + j];
                GammaGradient[j] += dy[(row * n) + j] * (xj - mean) / s;
                BetaGradient[j] += dy[(row * n) + j];
            }

            for (int i = 0; i < n; i++)
            {
                double xi = _x[(row * n) + i];
                double sum = 0;
                for (int j = 0; j < n; j++)
                {
                    double xj = _x[(row * n) + j];

                    // ∂mean/∂x_i = 1/n; ∂var/∂x_i = 2 (x_i − mean) / n; ∂s/∂x_i = (x_i − mean) / (n s)
                    double dCentered = (i == j ? 1.0 : 0.0) - (1.0 / n);
                    double ds = (xi - mean) / (n * s);
                    double jacobian = Gamma[j] * ((dCentered * s) - ((xj - mean) * ds)) / (s * s);
                    sum += jacobian * dy[(row * n) + j];
                }

                InputGradient[(row * n) + i] = sum;
            }
        }
    }

    private (double Mean, double Variance) Moments(int row)
    {
        double mean = 0;
        for (int f = 0; f < Features; f++)
        {
            mean += _x[(row * Features) + f];
        }

        mean /= Features;
        double variance = 0;
        for (int f = 0; f < Features; f++)
        {
            double c = _x[(row * Features) + f] - mean;
            variance += c * c;
        }

        return (mean, variance / Features);
    }
}
