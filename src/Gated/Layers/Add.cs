namespace Gated.Layers;

/// <summary>
/// Keras's Add: y = x₀ + x₁ + … for two or more inputs of one per-sample shape, e.g. a residual connection. No
/// parameters; each input's gradient is dy. Inputs of different shapes are refused (Keras would broadcast them).
/// </summary>
public sealed class Add : ElementwiseMerge, IConfigurableLayer
{
    /// <inheritdoc/>
    public static string ConfigTypeName => "Add";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>Creates the layer; Add has no configuration.</summary>
    public static Layer FromConfig(LayerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Add();
    }

    /// <inheritdoc/>
    protected override void Accumulate(Span<float> result, ReadOnlySpan<float> input)
    {
        for (int i = 0; i < result.Length; i++)
        {
            result[i] += input[i];
        }
    }

    /// <summary>dx_k = dy.</summary>
    protected override void InputGradient(int input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient) =>
        outputGradient.CopyTo(inputGradient);
}
