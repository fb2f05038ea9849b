using Gated.Tensors;

namespace Gated.Training;

/// <summary>
/// What a <see cref="Trainer"/> needs from a model: a forward pass over a batch, the backward pass from the loss
/// gradient, all parameters and their gradients as flat buffers (so an optimizer update is one loop), and the
/// shape rules that let the trainer reject a bad batch before it runs.
/// </summary>
public interface ITrainableModel
{
    /// <summary>Every parameter of the model, in one flat buffer the optimizer updates in place.</summary>
    Span<float> ParameterValues { get; }

    /// <summary>The gradients, same layout as <see cref="ParameterValues"/>; <see cref="Backward"/> accumulates into them.</summary>
    Span<float> ParameterGradients { get; }

    /// <summary>
    /// Runs the model on a batch x (N, ...), keeping what <see cref="Backward"/> needs when training. The result may
    /// belong to the model and be overwritten by the next call: callers use or copy it at once.
    /// </summary>
    Tensor Forward(Tensor x, bool training);

    /// <summary>
    /// Back-propagates dLoss/dOutput of the last training <see cref="Forward"/>, adding every parameter's gradient
    /// into <see cref="ParameterGradients"/>.
    /// </summary>
    void Backward(Tensor outputGradient);

    /// <summary>Throws ArgumentException naming parameterName unless x is a batch of inputs this model takes.</summary>
    void CheckInputs(Tensor x, string parameterName);

    /// <summary>
    /// The shape, batch axis first, that <see cref="Forward"/> gives for x (already accepted by <see cref="CheckInputs"/>).
    /// The span may be reused by the next call, so training checks shapes without allocating.
    /// </summary>
    ReadOnlySpan<int> OutputShapeOf(Tensor x);
}
