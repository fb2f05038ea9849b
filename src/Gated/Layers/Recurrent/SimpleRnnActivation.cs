namespace Gated.Layers.Recurrent;

/// <summary>The non-linearity of a SimpleRNN (Keras activation, PyTorch nonlinearity).</summary>
public enum SimpleRnnActivation
{
    /// <summary>h = tanh(W x + U h + b), the default.</summary>
    Tanh,
    /// <summary>h = max(0, W x + U h + b).</summary>
    Relu,
}
