using Gated.Layers;
using Gated.Tensors;

namespace Gated.Models;

/// <summary>
/// A functional model's calls in topological order, each with a layer instance of its own (a shared layer's later calls
/// run on copies whose parameters are views of the layer's, so gradients of every call add into the same buffer), and the
/// buffers that run them: forward in order, backward in reverse, gradients summed where a tensor feeds several calls.
/// Once sized, a pass allocates nothing but what the layers themselves allocate.
/// </summary>
internal sealed class ModelGraph
{
    private readonly Node[] _nodes;
    private readonly int[] _inputSlots;
    private readonly int[] _outputSlots;
    private readonly int[] _consumers;
    private readonly Tensor?[] _values;
    private readonly Tensor?[] _masks;
    private readonly Tensor?[] _gradients;
    private readonly Tensor?[] _gradientBuffers;
    private readonly Tensor?[] _zeros;
    private readonly Tensor[] _outputs;

    /// <summary>The graph from inputs to outputs, with the layer instance each call runs on.</summary>
    public ModelGraph(IReadOnlyList<SymbolicTensor> inputs, IReadOnlyList<SymbolicTensor> outputs, IReadOnlyList<LayerCall> calls, IReadOnlyList<Layer> callLayers)
    {
        var slots = new Dictionary<SymbolicTensor, int>(ReferenceEqualityComparer.Instance);
        int Slot(SymbolicTensor t) => slots.TryGetValue(t, out int s) ? s : slots[t] = slots.Count;
        _inputSlots = inputs.Select(Slot).ToArray();
        _nodes = new Node[calls.Count];
        for (int i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            _nodes[i] = new Node(callLayers[i], call.Inputs.Select(Slot).ToArray(), call.Outputs.Select(Slot).ToArray());
        }

        _outputSlots = outputs.Select(Slot).ToArray();
        int count = slots.Count;
        _values = new Tensor?[count];
        _masks = new Tensor?[count];
        _gradients = new Tensor?[count];
        _gradientBuffers = new Tensor?[count];
        _zeros = new Tensor?[count];
        _consumers = new int[count];
        foreach (var node in _nodes)
        {
            foreach (int s in node.InputSlots)
            {
                _consumers[s]++;
            }
        }

        foreach (int s in _outputSlots)
        {
            _consumers[s]++;
        }

        _outputs = new Tensor[_outputSlots.Length];
    }

    /// <summary>The layer instance of every call, in order.</summary>
    public IEnumerable<Layer> CallLayers => _nodes.Select(n => n.Layer);

    /// <summary>Runs every call on the inputs; the outputs belong to the layers and are overwritten by the next pass.</summary>
    public Tensor[] Forward(IReadOnlyList<Tensor> inputs, bool training)
    {
        for (int i = 0; i < _inputSlots.Length; i++)
        {
            _values[_inputSlots[i]] = inputs[i];
            _masks[_inputSlots[i]] = null;
        }

        try
        {
            SetReuse(true);
            foreach (var node in _nodes)
            {
                for (int k = 0; k < node.InputSlots.Length; k++)
                {
                    node.Inputs[k] = _values[node.InputSlots[k]]!;
                    node.InputMasks[k] = _masks[node.InputSlots[k]];
                }

                node.Layer.ForwardCall(node.Inputs, node.InputMasks, training, node.Outputs, node.OutputMasks);
                for (int k = 0; k < node.OutputSlots.Length; k++)
                {
                    _values[node.OutputSlots[k]] = node.Outputs[k];
                    _masks[node.OutputSlots[k]] = node.OutputMasks[k];
                }
            }
        }
        finally
        {
            SetReuse(false);
        }

        for (int k = 0; k < _outputs.Length; k++)
        {
            _outputs[k] = _values[_outputSlots[k]]!;
        }

        return _outputs;
    }

    /// <summary>Back-propagates dLoss/d(each output) of the last training Forward through every call, in reverse.</summary>
    public void Backward(IReadOnlyList<Tensor> outputGradients)
    {
        Array.Clear(_gradients);
        for (int k = 0; k < _outputSlots.Length; k++)
        {
            var given = outputGradients[k];
            var expected = _values[_outputSlots[k]]!;
            if (!given.Shape.AsSpan().SequenceEqual(expected.Shape))
            {
                throw new ArgumentException(
                    $"Output {k}'s gradient must be {Tensor.FormatShape(expected.Shape)}, got {Tensor.FormatShape(given.Shape)}.", nameof(outputGradients));
            }

            Accumulate(_outputSlots[k], given);
        }

        try
        {
            SetReuse(true);
            for (int n = _nodes.Length - 1; n >= 0; n--)
            {
                var node = _nodes[n];
                for (int k = 0; k < node.OutputSlots.Length; k++)
                {
                    int slot = node.OutputSlots[k];
                    node.OutputGradients[k] = _gradients[slot] ?? Zeros(slot);
                }

                node.Layer.BackwardCall(node.OutputGradients, node.InputGradients);
                for (int k = 0; k < node.InputSlots.Length; k++)
                {
                    Accumulate(node.InputSlots[k], node.InputGradients[k]);
                }
            }
        }
        finally
        {
            SetReuse(false);
        }
    }

    // The first gradient reaching a tensor of one consumer is kept by reference (it stays valid until that layer's next
    // call); a tensor of several consumers sums them in a buffer of its own.
    private void Accumulate(int slot, Tensor gradient)
    {
        var current = _gradients[slot];
        if (current is null)
        {
            if (_consumers[slot] == 1)
            {
                _gradients[slot] = gradient;
                return;
            }

            var buffer = _gradientBuffers[slot];
            if (buffer is null || !buffer.Shape.AsSpan().SequenceEqual(gradient.Shape))
            {
                buffer = _gradientBuffers[slot] = new Tensor((int[])gradient.Shape.Clone());
            }

            gradient.Data.AsSpan().CopyTo(buffer.Data);
            _gradients[slot] = buffer;
            return;
        }

        var sum = current.Data.AsSpan();
        var add = gradient.Data.AsSpan();
        if (sum.Length != add.Length)
        {
            throw new InvalidOperationException($"Gradients of one tensor disagree in size: {sum.Length} and {add.Length}.");
        }

        for (int i = 0; i < sum.Length; i++)
        {
            sum[i] += add[i];
        }
    }

    // dLoss/d(an output nothing used): zeros of the value's shape, kept from pass to pass.
    private Tensor Zeros(int slot)
    {
        var value = _values[slot]!;
        var zeros = _zeros[slot];
        if (zeros is null || !zeros.Shape.AsSpan().SequenceEqual(value.Shape))
        {
            zeros = _zeros[slot] = new Tensor((int[])value.Shape.Clone());
        }

        return zeros;
    }

    private void SetReuse(bool reuse)
    {
        foreach (var node in _nodes)
        {
            node.Layer.ReusesResults = reuse;
        }
    }

    private sealed class Node(Layer layer, int[] inputSlots, int[] outputSlots)
    {
        public Layer Layer { get; } = layer;

        public int[] InputSlots { get; } = inputSlots;

        public int[] OutputSlots { get; } = outputSlots;

        public Tensor[] Inputs { get; } = new Tensor[inputSlots.Length];

        public Tensor?[] InputMasks { get; } = new Tensor?[inputSlots.Length];

        public Tensor[] Outputs { get; } = new Tensor[outputSlots.Length];

        public Tensor?[] OutputMasks { get; } = new Tensor?[outputSlots.Length];

        public Tensor[] OutputGradients { get; } = new Tensor[outputSlots.Length];

        public Tensor[] InputGradients { get; } = new Tensor[inputSlots.Length];
    }
}
