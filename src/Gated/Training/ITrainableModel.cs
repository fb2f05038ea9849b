using Gated.Tensors;

namespace Gated.Training;

/// <summary>
/// What a <see cref="Trainer"/> needs from a model of one or several inputs and outputs: a forward pass over a batch
/// of each input, the backward pass from each output's loss gradient, all parameters and their gradients as flat
/// buffers (so an optimizer update is one loop), and the shape rules that let the trainer reject a bad batch before
/// it runs. A Sequential is the case of one input and one output.
/// </summary>
public interface ITrainableModel
{
    /// <summary>Every parameter of the model, in one flat buffer the optimizer updates in place.</summary>
    Span<float> ParameterValues { get; }

    /// <summary>The gradients, same layout as <see cref="ParameterValues"/>; <see cref="Backward"/> accumulates into them.</summary>
    Span<float> ParameterGradients { get; }

    /// <summary>How many input tensors a batch has.</summary>
    int InputCount { get; }

    /// <summary>The outputs' names, in output order; a model of several outputs logs each output's loss and metrics under its name.</summary>
    IReadOnlyList<string> OutputNames { get; }

    /// <summary>
    /// Runs the model on a batch of each input (N, ...), keeping what <see cref="Backward"/> needs when training. The
    /// list and its tensors may belong to the model and be overwritten by the next call: callers use or copy them at once.
    /// </summary>
    IReadOnlyList<Tensor> Forward(IReadOnlyList<Tensor> inputs, bool training);

    /// <summary>
    /// Back-propagates dLoss/d(each output) of the last training <see cref="Forward"/>, adding every parameter's
    /// gradient into <see cref="ParameterGradients"/>.
    /// </summary>
    void Backward(IReadOnlyList<Tensor> outputGradients);

    /// <summary>Throws ArgumentException naming parameterName unless inputs is one batch per input that this model takes.</summary>
    void CheckInputs(IReadOnlyList<Tensor> inputs, string parameterName);

    /// <summary>
    /// The shape, batch axis first, that <see cref="Forward"/> gives for output <paramref name="output"/> on inputs
    /// (already accepted by <see cref="CheckInputs"/>). The span may be reused by the next call, so training checks
    /// shapes without allocating.
    /// </summary>
    ReadOnlySpan<int> OutputShapeOf(IReadOnlyList<Tensor> inputs, int output);
}
