using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// A layer of several inputs and one output (Concatenate, Add, Multiply, Attention): it lives in functional models,
/// where each input comes from another layer. A chain (Sequential) cannot hold one: building it for one input shape
/// fails with the layer's own message. <see cref="Layer.InputShape"/> is the first input's shape.
/// </summary>
public abstract class MultiInputLayer : Layer
{
    private int[][]? _inputShapes;

    /// <summary>Per-sample shapes (no batch axis) of every input, in call order.</summary>
    /// <exception cref="InvalidOperationException">The layer is not built yet.</exception>
    public IReadOnlyList<int[]> InputShapes => _inputShapes ?? throw new InvalidOperationException($"{TypeName} layer is not built yet; call it in a functional model or call Build.");

    /// <summary>Creates and initialises the parameters for inputs of the given per-sample shapes.</summary>
    /// <exception cref="ArgumentException">The number of inputs or their shapes do not suit the layer; the message says why.</exception>
    public void Build(IReadOnlyList<int[]> inputShapes, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        ArgumentNullException.ThrowIfNull(random);
        if (inputShapes.Count == 0 || inputShapes.Any(s => s is null || s.Length == 0 || s.Any(d => d < 1)))
        {
            throw new ArgumentException($"{TypeName} needs input shapes of positive dimensions.", nameof(inputShapes));
        }

        var copies = inputShapes.Select(s => (int[])s.Clone()).ToArray();
        int[] output = BuildCore(copies, random);
        MarkBuilt(copies[0], output);
        _inputShapes = copies;
    }

    /// <summary>Runs the layer on a batch of each input, without masks. With training, keeps what Backward needs.</summary>
    public Tensor Forward(IReadOnlyList<Tensor> inputs, bool training = false) => Forward(inputs, new Tensor?[inputs.Count], training);

    /// <summary>
    /// Runs the layer on a batch of each input, with each input's (B, T) mask or null. With training, keeps what
    /// <see cref="BackwardInputs"/> needs. While <see cref="Layer"/>'s result reuse is on (inside a model's loops) the
    /// result may be the same tensor call after call.
    /// </summary>
    public abstract Tensor Forward(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, bool training = false);

    /// <summary>
    /// Given dLoss/dOutput of the last training Forward, adds parameter gradients and returns dLoss/d(each input), in
    /// input order. The list and its tensors may be reused by the next call.
    /// </summary>
    public abstract IReadOnlyList<Tensor> BackwardInputs(Tensor outputGradient);

    /// <summary>
    /// The output's mask, given the inputs and their masks. By default, as Keras's merge layers: null when no input has
    /// a mask or the output has no time axis; otherwise a step is real when it is real in every masked input.
    /// </summary>
    public virtual Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        Tensor? combined = null;
        if (OutputShape.Length < 2)
        {
            return null;
        }

        foreach (var mask in masks)
        {
            if (mask is null)
            {
                continue;
            }

            if (combined is null)
            {
                combined = mask.Clone();
                continue;
            }

            if (!combined.Shape.AsSpan().SequenceEqual(mask.Shape))
            {
                throw new ArgumentException($"{TypeName} inputs carry masks of different shapes: {Tensor.FormatShape(combined.Shape)} and {Tensor.FormatShape(mask.Shape)}.", nameof(masks));
            }

            var c = combined.Data.AsSpan();
            var m = mask.Data.AsSpan();
            for (int i = 0; i < c.Length; i++)
            {
                c[i] = c[i] != 0 && m[i] != 0 ? 1f : 0f;
            }
        }

