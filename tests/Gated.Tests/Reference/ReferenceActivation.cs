using Gated.Layers;

namespace Gated.Tests.Reference;

/// <summary>
/// The activations in double precision, straight from their formulas; softmax over rows of length C without
/// any shift, and every backward as an explicit Jacobian-vector product (the full C×C Jacobian for softmax).
/// </summary>
public static class ReferenceActivation
{
    public static double[] Forward(ActivationKind kind, double[] x, int classes)
    {
        if (kind == ActivationKind.Softmax)
        {
            var y = new double[x.Length];
            for (int start = 0; start < x.Length; start += classes)
            {
                double sum = 0;
                for (int c = 0; c < classes; c++)
                {
                    sum += Math.Exp(x[start + c]);
                }

                for (int c = 0; c < classes; c++)
                {
                    y[start + c] = Math.Exp(x[start + c]) / sum;
                }
            }

            return y;
        }

        return x.Select(v => kind switch
        {
            ActivationKind.Linear => v,
            ActivationKind.Sigmoid => 1.0 / (1.0 + Math.Exp(-v)),
            ActivationKind.Tanh => Math.Tanh(v),
            ActivationKind.Relu => Math.Max(v, 0.0),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        }).ToArray();
    }

    /// <summary>dx = Jᵀ dy with J = ∂y/∂x at x.</summary>
    public static double[] Backward(ActivationKind kind, double[] x, double[] dy, int classes)
    {
        var y = Forward(kind, x, classes);
        var dx = new double[x.Length];
        if (kind == ActivationKind.Softmax)
        {
            for (int start = 0; start < x.Length; start += classes)
            {
                for (int i = 0; i < classes; i++)
                {
                    double sum = 0;
                    for (int j = 0; j < classes; j++)
                    {
                        // ∂y_j/∂x_i = y_j (δ_ij − y_i)
                        double jacobian = y[start + j] * ((i == j ? 1.0 : 0.0) - y[start + i]);
                        sum += jacobian * dy[start + j];
                    }

                    dx[start + i] = sum;
                }
            }

            return dx;
        }

        for (int i = 0; i < x.Length; i++)
        {
            double derivative = kind switch
            {
                ActivationKind.Linear => 1.0,
                ActivationKind.Sigmoid => y[i] * (1.0 - y[i]),
                ActivationKind.Tanh => 1.0 - (y[i] * y[i]),
                ActivationKind.Relu => x[i] > 0 ? 1.0 : 0.0,
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
            dx[i] = derivative * dy[i];
        }

        return dx;
    }
}
