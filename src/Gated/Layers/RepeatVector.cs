using System.Globalization;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// Keras's RepeatVector: (batch, features) → (batch, n, features), y[b, t, f] = x[b, f] for every t &lt; n, e.g. to
/// feed an encoder's summary to a decoder at each step. No parameters. Its input has no time axis, so no mask can
/// reach it, and its output carries none (Keras's layer does not support masking).
/// </summary>
public sealed class RepeatVector : Layer, IConfigurableLayer
{
    private int _lastBatch = -1;

    /// <summary>A layer repeating its input <paramref name="n"/> times along a new time axis.</summary>
    /// <param name="n">The number of repetitions, the output's time axis.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is not positive.</exception>
    public RepeatVector(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        N = n;
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "RepeatVector";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>The number of repetitions.</summary>
    public int N { get; }

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RepeatVector(config.PositiveInt("n"));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["n"] = N.ToString(CultureInfo.InvariantCulture),
    };

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false)
    {
        int batch = CheckInput(input);
        int features = InputShape[0];
        var output = ResultTensor(ForwardResult, [batch, N, features]);
        for (int b = 0; b < batch; b++)
        {
            var xb = input.Data.AsSpan(b * features, features);
            for (int t = 0; t < N; t++)
            {
                xb.CopyTo(output.Data.AsSpan(((b * N) + t) * features, features));
            }
        }

        _lastBatch = training ? batch : -1;
        return output;
    }

    /// <summary>Without a mask, <see cref="Forward"/>; a mask cannot belong to a (batch, features) input and is refused.</summary>
    public override Tensor ForwardMasked(Tensor input, Tensor? mask, bool training) => mask is null
        ? Forward(input, training)
        : throw new NotSupportedException("RepeatVector takes (batch, features) inputs, which carry no time mask.");

    /// <summary>The output has no mask, as in Keras.</summary>
    public override Tensor? ComputeMask(Tensor input, Tensor? mask) => null;

    /// <inheritdoc/>
    internal override bool SetsOutputLength => true;

    /// <summary>dx[b, f] = Σ_t dy[b, t, f].</summary>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_lastBatch < 0)
        {
            throw new InvalidOperationException("RepeatVector Backward needs a Forward with training: true first.");
        }

        int batch = _lastBatch, features = InputShape[0];
        if (!outputGradient.Shape.AsSpan().SequenceEqual([batch, N, features]))
        {
            throw new ArgumentException(
                $"RepeatVector output gradient must have shape {Tensor.FormatShape([batch, N, features])}, got {Tensor.FormatShape(outputGradient.Shape)}.",
                nameof(outputGradient));
        }

        var dx = ResultTensor(BackwardResult, [batch, features]);
        var d = dx.Data.AsSpan();
        d.Clear();
        for (int b = 0; b < batch; b++)
        {
            var db = d.Slice(b * features, features);
            for (int t = 0; t < N; t++)
            {
                var dyt = outputGradient.Data.AsSpan(((b * N) + t) * features, features);
                for (int f = 0; f < features; f++)
                {
                    db[f] += dyt[f];
                }
            }
        }

        return dx;
    }

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length != 1 || inputShape[0] < 1)
        {
            throw new ArgumentException($"RepeatVector expects a per-sample input (features), got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        return [N, inputShape[0]];
    }
}