        return combined;
    }

    /// <summary>A layer of several inputs runs on a list of them: this single-input entry point refuses.</summary>
    public sealed override Tensor Forward(Tensor input, bool training = false) => throw SingleInput();

    /// <summary>A layer of several inputs runs on a list of them: this single-input entry point refuses.</summary>
    public sealed override Tensor ForwardMasked(Tensor input, Tensor? mask, bool training) => throw SingleInput();

    /// <summary>A layer of several inputs returns a gradient per input: use <see cref="BackwardInputs"/>.</summary>
    public sealed override Tensor Backward(Tensor outputGradient) => throw SingleInput();

    /// <summary>
    /// Checks the number and per-sample shapes of the inputs, creates the parameters and returns the output's
    /// per-sample shape. Throw ArgumentException with a message a user can act on.
    /// </summary>
    /// <param name="inputShapes">Per-sample input shapes (no batch axis), copies the layer may keep.</param>
    /// <param name="random">The model's weight-initialisation generator.</param>
    protected abstract int[] BuildCore(IReadOnlyList<int[]> inputShapes, SeededRandom random);

    /// <summary>Built for a single input shape (as a chain would): the layer's own count check decides.</summary>
    protected sealed override int[] BuildCore(int[] inputShape, SeededRandom random) => BuildCore([inputShape], random);

    /// <summary>
    /// Checks that inputs has one batch of the built shape per input, with one batch size; returns it. A layer that
    /// accepts any sequence length takes any length on the time axis (axis 1) of a (batch, time, features…) input;
    /// with <paramref name="sameLength"/> those lengths must agree across inputs.
    /// </summary>
    protected int CheckInputs(IReadOnlyList<Tensor> inputs, bool sameLength = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var shapes = InputShapes;
        if (inputs.Count != shapes.Count)
        {
            throw new ArgumentException($"{TypeName} takes {shapes.Count} inputs, got {inputs.Count}.", nameof(inputs));
        }

        int batch = -1, length = -1;
        for (int k = 0; k < inputs.Count; k++)
        {
            var x = inputs[k] ?? throw new ArgumentNullException(nameof(inputs), $"{TypeName} input {k} is null.");
            bool timed = AcceptsAnySequenceLength && shapes[k].Length > 1;
            bool ok = x.Rank == shapes[k].Length + 1 && (batch < 0 || x.Shape[0] == batch)
                && (timed ? x.Shape[1] > 0 && x.Shape.AsSpan(2).SequenceEqual(shapes[k].AsSpan(1)) : x.Shape.AsSpan(1).SequenceEqual(shapes[k]));
            if (!ok)
            {
                string time = timed ? "time" : shapes[k][0].ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw new ArgumentException(
                    $"{TypeName} input {k} must be (batch{(batch < 0 ? "" : " " + batch)}, {string.Join(", ", [time, .. shapes[k][1..].Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))])}), got {Tensor.FormatShape(x.Shape)}.", nameof(inputs));
            }

            if (timed && sameLength)
            {
                if (length >= 0 && x.Shape[1] != length)
                {
                    throw new ArgumentException($"{TypeName} inputs must have one length: input 0 has {length} steps, input {k} {x.Shape[1]}.", nameof(inputs));
                }

                length = x.Shape[1];
            }

            batch = x.Shape[0];
        }

        return batch;
    }

    /// <summary>The tensor BackwardInputs returns for input k: see <see cref="Layer"/>'s result reuse.</summary>
    private protected Tensor InputGradientTensor(int input, ReadOnlySpan<int> shape) => ResultTensor(BackwardResult + input, shape);

    internal sealed override int[][] BuildCall(IReadOnlyList<int[]> inputShapes, SeededRandom random)
    {
        if (!IsBuilt)
        {
            Build(inputShapes, random);
        }
        else if (inputShapes.Count != InputShapes.Count || inputShapes.Where((s, k) => !s.AsSpan().SequenceEqual(InputShapes[k])).Any())
        {
            throw new ArgumentException(
                $"{TypeName} is built for inputs {string.Join(", ", InputShapes.Select(s => Tensor.FormatShape(s)))}; a call with {string.Join(", ", inputShapes.Select(s => Tensor.FormatShape(s)))} cannot share it.",
                nameof(inputShapes));
        }

        return [OutputShape];
    }

    internal sealed override void ForwardCall(Tensor[] inputs, Tensor?[] masks, bool training, Tensor[] outputs, Tensor?[] outputMasks)
    {
        outputMasks[0] = ComputeMask(inputs, masks);
        outputs[0] = Forward(inputs, masks, training);
    }

    internal sealed override void BackwardCall(Tensor[] outputGradients, Tensor[] inputGradients)
    {
        var gradients = BackwardInputs(outputGradients[0]);
        for (int k = 0; k < inputGradients.Length; k++)
        {
            inputGradients[k] = gradients[k];
        }
    }

    private NotSupportedException SingleInput() =>
        new($"{TypeName} takes {(_inputShapes is null ? "several" : _inputShapes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))} inputs: call it on a list of tensors, or in a functional Model.");
}
