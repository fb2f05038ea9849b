namespace Gated.Layers;

/// <summary>Which framework's default initialisation a layer follows.</summary>
public enum WeightInit
{
    /// <summary>glorot-uniform kernels, orthogonal recurrent kernels, zero biases except LSTM's forget bias of 1 (Keras defaults).</summary>
    Keras,

    /// <summary>every weight and bias from U(−1/√n, 1/√n), n = H (units) in recurrent layers, F (input features) in Dense (PyTorch defaults).</summary>
    PyTorch,
}
