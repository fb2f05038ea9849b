using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// Keras's Flatten: any per-sample shape → (product of its axes), the values in the same (row-major) order. No
/// parameters. A mask is refused, as Keras 2 refused it: flattening a sequence would mix its padding into the features.
/// </summary>
public sealed class Flatten : Layer, IConfigurableLayer
{
    private int[]? _lastShape;

    /// <inheritdoc/>
    public static string ConfigTypeName => "Flatten";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Has("data_format"))
        {
            config.Choice("data_format", ("channels_last", true));
        }

        return new Flatten();
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string> { ["data_format"] = "channels_last" };

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false)
    {
        int batch = CheckInput(input);
        var output = ResultTensor(ForwardResult, [batch, OutputShape[0]]);
        input.Data.AsSpan().CopyTo(output.Data);
        _lastShape = training ? (int[])input.Shape.Clone() : null;
        return output;
    }

    /// <summary>Without a mask, <see cref="Forward"/>; with one, NotSupportedException (see the class summary).</summary>
    public override Tensor ForwardMasked(Tensor input, Tensor? mask, bool training) => mask is null
        ? Forward(input, training)
        : throw new NotSupportedException("Flatten does not run on masked sequences: the padding would become features (pool them with GlobalAveragePooling1D instead).");

    /// <summary>dx is dy in the input's shape.</summary>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var shape = _lastShape ?? throw new InvalidOperationException("Flatten Backward needs a Forward with training: true first.");
        if (outputGradient.Rank != 2 || outputGradient.Shape[0] != shape[0] || outputGradient.Shape[1] != OutputShape[0])
        {
            throw new ArgumentException(
                $"Flatten output gradient must have shape {Tensor.FormatShape([shape[0], OutputShape[0]])}, got {Tensor.FormatShape(outputGradient.Shape)}.",
                nameof(outputGradient));
        }

        var dx = ResultTensor(BackwardResult, shape);
        outputGradient.Data.AsSpan().CopyTo(dx.Data);
        return dx;
    }

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length < 1 || inputShape.Any(d => d < 1))
        {
            throw new ArgumentException($"Flatten expects a per-sample input of positive sizes, got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        return [Tensor.ShapeLength(inputShape)];
    }
}
