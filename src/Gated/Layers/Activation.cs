using Gated.Kernels;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// Applies an activation function, as Keras's Activation layer: linear, sigmoid, tanh and relu element-wise,
/// softmax over the last axis. Any input shape; the output has the same shape; masks pass through.
/// A classifier ends Dense(1) → Activation("sigmoid") or Dense(C) → Activation("softmax").
/// </summary>
public sealed class Activation : Layer, IConfigurableLayer
{
    private static readonly (string Name, ActivationKind Kind)[] Names =
    [
        ("linear", ActivationKind.Linear),
        ("sigmoid", ActivationKind.Sigmoid),
        ("tanh", ActivationKind.Tanh),
        ("relu", ActivationKind.Relu),
        ("softmax", ActivationKind.Softmax),
    ];

    private Tensor? _lastOutput;

    /// <summary>An activation layer applying <paramref name="kind"/>.</summary>
    /// <param name="kind">The function to apply.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined <see cref="ActivationKind"/>.</exception>
    public Activation(ActivationKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation.");
        }

        Kind = kind;
    }

    /// <param name="kind">A Keras name: linear, sigmoid, tanh, relu or softmax.</param>
    public Activation(string kind)
        : this(Parse(kind))
    {
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "Activation";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>The function the layer applies.</summary>
    public ActivationKind Kind { get; }

    /// <summary>The Keras name of the function ("sigmoid", ...).</summary>
    public string KindName => NameOf(Kind);

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config) => new Activation(config.Choice("activation", Names));

    /// <summary>The kind for a Keras name; ArgumentException naming kind for anything else.</summary>
    public static ActivationKind Parse(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        foreach (var (name, value) in Names)
        {
            if (name == kind)
            {
                return value;
            }
        }

        throw new ArgumentException($"Unknown activation '{kind}'; expected one of {string.Join(", ", Names.Select(n => n.Name))}.", nameof(kind));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string> { ["activation"] = KindName };

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false)
    {
        CheckInput(input);
        var output = ResultTensor(ForwardResult, input.Shape);
        var x = input.Data.AsSpan();
        var y = output.Data.AsSpan();
        switch (Kind)
        {
            case ActivationKind.Linear:
                x.CopyTo(y);
                break;
            case ActivationKind.Sigmoid:
                Activations.Sigmoid(x, y);
                break;
            case ActivationKind.Tanh:
                Activations.Tanh(x, y);
                break;
            case ActivationKind.Relu:
                for (int i = 0; i < x.Length; i++)
                {
                    // Written so NaN propagates rather than turning into 0.
                    y[i] = x[i] < 0f ? 0f : x[i];
                }

                break;
            default:
                Softmax(x, y, InputShape[^1]);
                break;
        }

        _lastOutput = training ? output : null;
        return output;
    }

    /// <summary>dx from the kept output y: σ' = y(1 − y), tanh' = 1 − y², relu' = [y &gt; 0], softmax dx = y ⊙ (dy − Σ dy·y).</summary>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var output = _lastOutput ?? throw new InvalidOperationException("Activation Backward needs a Forward with training: true first.");
        if (!outputGradient.Shape.AsSpan().SequenceEqual(output.Shape))
        {
            throw new ArgumentException(
                $"Activation output gradient must have shape {Tensor.FormatShape(output.Shape)}, got {Tensor.FormatShape(outputGradient.Shape)}.",
                nameof(outputGradient));
        }

        var dx = new Tensor(output.Shape);
        var y = output.Data.AsSpan();
        var dy = outputGradient.Data.AsSpan();
        var d = dx.Data.AsSpan();
        switch (Kind)
        {
            case ActivationKind.Linear:
                dy.CopyTo(d);
                break;
            case ActivationKind.Sigmoid:
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = dy[i] * y[i] * (1f - y[i]);
                }

                break;
            case ActivationKind.Tanh:
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = dy[i] * (1f - (y[i] * y[i]));
                }

                break;
            case ActivationKind.Relu:
                for (int i = 0; i < d.Length; i++)
                {
                    // y > 0 exactly where x > 0; at x = 0 the gradient is 0, as TensorFlow and PyTorch take it.
                    d[i] = y[i] > 0f ? dy[i] : 0f;
                }

                break;
            default:
                SoftmaxBackward(y, dy, d, InputShape[^1]);
                break;
        }

        return dx;
    }

    /// <inheritdoc/>
    protected override bool AcceptsAnySequenceLength => true;

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length == 0 || inputShape[^1] < 1)
        {
            throw new ArgumentException($"Activation expects a per-sample input of at least one axis, got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        return (int[])inputShape.Clone();
    }

    private static string NameOf(ActivationKind kind) => Names.First(n => n.Kind == kind).Name;

    // x, y (rows, C) row-major; each row shifted by its maximum first, so exp never overflows and the largest term is 1.
    private static void Softmax(ReadOnlySpan<float> x, Span<float> y, int classes)
    {
        for (int start = 0; start < x.Length; start += classes)
        {
            var xr = x.Slice(start, classes);
            var yr = y.Slice(start, classes);
            float max = float.NegativeInfinity;
            foreach (float v in xr)
            {
                max = MathF.Max(max, v);
            }

            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                yr[c] = MathF.Exp(xr[c] - max);
                sum += yr[c];
            }

            float inverse = (float)(1.0 / sum);
            for (int c = 0; c < classes; c++)
            {
                yr[c] *= inverse;
            }
        }
    }

    // The softmax Jacobian is diag(y) − y yᵀ, so its product with dy is y ⊙ (dy − ⟨dy, y⟩) per row.
    private static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int classes)
    {
        for (int start = 0; start < y.Length; start += classes)
        {
            var yr = y.Slice(start, classes);
            var dyr = dy.Slice(start, classes);
            double dot = 0;
            for (int c = 0; c < classes; c++)
            {
                dot += (double)dyr[c] * yr[c];
            }

            for (int c = 0; c < classes; c++)
            {
                dx[start + c] = (float)(yr[c] * (dyr[c] - dot));
            }
        }
    }
}
