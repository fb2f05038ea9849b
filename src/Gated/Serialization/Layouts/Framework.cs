namespace Gated.Serialization.Layouts;

/// <summary>The outside frameworks whose recurrent weight layouts Gated reads and writes (DESIGN.md, "Weight layouts of the outside world").</summary>
public enum Framework
{
    /// <summary>PyTorch nn.GRU, nn.LSTM and nn.RNN: weight_ih (G·H, I), weight_hh (G·H, H), bias_ih and bias_hh (G·H).</summary>
    PyTorch,

    /// <summary>Keras GRU, LSTM and SimpleRNN: kernel (I, G·H), recurrent_kernel (H, G·H), bias (G·H), or (2, G·H) for reset_after.</summary>
    Keras,

    /// <summary>ONNX GRU, LSTM and RNN operators: W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H] = [Wb, Rb].</summary>
    Onnx,
}
