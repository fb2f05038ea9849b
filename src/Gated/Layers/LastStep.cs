using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// The last time step: (batch, time, features) → (batch, features), y[b, f] = x[b, T − 1, f], as PyTorch's
/// <c>out[:, -1]</c>. No parameters; any sequence length. After a Bidirectional layer that returns sequences it gives
/// the forward direction's final state beside the backward direction's output at step T, which has read only x_T
/// (not that direction's final state, which <c>ReturnSequences = false</c> gives). A mask is refused: the last step
/// would be padding for post-padded sequences, and PyTorch's slice does not know the lengths either.
/// </summary>
public sealed class LastStep : Layer, IConfigurableLayer
{
    private int[]? _lastShape;

    /// <inheritdoc/>
    public static string ConfigTypeName => "LastStep";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config) => new LastStep();

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false)
    {
        int batch = CheckInput(input);
        int steps = input.Shape[1], features = InputShape[1];
        var output = ResultTensor(ForwardResult, [batch, features]);
        for (int b = 0; b < batch; b++)
        {
            input.Data.AsSpan((((b * steps) + steps - 1) * features), features).CopyTo(output.Data.AsSpan(b * features, features));
        }

        _lastShape = training ? (int[])input.Shape.Clone() : null;
        return output;
    }

    /// <summary>Without a mask, <see cref="Forward"/>; with one, NotSupportedException (see the class summary).</summary>
    public override Tensor ForwardMasked(Tensor input, Tensor? mask, bool training) => mask is null
        ? Forward(input, training)
        : throw new NotSupportedException("LastStep takes the last step whatever the mask says; it does not run on masked sequences (use ReturnSequences = false on the recurrent layer instead).");

    /// <summary>dx is dy at the last step and zero elsewhere.</summary>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var shape = _lastShape ?? throw new InvalidOperationException("LastStep Backward needs a Forward with training: true first.");
        int batch = shape[0], steps = shape[1], features = shape[2];
        if (outputGradient.Rank != 2 || outputGradient.Shape[0] != batch || outputGradient.Shape[1] != features)
        {
            throw new ArgumentException(
                $"LastStep output gradient must have shape {Tensor.FormatShape([batch, features])}, got {Tensor.FormatShape(outputGradient.Shape)}.",
                nameof(outputGradient));
        }

        var dx = ResultTensor(BackwardResult, shape);
        dx.Data.AsSpan().Clear();
        for (int b = 0; b < batch; b++)
        {
            outputGradient.Data.AsSpan(b * features, features).CopyTo(dx.Data.AsSpan((((b * steps) + steps - 1) * features), features));
        }

        return dx;
    }

    /// <inheritdoc/>
    protected override bool AcceptsAnySequenceLength => true;

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length != 2 || inputShape[0] < 1 || inputShape[1] < 1)
        {
            throw new ArgumentException($"LastStep expects a per-sample input (time, features), got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        return [inputShape[1]];
    }
}
