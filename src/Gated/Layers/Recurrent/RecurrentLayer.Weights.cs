namespace Gated.Layers.Recurrent;

/// <summary>
/// Typed access to the weights, for readers and writers of other frameworks' layouts. Looked up by their public
/// names (which model files rely on), so this does not depend on how a cell keeps them.
/// </summary>
public abstract partial class RecurrentLayer
{
    /// <summary>The input kernel (I, G·H), gate column blocks in Gated's (Keras) order. The layer must be built.</summary>
    public Parameter Kernel => Weight("kernel") ?? throw MissingWeight("kernel");

    /// <summary>The recurrent kernel (H, G·H), gate blocks as <see cref="Kernel"/>. The layer must be built.</summary>
    public Parameter RecurrentKernel => Weight("recurrent_kernel") ?? throw MissingWeight("recurrent_kernel");

    /// <summary>The input bias (G·H), or the only bias of a layer without <see cref="RecurrentBias"/>. The layer must be built.</summary>
    public Parameter Bias => Weight("bias") ?? throw MissingWeight("bias");

    /// <summary>
    /// The recurrent bias (G·H) of a reset-after GRU or of an LSTM or SimpleRNN built with separateRecurrentBias (PyTorch's
    /// b_hh); null for a layer with one bias. The layer must be built.
    /// </summary>
    public Parameter? RecurrentBias => Weight("recurrent_bias");

    private Parameter? Weight(string name)
    {
        if (!IsBuilt)
        {
            throw new InvalidOperationException($"Build the {TypeName} layer before reading its weights.");
        }

        foreach (var p in Parameters)
        {
            if (p.Name == name)
            {
                return p;
            }
        }

        return null;
    }

    private InvalidOperationException MissingWeight(string name) => new($"{TypeName} has no parameter '{name}'.");
}
