namespace Gated.Training;

/// <summary>The Adam moment update and step shared by <see cref="Adam"/> and <see cref="AdamW"/>.</summary>
internal static class AdamKernel
{
    /// <summary>
    /// m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g², p −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε), as torch.optim.Adam's
    /// single-tensor path orders the operations (the corrections folded into a step size and a divisor).
    /// </summary>
    public static void Step(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, long step, float learningRate,
        float beta1, float beta2, float epsilon)
    {
        double correction1 = 1 - Math.Pow(beta1, step);
        double correction2 = 1 - Math.Pow(beta2, step);
        float stepSize = (float)(learningRate / correction1);
        float rootCorrection2 = (float)Math.Sqrt(correction2);
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradients[i];
            float mi = m[i] = (beta1 * m[i]) + ((1 - beta1) * g);
            float vi = v[i] = (beta2 * v[i]) + ((1 - beta2) * g * g);
            parameters[i] -= stepSize * mi / ((MathF.Sqrt(vi) / rootCorrection2) + epsilon);
        }
    }
}
