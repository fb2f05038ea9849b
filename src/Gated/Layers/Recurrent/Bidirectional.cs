using System.Text.Json;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers.Recurrent;

/// <summary>
/// Runs a recurrent layer forwards and a copy of it backwards over the same sequence and merges the outputs
/// (Keras's Bidirectional). With sequences the backward outputs are flipped back so step t of both lines up;
/// with a mask or lengths the backward direction starts at each sequence's last real step (PyTorch's packed
/// bidirectional). States are the forward layer's followed by the backward layer's.
/// Parameters are both layers', named forward/… and backward/….
/// </summary>
public sealed class Bidirectional : Layer, IConfigurableLayer
{
    private Tensor? _forwardOutput;
    private Tensor? _backwardOutput;

    /// <summary>
    /// Wraps <paramref name="layer"/> as the forward direction and creates the backward one from its configuration
    /// with go_backwards inverted, so both start with the same options but separate weights.
    /// </summary>
    /// <param name="layer">An unbuilt, non-stateful recurrent layer.</param>
    /// <param name="merge">How the two outputs combine; Concat doubles the last axis to 2H.</param>
    /// <exception cref="ArgumentException"><paramref name="layer"/> is already built or stateful.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="merge"/> is not defined.</exception>
    public Bidirectional(RecurrentLayer layer, BidirectionalMerge merge = BidirectionalMerge.Concat)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.IsBuilt)
        {
            throw new ArgumentException("Wrap a layer that is not built yet.", nameof(layer));
        }

        if (!Enum.IsDefined(merge))
        {
            throw new ArgumentOutOfRangeException(nameof(merge), merge, "Unknown merge mode.");
        }

        if (layer.Options.Stateful)
        {
            throw new ArgumentException("Bidirectional does not wrap stateful layers.", nameof(layer));
        }

        if (layer.Options.ReturnState)
        {
            throw new ArgumentException("Bidirectional does not wrap layers with return_state; call each direction's layer in a functional model instead.", nameof(layer));
        }

        Merge = merge;
        ForwardLayer = layer;
        var config = new Dictionary<string, string>(layer.GetConfig()) { ["go_backwards"] = layer.Options.GoBackwards ? "false" : "true" };
        BackwardLayer = (RecurrentLayer)LayerRegistry.Create(layer.TypeName, config, "Bidirectional");
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "Bidirectional";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>How the forward and backward outputs combine.</summary>
    public BidirectionalMerge Merge { get; }

    /// <summary>The layer passed to the constructor, run in its own direction; its configuration is what model files store.</summary>
    public RecurrentLayer ForwardLayer { get; }

    /// <inheritdoc/>
    internal override bool IsQuantized => ForwardLayer.IsQuantized;

    /// <inheritdoc/>
    internal override bool QuantizeInt8() => ForwardLayer.QuantizeInt8() & BackwardLayer.QuantizeInt8();

    /// <inheritdoc/>
    internal override void ShareInt8Of(Layer source)
    {
        ForwardLayer.ShareInt8Of(((Bidirectional)source).ForwardLayer);
        BackwardLayer.ShareInt8Of(((Bidirectional)source).BackwardLayer);
    }

    /// <inheritdoc/>
    internal override IEnumerable<(Parameter Parameter, Kernels.QuantizedMatrix Matrix)> Int8Parameters =>
        ForwardLayer.Int8Parameters.Concat(BackwardLayer.Int8Parameters);

    /// <inheritdoc/>
    internal override void LoadInt8(IReadOnlyDictionary<Parameter, Kernels.QuantizedMatrix> matrices)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        ForwardLayer.LoadInt8(matrices.Where(p => ForwardLayer.Parameters.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value));
        BackwardLayer.LoadInt8(matrices.Where(p => BackwardLayer.Parameters.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value));
    }

    /// <summary>The copy that runs the other way (go_backwards inverted), with its own weights.</summary>
    public RecurrentLayer BackwardLayer { get; }

    /// <summary>The forward layer's final states, then the backward layer's.</summary>
    public IReadOnlyList<Tensor> FinalStates => [.. ForwardLayer.FinalStates, .. BackwardLayer.FinalStates];

    internal override SeededRandom? RandomStream => ForwardLayer.RandomStream;

    private bool ReturnSequences => ForwardLayer.ReturnSequences;

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config)
    {
        Dictionary<string, string>? inner;
        try
        {
            inner = JsonSerializer.Deserialize(config.Text("layer_config"), LayerConfigJson.Default.DictionaryStringString);
        }
        catch (JsonException e)
        {
            throw config.Error($"has a malformed 'layer_config' ({e.Message.Split('\n')[0]})");
        }

        if (inner is null)
        {
            throw config.Error("has an empty 'layer_config'");
        }
        var layer = LayerRegistry.Create(config.Text("layer"), inner, config.SourceName) as RecurrentLayer
            ?? throw config.Error("wraps a layer that is not recurrent");
        return new Bidirectional(
            layer,
            config.Choice("merge_mode", ("concat", BidirectionalMerge.Concat), ("sum", BidirectionalMerge.Sum), ("mul", BidirectionalMerge.Mul), ("ave", BidirectionalMerge.Average)));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["merge_mode"] = Merge switch
        {
            BidirectionalMerge.Concat => "concat",
            BidirectionalMerge.Sum => "sum",
            BidirectionalMerge.Mul => "mul",
            _ => "ave",
        },
        ["layer"] = ForwardLayer.TypeName,
        ["layer_config"] = JsonSerializer.Serialize(ForwardLayer.GetConfig(), LayerConfigJson.Default.IReadOnlyDictionaryStringString),
    };

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false) => Forward(input, new RecurrentInputs(), training);

    /// <inheritdoc/>
    public override Tensor ForwardMasked(Tensor input, Tensor? mask, bool training) => Forward(input, new RecurrentInputs { Mask = mask }, training);

    /// <summary>Initial states, if given, are the forward layer's followed by the backward layer's.</summary>
    public Tensor Forward(Tensor input, RecurrentInputs inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int states = ForwardLayer.StateCount;
        if (inputs.InitialStates is { } initial && initial.Count != 2 * states)
        {
            throw new ArgumentException($"Bidirectional {ForwardLayer.TypeName} takes {2 * states} initial states, got {initial.Count}.", "initialStates");
        }

        var forwardInputs = inputs with { InitialStates = inputs.InitialStates?.Take(states).ToArray() };
        var backwardInputs = inputs with { InitialStates = inputs.InitialStates?.Skip(states).ToArray() };
        var forward = ForwardLayer.Forward(input, forwardInputs, training);
        var backward = BackwardLayer.Forward(input, backwardInputs, training);
        if (ReturnSequences)
        {
            backward = FlipTime(backward);
        }

        _forwardOutput = forward;
        _backwardOutput = backward;
        return MergeOutputs(forward, backward);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var forward = _forwardOutput ?? throw new InvalidOperationException("Bidirectional Backward needs a Forward with training: true first.");
        var backward = _backwardOutput!;
        int h = ForwardLayer.Units;
        int rows = forward.Length / h;
        int width = Merge == BidirectionalMerge.Concat ? 2 * h : h;
        if (outputGradient.Length != rows * width)
        {
            throw new ArgumentException($"Bidirectional output gradient has {outputGradient.Length} values, expected {rows * width}.", nameof(outputGradient));
        }

        var dForward = new Tensor(forward.Shape);
        var dBackward = new Tensor(backward.Shape);
        var dy = outputGradient.Data;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < h; j++)
            {
                int i = (r * h) + j;
                switch (Merge)
                {
                    case BidirectionalMerge.Concat:
                        dForward.Data[i] = dy[(r * width) + j];
                        dBackward.Data[i] = dy[(r * width) + h + j];
                        break;
                    case BidirectionalMerge.Sum:
                        dForward.Data[i] = dBackward.Data[i] = dy[i];
                        break;
                    case BidirectionalMerge.Mul:
                        dForward.Data[i] = dy[i] * backward.Data[i];
                        dBackward.Data[i] = dy[i] * forward.Data[i];
                        break;
                    default:
                        dForward.Data[i] = dBackward.Data[i] = 0.5f * dy[i];
                        break;
                }
            }
        }

        var dx = ForwardLayer.Backward(dForward);
        var dxBackward = BackwardLayer.Backward(ReturnSequences ? FlipTime(dBackward) : dBackward);
        for (int i = 0; i < dx.Length; i++)
        {
            dx.Data[i] += dxBackward.Data[i];
        }

        return dx;
    }

    /// <inheritdoc/>
    protected override bool AcceptsAnySequenceLength => true;

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        ForwardLayer.Build(inputShape, random);
        BackwardLayer.Build(inputShape, random);
        BackwardLayer.ShareRandomStream(ForwardLayer);
        AddParametersOf(ForwardLayer, "forward");
        AddParametersOf(BackwardLayer, "backward");
        int[] shape = (int[])ForwardLayer.OutputShape.Clone();
        if (Merge == BidirectionalMerge.Concat)
        {
            shape[^1] *= 2;
        }

        return shape;
    }

    private Tensor MergeOutputs(Tensor forward, Tensor backward)
    {
        int h = ForwardLayer.Units;
        int rows = forward.Length / h;
        int[] shape = (int[])forward.Shape.Clone();
        if (Merge == BidirectionalMerge.Concat)
        {
            shape[^1] = 2 * h;
        }

        var merged = new Tensor(shape);
        for (int r = 0; r < rows; r++)
        {
            var f = forward.Data.AsSpan(r * h, h);
            var b = backward.Data.AsSpan(r * h, h);
            if (Merge == BidirectionalMerge.Concat)
            {
                f.CopyTo(merged.Data.AsSpan(r * 2 * h, h));
                b.CopyTo(merged.Data.AsSpan((r * 2 * h) + h, h));
                continue;
            }

            var m = merged.Data.AsSpan(r * h, h);
            for (int j = 0; j < h; j++)
            {
                m[j] = Merge switch
                {
                    BidirectionalMerge.Sum => f[j] + b[j],
                    BidirectionalMerge.Mul => f[j] * b[j],
                    _ => 0.5f * (f[j] + b[j]),
                };
            }
        }

        return merged;
    }

    // (B, T, F) with time reversed.
    private static Tensor FlipTime(Tensor sequence)
    {
        int batch = sequence.Shape[0], steps = sequence.Shape[1], features = sequence.Shape[2];
        var flipped = new Tensor(sequence.Shape);
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                sequence.Data.AsSpan(((b * steps) + t) * features, features)
                    .CopyTo(flipped.Data.AsSpan(((b * steps) + steps - 1 - t) * features, features));
            }
        }

        return flipped;
    }
}
