namespace Gated.Layers;

/// <summary>The element-wise (or, for softmax, last-axis) functions an <see cref="Activation"/> layer applies.</summary>
public enum ActivationKind
{
    /// <summary>y = x.</summary>
    Linear,

    /// <summary>y = 1 / (1 + exp(−x)).</summary>
    Sigmoid,

    /// <summary>y = tanh(x).</summary>
    Tanh,

    /// <summary>y = max(x, 0).</summary>
    Relu,

    /// <summary>y_i = exp(x_i) / Σ_j exp(x_j) over the last axis.</summary>
    Softmax,
}
