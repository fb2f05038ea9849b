using System.Globalization;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// Inverted dropout, as Keras's Dropout: in training each element is kept with probability 1 − rate, independently,
/// and kept values are scaled by 1 / (1 − rate) so the expected output equals the input; at inference the layer is
/// the identity. Any input shape; masks pass through.
/// </summary>
public sealed class Dropout : Layer, IConfigurableLayer
{
    private SeededRandom? _random;
    private float[]? _lastMask;
    private int[]? _lastShape;

    /// <param name="rate">Fraction of elements dropped, in [0, 1).</param>
    /// <param name="seed">Seed of the layer's own generator; without one it is drawn from the model's build seed.</param>
    public Dropout(double rate, ulong? seed = null)
    {
        if (!(rate >= 0 && rate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "Dropout rate must be in [0, 1).");
        }

        Rate = rate;
        Seed = seed;
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "Dropout";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>The probability that an element is zeroed in training, in [0, 1).</summary>
    public double Rate { get; }

    /// <summary>The seed given to the constructor; null when the layer's generator is seeded from the model's build generator.</summary>
    public ulong? Seed { get; }

    /// <summary>What a kept value is multiplied by: 1 / (1 − rate), rounded to float once.</summary>
    public float Scale => (float)(1.0 / (1.0 - Rate));

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config)
    {
        double rate = config.Number("rate", 0, 1);
        if (rate >= 1)
        {
            throw config.Error($"'rate' is '{config.Text("rate")}', not in [0, 1)");
        }

        ulong? seed = null;
        if (config.Has("seed"))
        {
            string text = config.Text("seed");
            seed = ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
                ? value
                : throw config.Error($"'seed' is '{text}', not an unsigned 64-bit integer");
        }

        return new Dropout(rate, seed);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig()
    {
        var config = new Dictionary<string, string> { ["rate"] = Rate.ToString("R", CultureInfo.InvariantCulture) };
        if (Seed is ulong seed)
        {
            config["seed"] = seed.ToString(CultureInfo.InvariantCulture);
        }

        return config;
    }

    /// <summary>In training, draws a fresh mask and returns x ⊙ mask · scale; otherwise returns the input itself.</summary>
    public override Tensor Forward(Tensor input, bool training = false)
    {
        CheckInput(input);
        _lastShape = training ? (int[])input.Shape.Clone() : null;
        if (!training || Rate == 0)
        {
            _lastMask = null;
            return input;
        }

        // mask[i] is 0 or the scale, so Backward's dx = dy ⊙ mask needs no second pass over a keep/drop flag.
        var random = _random!;
        float scale = Scale;
        var mask = new float[input.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextDouble() >= Rate ? scale : 0f;
        }

        var output = new Tensor(input.Shape);
        var x = input.Data;
        var y = output.Data;
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = x[i] * mask[i];
        }

        _lastMask = mask;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var shape = _lastShape ?? throw new InvalidOperationException("Dropout Backward needs a Forward with training: true first.");
        if (!outputGradient.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new ArgumentException(
                $"Dropout output gradient must have shape {Tensor.FormatShape(shape)}, got {Tensor.FormatShape(outputGradient.Shape)}.", nameof(outputGradient));
        }

        var dx = new Tensor(shape);
        var dy = outputGradient.Data;
        if (_lastMask is not float[] mask)
        {
            dy.CopyTo(dx.Data, 0);
            return dx;
        }

        for (int i = 0; i < dy.Length; i++)
        {
            dx.Data[i] = dy[i] * mask[i];
        }

        return dx;
    }

    internal override SeededRandom? RandomStream => _random;

    /// <inheritdoc/>
    protected override bool AcceptsAnySequenceLength => true;

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length == 0)
        {
            throw new ArgumentException("Dropout expects a per-sample input of at least one axis.", nameof(inputShape));
        }

        // Drawn even when a seed is given, so the weights of later layers do not depend on whether it was.
        ulong drawn = random.NextUInt64();
        _random = new SeededRandom(Seed ?? drawn);
        return (int[])inputShape.Clone();
    }
}
