using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// The mean over the time axis, as Keras's GlobalAveragePooling1D: (batch, time, features) → (batch, features),
///     y[b, f] = Σ_t m[b, t] · x[b, t, f] / Σ_t m[b, t],
/// where m is the mask an earlier layer made (1 = real step, 0 = padding), or all ones without one, so with a mask
/// only real steps count (a sample with none gives zeros). <see cref="GlobalAveragePooling1D"/> is this layer under Keras's name. No parameters; any sequence length. PyTorch's
/// <c>out.mean(dim=1)</c> on a recurrent layer's output sequence is this layer after one that returns sequences.
/// </summary>
public class TimeMean : Layer, IConfigurableLayer
{
    private int[]? _lastShape;
    private float[]? _lastWeights; // (B, T): m[b, t] / Σ_t m[b, t], what each step contributes

    /// <inheritdoc/>
    public static string ConfigTypeName => "TimeMean";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config) => new TimeMean();

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false) => ForwardMasked(input, null, training);

    /// <summary>The mean of the real steps (every step without <paramref name="mask"/>); the output carries no mask.</summary>
    public override Tensor ForwardMasked(Tensor input, Tensor? mask, bool training)
    {
        int batch = CheckInput(input);
        int steps = input.Shape[1], features = InputShape[1];
        float[] weights = StepWeights(mask, batch, steps);
        var output = ResultTensor(ForwardResult, [batch, features]);
        var x = input.Data.AsSpan();
        var y = output.Data.AsSpan();
        y.Clear();
        for (int b = 0; b < batch; b++)
        {
            var yb = y.Slice(b * features, features);
            for (int t = 0; t < steps; t++)
            {
                float w = weights[(b * steps) + t];
                if (w == 0f)
                {
                    continue;
                }

                var xt = x.Slice(((b * steps) + t) * features, features);
                for (int f = 0; f < features; f++)
                {
                    yb[f] += w * xt[f];
                }
            }
        }

        _lastShape = training ? (int[])input.Shape.Clone() : null;
        _lastWeights = training ? weights : null;
        return output;
    }

    /// <summary>dx[b, t, f] = dy[b, f] · m[b, t] / Σ_t m[b, t]: each real step gets its share of the gradient.</summary>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var shape = _lastShape ?? throw new InvalidOperationException($"{TypeName} Backward needs a Forward with training: true first.");
        int batch = shape[0], steps = shape[1], features = shape[2];
        if (outputGradient.Rank != 2 || outputGradient.Shape[0] != batch || outputGradient.Shape[1] != features)
        {
            throw new ArgumentException(
                $"{TypeName} output gradient must have shape {Tensor.FormatShape([batch, features])}, got {Tensor.FormatShape(outputGradient.Shape)}.",
                nameof(outputGradient));
        }

        var dx = ResultTensor(BackwardResult, shape);
        var dy = outputGradient.Data.AsSpan();
        var d = dx.Data.AsSpan();
        for (int b = 0; b < batch; b++)
        {
            var dyb = dy.Slice(b * features, features);
            for (int t = 0; t < steps; t++)
            {
                float w = _lastWeights![(b * steps) + t];
                var dt = d.Slice(((b * steps) + t) * features, features);
                for (int f = 0; f < features; f++)
                {
                    dt[f] = w * dyb[f];
                }
            }
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
            throw new ArgumentException($"{TypeName} expects a per-sample input (time, features), got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        return [inputShape[1]];
    }

    // m[b, t] / Σ_t m[b, t] per step: 1/T each without a mask; zeros for a sample with no real step.
    private static float[] StepWeights(Tensor? mask, int batch, int steps)
    {
        float[] weights = new float[batch * steps];
        if (mask is null)
        {
            Array.Fill(weights, 1f / steps);
            return weights;
        }

        if (mask.Rank != 2 || mask.Shape[0] != batch || mask.Shape[1] != steps)
        {
            throw new ArgumentException($"TimeMean mask must have shape {Tensor.FormatShape([batch, steps])}, got {Tensor.FormatShape(mask.Shape)}.", nameof(mask));
        }

        for (int b = 0; b < batch; b++)
        {
            var m = mask.Data.AsSpan(b * steps, steps);
            int real = 0;
            foreach (float v in m)
            {
                real += v != 0f ? 1 : 0;
            }

            for (int t = 0; t < steps && real > 0; t++)
            {
                weights[(b * steps) + t] = m[t] != 0f ? 1f / real : 0f;
            }
        }

        return weights;
    }
}
