namespace Gated.Layers.Recurrent;

/// <summary>The non-linearity of a SimpleRNN (Keras activation, PyTorch nonlinearity).</summary>
public enum SimpleRnnActivation
{
    Tanh,
    Relu,
}
