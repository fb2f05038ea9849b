using System.Globalization;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// Turns each group of Q consecutive values z₀…z_{Q−1} into non-decreasing ones, so quantile outputs never cross:
///     out₀ = z₀,   out_k = out_{k−1} + softplus(z_k)   (softplus(z) = max(z, 0) + log(1 + e^{−|z|}), never overflowing).
/// Input (K·Q) per sample, the quantiles fastest, as PinballLoss reads them; the output has
/// the same shape. No parameters. Put it after Dense(K·Q); wrap it in TimeDistributed for a per-step output.
/// </summary>
public sealed class MonotoneQuantiles : Layer, IConfigurableLayer
{
    private Tensor? _lastInput;

    /// <summary>A layer making every group of <paramref name="quantiles"/> consecutive outputs non-decreasing.</summary>
    /// <param name="quantiles">Q, the group size: the number of quantile levels per step (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantiles"/> is less than 1.</exception>
    public MonotoneQuantiles(int quantiles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantiles, 1);
        Quantiles = quantiles;
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "MonotoneQuantiles";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>Q, the number of consecutive values made non-decreasing together.</summary>
    public int Quantiles { get; }

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config) => new MonotoneQuantiles(config.PositiveInt("quantiles"));

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() =>
        new Dictionary<string, string> { ["quantiles"] = Quantiles.ToString(CultureInfo.InvariantCulture) };

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false)
    {
        CheckInput(input);
        var output = ResultTensor(ForwardResult, input.Shape);
        var z = input.Data.AsSpan();
        var y = output.Data.AsSpan();
        int q = Quantiles;
        for (int start = 0; start < z.Length; start += q)
        {
            // The running sum is kept in double; rounding each partial sum to float keeps the order, so outputs never decrease.
            double sum = z[start];
            y[start] = z[start];
            for (int k = 1; k < q; k++)
            {
                sum += Softplus(z[start + k]);
                y[start + k] = (float)sum;
            }
        }

        _lastInput = training ? input : null;
        return output;
    }

    /// <summary>dz₀ = Σ_j dout_j and dz_k = sigmoid(z_k) · Σ_{j≥k} dout_j for k ≥ 1: each z_k raises every later output.</summary>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var input = _lastInput ?? throw new InvalidOperationException("MonotoneQuantiles Backward needs a Forward with training: true first.");
        if (!outputGradient.Shape.AsSpan().SequenceEqual(input.Shape))
        {
            throw new ArgumentException(
                $"MonotoneQuantiles output gradient must have shape {Tensor.FormatShape(input.Shape)}, got {Tensor.FormatShape(outputGradient.Shape)}.",
                nameof(outputGradient));
        }

        var dx = ResultTensor(BackwardResult, input.Shape);
        var z = input.Data.AsSpan();
        var dy = outputGradient.Data.AsSpan();
        var d = dx.Data.AsSpan();
        int q = Quantiles;
        for (int start = 0; start < z.Length; start += q)
        {
            double suffix = 0;
            for (int k = q - 1; k >= 1; k--)
            {
                suffix += dy[start + k];
                d[start + k] = (float)(Sigmoid(z[start + k]) * suffix);
            }

            d[start] = (float)(suffix + dy[start]);
        }

        return dx;
    }

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length != 1 || inputShape[0] < 1 || inputShape[0] % Quantiles != 0)
        {
            throw new ArgumentException(
                $"MonotoneQuantiles({Quantiles}) expects a per-sample input of one axis whose length is a multiple of {Quantiles} (steps × quantiles), got {Tensor.FormatShape(inputShape)}.",
                nameof(inputShape));
        }

        return (int[])inputShape.Clone();
    }

    // max(z, 0) + log1p(e^{−|z|}): the exponent is never positive, so nothing overflows for any finite z.
    private static double Softplus(double z) => Math.Max(z, 0) + Log1P(Math.Exp(-Math.Abs(z)));

    private static double Sigmoid(double z)
    {
        if (z >= 0)
        {
            return 1 / (1 + Math.Exp(-z));
        }

        double e = Math.Exp(z);
        return e / (1 + e);
    }

    // log(1 + x) accurate for tiny x (Goldberg's trick: the rounding of 1 + x cancels in log(u) · x / (u − 1)).
    private static double Log1P(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }
}
