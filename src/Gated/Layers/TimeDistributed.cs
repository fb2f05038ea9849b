using System.Text.Json;
using System.Text;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// Applies an inner layer to every time step, as Keras's TimeDistributed: input (B, T, …) is seen as (B·T, …),
/// run through the inner layer, and the result (B·T, …out) seen again as (B, T, …out). The inner layer's
/// parameters are this layer's (one set shared by all steps); masks pass through.
/// </summary>
public sealed class TimeDistributed : Layer, IConfigurableLayer
{
    private int _lastBatch = -1;
    private int _lastSteps;

    /// <param name="inner">The layer applied at each step, not built yet: TimeDistributed builds it for one step's shape.</param>
    public TimeDistributed(Layer inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (inner.OutputCount != 1 || inner is MultiInputLayer)
        {
            throw new ArgumentException($"TimeDistributed wraps layers of one input and one output; {inner.TypeName} is not one.", nameof(inner));
        }

        if (inner.IsBuilt)
        {
            throw new ArgumentException(
                $"The inner {inner.TypeName} layer is already built; TimeDistributed builds it for one step's shape, so pass a new layer.", nameof(inner));
        }

        Inner = inner;
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "TimeDistributed";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>The wrapped layer, built for one step's shape (no batch or time axis); its parameters are this layer's.</summary>
    public Layer Inner { get; }

    /// <inheritdoc/>
    internal override bool IsQuantized => Inner.IsQuantized;

    /// <inheritdoc/>
    internal override bool QuantizeInt8() => Inner.QuantizeInt8();

    /// <inheritdoc/>
    internal override void ShareInt8Of(Layer source) => Inner.ShareInt8Of(((TimeDistributed)source).Inner);

    /// <inheritdoc/>
    internal override IEnumerable<(Parameter Parameter, Kernels.QuantizedMatrix Matrix)> Int8Parameters => Inner.Int8Parameters;

    /// <inheritdoc/>
    internal override void LoadInt8(IReadOnlyDictionary<Parameter, Kernels.QuantizedMatrix> matrices) => Inner.LoadInt8(matrices);

    /// <summary>Reads "layer": {"type": …, "config": {…}}, the same shape as a layer entry of a model file.</summary>
    public static Layer FromConfig(LayerConfig config)
    {
        string json = config.Text("layer");
        string type;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("config", out var configElement) || configElement.ValueKind != JsonValueKind.Object)
            {
                throw config.Error("'layer' is not an object with a string 'type' and an object 'config'");
            }

            type = typeElement.GetString()!;
            foreach (var property in configElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    throw config.Error($"'layer' config value '{property.Name}' is not a string");
                }

                values[property.Name] = property.Value.GetString()!;
            }
        }
        catch (JsonException e)
        {
            throw config.Error($"'layer' is not valid JSON ({e.Message.Split('\n')[0]})");
        }

        return new TimeDistributed(LayerRegistry.Create(type, values, config.SourceName));
    }

    /// <summary>One key, "layer": the inner layer's type and configuration as JSON, which <see cref="FromConfig"/> reads.</summary>
    public override IReadOnlyDictionary<string, string> GetConfig()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", Inner.TypeName);
            writer.WriteStartObject("config");
            foreach (var (key, value) in Inner.GetConfig())
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return new Dictionary<string, string> { ["layer"] = Encoding.UTF8.GetString(buffer.ToArray()) };
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false)
    {
        // x (B, T, …) → (B·T, …) → inner → (B·T, …out) → (B, T, …out); reshapes share the data, nothing is copied.
        int batch = CheckInput(input);
        int steps = input.Shape[1];
        var output = Inner.Forward(input.Reshape([batch * steps, .. input.Shape[2..]]), training);
        (_lastBatch, _lastSteps) = training ? (batch, steps) : (-1, 0);
        return output.Reshape([batch, steps, .. output.Shape[1..]]);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_lastBatch < 0)
        {
            throw new InvalidOperationException("TimeDistributed Backward needs a Forward with training: true first.");
        }

        int batch = _lastBatch, steps = _lastSteps;
        if (outputGradient.Rank != OutputShape.Length + 1 || outputGradient.Shape[0] != batch || outputGradient.Shape[1] != steps
            || !outputGradient.Shape.AsSpan(2).SequenceEqual(OutputShape.AsSpan(1)))
        {
            throw new ArgumentException(
                $"TimeDistributed output gradient must have shape {Tensor.FormatShape([batch, steps, .. OutputShape[1..]])}, got {Tensor.FormatShape(outputGradient.Shape)}.",
                nameof(outputGradient));
        }

        var dx = Inner.Backward(outputGradient.Reshape([batch * steps, .. outputGradient.Shape[2..]]));
        return dx.Reshape([batch, steps, .. dx.Shape[1..]]);
    }

    internal override SeededRandom? RandomStream => Inner.RandomStream;

    /// <inheritdoc/>
    protected override bool AcceptsAnySequenceLength => true;

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length < 2)
        {
            throw new ArgumentException(
                $"TimeDistributed expects per-sample input (time, …) with at least one axis per step, got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        Inner.Build(inputShape[1..], random);
        AddParametersOf(Inner);
        return [inputShape[0], .. Inner.OutputShape];
    }
}
