using Gated.Layers;

namespace Gated.Tests.TestSupport;

/// <summary>
/// Central differences: dL/dv_i ≈ (L(v + ε e_i) − L(v − ε e_i)) / (v⁺ − v⁻). The denominator is the step
/// actually taken after the value was stored (for float storage that differs from 2ε), and each value is
/// restored exactly afterwards.
/// </summary>
public static class FiniteDifference
{
    public static double[] Gradient(int count, Func<int, double> get, Action<int, double> set, Func<double> loss, double epsilon)
    {
        var gradient = new double[count];
        for (int i = 0; i < count; i++)
        {
            double original = get(i);
            set(i, original + epsilon);
            double plus = get(i);
            double lossPlus = loss();
            set(i, original - epsilon);
            double minus = get(i);
            double lossMinus = loss();
            set(i, original);
            gradient[i] = (lossPlus - lossMinus) / (plus - minus);
        }

        return gradient;
    }

    public static double[] Gradient(double[] values, Func<double> loss, double epsilon) =>
        Gradient(values.Length, i => values[i], (i, v) => values[i] = v, loss, epsilon);

    public static double[] Gradient(float[] values, Func<double> loss, double epsilon) =>
        Gradient(values.Length, i => values[i], (i, v) => values[i] = (float)v, loss, epsilon);

    public static double[] Gradient(Parameter parameter, Func<double> loss, double epsilon) =>
        Gradient(parameter.Length, i => parameter.Values[i], (i, v) => parameter.Values[i] = (float)v, loss, epsilon);
}
