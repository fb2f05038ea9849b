using System.Globalization;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// Keras's LayerNormalization on the last axis: for each position's F features,
///     y = gamma · (x − mean) / sqrt(var + ε) + beta,
/// with mean and the biased variance taken over those F values, gamma (F) starting at ones and beta (F) at zeros.
/// Input (features) or (time, features), any sequence length. A mask passes through unchanged, as in Keras: each
/// position is normalised on its own, so padding never touches a real step.
/// </summary>
public sealed class LayerNormalization : Layer, IConfigurableLayer
{
    private Parameter? _gamma;
    private Parameter? _beta;
    private float[]? _lastNormalized; // x̂ = (x − mean) / sqrt(var + ε), (rows, F)
    private float[]? _lastInverseStd;  // 1 / sqrt(var + ε), (rows)
    private int[]? _lastShape;

    /// <summary>A layer normalisation over the last axis.</summary>
    /// <param name="epsilon">ε added to the variance (Keras's default 1e-3); in (0, 1].</param>
    /// <param name="center">Whether to add the learned offset beta.</param>
    /// <param name="scale">Whether to multiply by the learned scale gamma.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is not in (0, 1].</exception>
    public LayerNormalization(double epsilon = 1e-3, bool center = true, bool scale = true)
    {
        if (!(epsilon > 0 && epsilon <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "LayerNormalization epsilon must be in (0, 1].");
        }

        Epsilon = epsilon;
        Center = center;
        Scale = scale;
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "LayerNormalization";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>ε added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Whether the layer adds beta.</summary>
    public bool Center { get; }

    /// <summary>Whether the layer multiplies by gamma.</summary>
    public bool Scale { get; }

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Has("axis") && config.Text("axis") is not ("-1" or "[-1]"))
        {
            throw config.Error($"'axis' is '{config.Text("axis")}'; only the last axis (-1) is supported");
        }

        return new LayerNormalization(config.Number("epsilon", 1e-30, 1), config.Bool("center"), config.Bool("scale"));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["axis"] = "-1",
        ["epsilon"] = Epsilon.ToString("R", CultureInfo.InvariantCulture),
        ["center"] = Center ? "true" : "false",
        ["scale"] = Scale ? "true" : "false",
    };

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false)
    {
        CheckInput(input);
        int features = InputShape[^1];
        int rows = input.Length / features;
        var output = ResultTensor(ForwardResult, input.Shape);
        float[] normalized = training ? new float[input.Length] : [];
        float[] inverseStd = training ? new float[rows] : [];
        var x = input.Data.AsSpan();
        var y = output.Data.AsSpan();
        ReadOnlySpan<float> gamma = _gamma is null ? default : _gamma.Values;
        ReadOnlySpan<float> beta = _beta is null ? default : _beta.Values;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * features, features);
            var yr = y.Slice(r * features, features);

            // mean and biased variance of the row, accumulated in double
            double sum = 0;
            foreach (float v in xr)
            {
                sum += v;
            }

            double mean = sum / features, squares = 0;
            foreach (float v in xr)
            {
                squares += (v - mean) * (v - mean);
            }

            float inv = (float)(1.0 / Math.Sqrt((squares / features) + Epsilon));
            for (int f = 0; f < features; f++)
            {
                float xhat = (float)(xr[f] - mean) * inv;
                if (training)
                {
                    normalized[(r * features) + f] = xhat;
                }

                yr[f] = (Scale ? gamma[f] * xhat : xhat) + (Center ? beta[f] : 0f);
            }

            if (training)
            {
                inverseStd[r] = inv;
            }
        }

        _lastNormalized = training ? normalized : null;
        _lastInverseStd = training ? inverseStd : null;
        _lastShape = training ? (int[])input.Shape.Clone() : null;
        return output;
    }

    /// <summary>
    /// dgamma += Σ dy · x̂, dbeta += Σ dy, and with g = dy · gamma per row:
    /// dx = (g − mean(g) − x̂ · mean(g · x̂)) / sqrt(var + ε).
    /// </summary>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var shape = _lastShape ?? throw new InvalidOperationException("LayerNormalization Backward needs a Forward with training: true first.");
        if (!outputGradient.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new ArgumentException(
                $"LayerNormalization output gradient must have shape {Tensor.FormatShape(shape)}, got {Tensor.FormatShape(outputGradient.Shape)}.",
                nameof(outputGradient));
        }

        int features = shape[^1];
        int rows = outputGradient.Length / features;
        var dy = outputGradient.Data.AsSpan();
        var dx = ResultTensor(BackwardResult, shape);
        var d = dx.Data.AsSpan();
        var xhat = _lastNormalized!.AsSpan();
        Span<float> dGamma = _gamma is null ? default : _gamma.Gradients;
        Span<float> dBeta = _beta is null ? default : _beta.Gradients;
        ReadOnlySpan<float> gamma = _gamma is null ? default : _gamma.Values;
        for (int r = 0; r < rows; r++)
        {
            var dyr = dy.Slice(r * features, features);
            var xr = xhat.Slice(r * features, features);
            var dr = d.Slice(r * features, features);
            double sumG = 0, sumGx = 0;
            for (int f = 0; f < features; f++)
            {
                if (Scale)
                {
                    dGamma[f] += dyr[f] * xr[f];
                }

                if (Center)
                {
                    dBeta[f] += dyr[f];
                }

                float g = Scale ? dyr[f] * gamma[f] : dyr[f];
                dr[f] = g;
                sumG += g;
                sumGx += g * xr[f];
            }

            float meanG = (float)(sumG / features), meanGx = (float)(sumGx / features), inv = _lastInverseStd![r];
            for (int f = 0; f < features; f++)
            {
                dr[f] = (dr[f] - meanG - (xr[f] * meanGx)) * inv;
            }
        }

        return dx;
    }

    /// <inheritdoc/>
    protected override bool AcceptsAnySequenceLength => true;

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length is < 1 or > 2 || inputShape.Any(d => d < 1))
        {
            throw new ArgumentException(
                $"LayerNormalization expects per-sample input (features) or (time, features), got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        int features = inputShape[^1];
        if (Scale)
        {
            _gamma = AddParameter("gamma", features);
            _gamma.Values.Fill(1f);
        }

        if (Center)
        {
            _beta = AddParameter("beta", features);
        }

        return (int[])inputShape.Clone();
    }
}
