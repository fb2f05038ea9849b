using System.Globalization;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// Keras's Masking: a step whose features all equal <see cref="MaskValue"/> is masked, so the recurrent layers after
/// it skip that step (their states carry through). Like Keras it also zeroes the masked steps' features it passes on,
/// and starts the mask: (B, T, F) → mask (B, T) with 1 where any feature differs from the mask value.
/// </summary>
public sealed class Masking : Layer, IConfigurableLayer
{
    private float[]? _lastKeep;
    private int[]? _lastShape;

    /// <summary>A Masking layer.</summary>
    /// <param name="maskValue">The value every feature of a masked step holds (Keras's default 0).</param>
    public Masking(float maskValue = 0f)
    {
        if (float.IsNaN(maskValue))
        {
            throw new ArgumentOutOfRangeException(nameof(maskValue), maskValue, "The mask value must be a number (NaN never equals itself).");
        }

        MaskValue = maskValue;
    }

    /// <summary>The type name in model files.</summary>
    public static string ConfigTypeName => "Masking";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>The value every feature of a masked step holds.</summary>
    public float MaskValue { get; }

    /// <summary>Recreates a Masking layer from the configuration <see cref="GetConfig"/> wrote.</summary>
    /// <param name="config">The saved configuration.</param>
    public static Layer FromConfig(LayerConfig config)
    {
        string text = config.Text("mask_value");
        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && !float.IsNaN(value)
            ? new Masking(value)
            : throw config.Error($"'mask_value' is '{text}', not a number");
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() =>
        new Dictionary<string, string> { ["mask_value"] = MaskValue.ToString("R", CultureInfo.InvariantCulture) };

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false)
    {
        // x (B, T, F) → x ⊙ keep (B, T, 1), keep = any feature ≠ mask value
        int batch = CheckInput(input);
        int steps = input.Shape[1];
        var keep = Keep(input, batch, steps);
        var output = new Tensor(input.Shape);
        int features = input.Shape[2];
        for (int s = 0; s < keep.Length; s++)
        {
            if (keep[s] != 0f)
            {
                input.Data.AsSpan(s * features, features).CopyTo(output.Data.AsSpan(s * features, features));
            }
        }

        (_lastKeep, _lastShape) = training ? (keep, (int[])input.Shape.Clone()) : (null, null);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor? ComputeMask(Tensor input, Tensor? mask)
    {
        int batch = CheckInput(input);
        int steps = input.Shape[1];
        return new Tensor(Keep(input, batch, steps), [batch, steps]);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var shape = _lastShape ?? throw new InvalidOperationException("Masking Backward needs a Forward with training: true first.");
        if (!outputGradient.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new ArgumentException(
                $"Masking output gradient must have shape {Tensor.FormatShape(shape)}, got {Tensor.FormatShape(outputGradient.Shape)}.", nameof(outputGradient));
        }

        var keep = _lastKeep!;
        int features = shape[2];
        var dx = new Tensor(shape);
        for (int s = 0; s < keep.Length; s++)
        {
            if (keep[s] != 0f)
            {
                outputGradient.Data.AsSpan(s * features, features).CopyTo(dx.Data.AsSpan(s * features, features));
            }
        }

        return dx;
    }

    /// <inheritdoc/>
    protected override bool AcceptsAnySequenceLength => true;

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length != 2)
        {
            throw new ArgumentException($"Masking expects per-sample input (time, features), got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        return (int[])inputShape.Clone();
    }

    // keep[b·T + t] is 1 when any feature of step t differs from the mask value, else 0.
    private float[] Keep(Tensor input, int batch, int steps)
    {
        int features = input.Shape[2];
        var keep = new float[batch * steps];
        for (int s = 0; s < keep.Length; s++)
        {
            var step = input.Data.AsSpan(s * features, features);
            keep[s] = step.IndexOfAnyExcept(MaskValue) >= 0 ? 1f : 0f;
        }

        return keep;
    }
}
