namespace Gated.Layers.Recurrent;

/// <summary>Where the reset gate is applied in the candidate state (see DESIGN.md, "The GRU, exactly").</summary>
public enum GruVariant
{
    /// <summary>n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn)): PyTorch, cuDNN, Keras reset_after=True, ONNX linear_before_reset=1.</summary>
    ResetAfter,

    /// <summary>n = tanh(W_n x + b_n + U_n (r ⊙ h)): Cho et al. 2014, Keras reset_after=False, ONNX linear_before_reset=0.</summary>
    ResetBefore,
}
