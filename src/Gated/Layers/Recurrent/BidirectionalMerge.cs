namespace Gated.Layers.Recurrent;

/// <summary>How Bidirectional combines the forward and backward outputs (Keras merge_mode).</summary>
public enum BidirectionalMerge
{
    /// <summary>[forward, backward] on the last axis (2H).</summary>
    Concat,

    /// <summary>forward + backward, element-wise (H).</summary>
    Sum,

    /// <summary>forward ⊙ backward, element-wise (H).</summary>
    Mul,

    /// <summary>(forward + backward) / 2.</summary>
    Average,
}
