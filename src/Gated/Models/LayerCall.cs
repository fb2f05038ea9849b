using Gated.Layers;

namespace Gated.Models;

/// <summary>One call of a layer on symbolic tensors: the node of a functional model's graph.</summary>
internal sealed class LayerCall
{
    public LayerCall(Layer layer, SymbolicTensor[] inputs)
    {
        Layer = layer;
        Inputs = inputs;
        Outputs = new SymbolicTensor[layer.OutputCount];
        for (int k = 0; k < Outputs.Length; k++)
        {
            Outputs[k] = new SymbolicTensor(this, k);
        }
    }

    public Layer Layer { get; }

    public SymbolicTensor[] Inputs { get; }

    public SymbolicTensor[] Outputs { get; }

    /// <summary>Topological order: a call is created after its inputs exist.</summary>
    public long Sequence => Outputs[0].Sequence;
}

/// <summary>Keras's layer calls on symbolic tensors, which wire layers into a functional <see cref="Model"/>.</summary>
public static class LayerCalls
{
    /// <summary>
    /// Calls a layer of one output on symbolic tensors: one input for most layers, several for layers such as
    /// Concatenate or Attention, and for a recurrent layer the sequence followed by its initial states (Keras's
    /// initial_state: h, or h and c). A layer called twice shares its weights between the calls.
    /// </summary>
    /// <exception cref="ArgumentException">The layer gives several outputs (use <see cref="CallMultiple"/>), or no input is given.</exception>
    public static SymbolicTensor Call(this Layer layer, params SymbolicTensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.OutputCount != 1)
        {
            throw new ArgumentException($"{layer.TypeName} gives {layer.OutputCount} outputs (return_state): use CallMultiple.", nameof(layer));
        }

        return CallMultiple(layer, inputs)[0];
    }

    /// <summary>Calls a layer on symbolic tensors and returns every output: for a recurrent layer with return_state, the output and then the final states.</summary>
    /// <exception cref="ArgumentException">No input is given, or an input is null.</exception>
    public static IReadOnlyList<SymbolicTensor> CallMultiple(this Layer layer, params SymbolicTensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0 || inputs.Any(i => i is null))
        {
            throw new ArgumentException($"Call {layer.TypeName} on at least one symbolic tensor, none of them null.", nameof(inputs));
        }

        return new LayerCall(layer, (SymbolicTensor[])inputs.Clone()).Outputs;
    }
}
