namespace Gated.Serialization;

/// <summary>
/// Where a PyTorch model applies its nn.Linear head; the state_dict does not record it, so the loader is told.
/// </summary>
public enum PyTorchHead
{
    /// <summary>
    /// On the last step: fc(out[:, -1, :]) for one direction, fc(cat(h_n[-2], h_n[-1])) for a bidirectional
    /// module (each direction's final state); the model outputs (B, out), or (B, H·D) without a head.
    /// </summary>
    Last,

    /// <summary>On every step: fc(out), (B, T, out), or the recurrent output (B, T, H·D) without a head.</summary>
    All,
}
