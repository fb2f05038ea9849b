namespace Gated.Serialization.Layouts;

/// <summary>How a framework stores a recurrent layer's biases, each in the framework's gate order.</summary>
public enum BiasLayout
{
    /// <summary>One bias (G·H): Gated's input and recurrent biases added (Keras LSTM, SimpleRNN and reset_after=False GRU).</summary>
    Summed,

    /// <summary>
    /// An input bias and a recurrent bias (G·H each): PyTorch's bias_ih and bias_hh, the rows of Keras's (2, G·H)
    /// reset_after bias, ONNX's B = [Wb, Rb].
    /// </summary>
    InputAndRecurrent,
}
