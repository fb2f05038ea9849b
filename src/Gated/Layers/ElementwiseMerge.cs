using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// The part Keras's elementwise merge layers (Add, Multiply) share: two or more inputs of one per-sample shape, an
/// output of that shape whose every element depends only on the inputs' elements at the same position. No parameters.
/// Masks do not change the values; the output's mask is <see cref="MultiInputLayer.ComputeMask"/>'s. Unlike Keras,
/// inputs of different shapes are refused, not broadcast.
/// </summary>
public abstract class ElementwiseMerge : MultiInputLayer
{
    private Tensor[]? _lastInputs;
    private Tensor[]? _gradients;

    /// <summary>The inputs of the last training Forward, for <see cref="InputGradient"/>.</summary>
    protected IReadOnlyList<Tensor> LastInputs => _lastInputs ?? throw new InvalidOperationException($"{TypeName} Backward needs a Forward with training: true first.");

    /// <summary>Runs the merge on a batch of each input; one mask (or null) per input; masks do not change the values.</summary>
    public sealed override Tensor Forward(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, bool training = false)
    {
        CheckInputs(inputs, sameLength: true);
        ArgumentNullException.ThrowIfNull(masks);
        if (masks.Count != inputs.Count)
        {
            throw new ArgumentException($"{TypeName} takes one mask (or null) per input: {inputs.Count} inputs, {masks.Count} masks.", nameof(masks));
        }

        var output = ResultTensor(ForwardResult, inputs[0].Shape);
        var y = output.Data.AsSpan();
        inputs[0].Data.AsSpan().CopyTo(y);
        for (int k = 1; k < inputs.Count; k++)
        {
            Accumulate(y, inputs[k].Data);
        }

        if (!training)
        {
            _lastInputs = null;
            return output;
        }

        // References, as Dense keeps its input: the inputs stay valid until this layer's Backward.
        if (_lastInputs is null || _lastInputs.Length != inputs.Count)
        {
            _lastInputs = new Tensor[inputs.Count];
        }

        for (int k = 0; k < inputs.Count; k++)
        {
            _lastInputs[k] = inputs[k];
        }

        return output;
    }

    /// <summary>dLoss/d(each input) from dLoss/dOutput, each of the output's shape, through <see cref="InputGradient"/>.</summary>
    public sealed override IReadOnlyList<Tensor> BackwardInputs(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var inputs = LastInputs;
        var shape = inputs[0].Shape;
        if (!outputGradient.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new ArgumentException(
                $"{TypeName} output gradient must have shape {Tensor.FormatShape(shape)}, got {Tensor.FormatShape(outputGradient.Shape)}.", nameof(outputGradient));
        }

        _gradients ??= new Tensor[inputs.Count];
        for (int k = 0; k < inputs.Count; k++)
        {
            _gradients[k] = InputGradientTensor(k, shape);
            InputGradient(k, outputGradient.Data, _gradients[k].Data);
        }

        return _gradients;
    }

    /// <summary>Empty: an elementwise merge has no hyper-parameters.</summary>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>();

    /// <summary>
    /// The merge's operation ∘, folded over the inputs: y = ((x₀ ∘ x₁) ∘ x₂) ∘ …. Sets <paramref name="result"/>[i] to
    /// <paramref name="result"/>[i] ∘ <paramref name="input"/>[i] for every i.
    /// </summary>
    /// <param name="result">The values so far, updated in place.</param>
    /// <param name="input">The next input's values, of the same length.</param>
    protected abstract void Accumulate(Span<float> result, ReadOnlySpan<float> input);

    /// <summary>
    /// Writes dLoss/d(input <paramref name="input"/>) from dLoss/dOutput; the forward inputs are <see cref="LastInputs"/>.
    /// </summary>
    /// <param name="input">Which input, in call order.</param>
    /// <param name="outputGradient">dLoss/dOutput.</param>
    /// <param name="inputGradient">The gradient's values, to overwrite.</param>
    protected abstract void InputGradient(int input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient);

    /// <summary>Refuses fewer than two inputs, or inputs of different per-sample shapes; the output has their shape.</summary>
    /// <summary>Inputs of (batch, time, …) take any one length, as in Keras.</summary>
    protected override bool AcceptsAnySequenceLength => true;

    /// <inheritdoc/>
    protected sealed override int[] BuildCore(IReadOnlyList<int[]> inputShapes, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count < 2)
        {
            throw new ArgumentException(
                $"{TypeName} merges at least 2 inputs, got {inputShapes.Count}: call it on a list of tensors in a functional Model (a Sequential cannot hold it).",
                nameof(inputShapes));
        }

        for (int k = 1; k < inputShapes.Count; k++)
        {
            if (!inputShapes[k].AsSpan().SequenceEqual(inputShapes[0]))
            {
                throw new ArgumentException(
                    $"{TypeName} needs inputs of one shape: input 0 is {Tensor.FormatShape(inputShapes[0])}, input {k} is {Tensor.FormatShape(inputShapes[k])} (broadcasting is not supported).",
                    nameof(inputShapes));
            }
        }

        return (int[])inputShapes[0].Clone();
    }
}
