namespace Gated.Layers;

/// <summary>
/// Keras's Multiply: y = x₀ · x₁ · … elementwise for two or more inputs of one per-sample shape, e.g. a gate applied
/// to features. No parameters. Inputs of different shapes are refused (Keras would broadcast them).
/// </summary>
public sealed class Multiply : ElementwiseMerge, IConfigurableLayer
{
    /// <inheritdoc/>
    public static string ConfigTypeName => "Multiply";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>Creates the layer; Multiply has no configuration.</summary>
    public static Layer FromConfig(LayerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Multiply();
    }

    /// <inheritdoc/>
    protected override void Accumulate(Span<float> result, ReadOnlySpan<float> input)
    {
        for (int i = 0; i < result.Length; i++)
        {
            result[i] *= input[i];
        }
    }

    /// <summary>
    /// dx_k = dy · Π_{j≠k} x_j, multiplied out rather than y / x_k, so an input that is zero still gets its gradient.
    /// </summary>
    protected override void InputGradient(int input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        var inputs = LastInputs;
        outputGradient.CopyTo(inputGradient);
        for (int j = 0; j < inputs.Count; j++)
        {
            if (j == input)
            {
                continue;
            }

            Accumulate(inputGradient, inputs[j].Data);
        }
    }
}
