namespace Gated.Layers;

/// <summary>Which framework's default initialisation a layer follows.</summary>
public enum WeightInit
{
    /// <summary>glorot-uniform kernels, orthogonal recurrent kernels, zero biases (Keras defaults).</summary>
    Keras,

    /// <summary>every weight and bias from U(−1/√H, 1/√H), H the layer's units (PyTorch defaults).</summary>
    PyTorch,
}
