using System.Globalization;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// Keras's Reshape: the per-sample shape becomes <see cref="TargetShape"/> (one axis may be −1, inferred at build),
/// the values in the same (row-major) order. No parameters. A mask is refused, as Keras 2 refused it: the time axis
/// it belongs to does not survive a reshape.
/// </summary>
public sealed class Reshape : Layer, IConfigurableLayer
{
    private readonly int[] _targetShape;
    private int[]? _lastShape;

    /// <summary>A layer giving each sample the shape <paramref name="targetShape"/>.</summary>
    /// <param name="targetShape">The per-sample output shape (no batch axis); positive sizes and at most one −1.</param>
    /// <exception cref="ArgumentException">The shape is empty, has a size below −1 or 0, or more than one −1.</exception>
    public Reshape(params int[] targetShape)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        if (targetShape.Length == 0 || targetShape.Any(d => d is 0 or < -1) || targetShape.Count(d => d == -1) > 1)
        {
            throw new ArgumentException(
                $"Reshape's target shape needs positive sizes and at most one -1, got {Tensor.FormatShape(targetShape)}.", nameof(targetShape));
        }

        _targetShape = (int[])targetShape.Clone();
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "Reshape";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>The per-sample target shape as given, −1 included.</summary>
    public IReadOnlyList<int> TargetShape => _targetShape;

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string text = config.Text("target_shape");
        string[] parts = text.Trim().TrimStart('[', '(').TrimEnd(']', ')').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out shape[i]) || shape[i] is 0 or < -1 || shape[i] > 1 << 24)
            {
                throw config.Error($"'target_shape' is '{text}', not a list of positive sizes and at most one -1");
            }
        }

        if (shape.Length == 0 || shape.Count(d => d == -1) > 1)
        {
            throw config.Error($"'target_shape' is '{text}', not a list of positive sizes and at most one -1");
        }

        return new Reshape(shape);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["target_shape"] = "[" + string.Join(", ", _targetShape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]",
    };

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false)
    {
        int batch = CheckInput(input);
        var output = ResultTensor(ForwardResult, [batch, .. OutputShape]);
        input.Data.AsSpan().CopyTo(output.Data);
        _lastShape = training ? (int[])input.Shape.Clone() : null;
        return output;
    }

    /// <summary>Without a mask, <see cref="Forward"/>; with one, NotSupportedException (see the class summary).</summary>
    public override Tensor ForwardMasked(Tensor input, Tensor? mask, bool training) => mask is null
        ? Forward(input, training)
        : throw new NotSupportedException("Reshape does not run on masked sequences: the mask's time axis does not survive the reshape.");

    /// <summary>The output has no mask (see the class summary).</summary>
    public override Tensor? ComputeMask(Tensor input, Tensor? mask) => null;

    /// <summary>dx is dy in the input's shape.</summary>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var shape = _lastShape ?? throw new InvalidOperationException("Reshape Backward needs a Forward with training: true first.");
        int[] expected = [shape[0], .. OutputShape];
        if (!outputGradient.Shape.AsSpan().SequenceEqual(expected))
        {
            throw new ArgumentException(
                $"Reshape output gradient must have shape {Tensor.FormatShape(expected)}, got {Tensor.FormatShape(outputGradient.Shape)}.", nameof(outputGradient));
        }

        var dx = ResultTensor(BackwardResult, shape);
        outputGradient.Data.AsSpan().CopyTo(dx.Data);
        return dx;
    }

    /// <inheritdoc/>
    internal override bool SetsOutputLength => true;

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length < 1 || inputShape.Any(d => d < 1))
        {
            throw new ArgumentException($"Reshape expects a per-sample input of positive sizes, got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        int total = Tensor.ShapeLength(inputShape);
        int known = 1;
        foreach (int d in _targetShape)
        {
            known *= d == -1 ? 1 : d;
        }

        int[] output = (int[])_targetShape.Clone();
        int free = Array.IndexOf(output, -1);
        if (free >= 0 && known > 0 && total % known == 0)
        {
            output[free] = total / known;
        }

        if (Tensor.ShapeLength(output.Select(d => Math.Max(d, 0)).ToArray()) != total || output.Contains(-1))
        {
            throw new ArgumentException(
                $"Reshape cannot turn input {Tensor.FormatShape(inputShape)} ({total} values) into {Tensor.FormatShape(_targetShape)}.", nameof(inputShape));
        }

        return output;
    }
}
