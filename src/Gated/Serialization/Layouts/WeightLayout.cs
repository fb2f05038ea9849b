using Gated.Layers.Recurrent;

namespace Gated.Serialization.Layouts;

/// <summary>
/// How one framework lays out one kind of recurrent layer's weights, relative to Gated's own layout: kernel (F, G·H)
/// and recurrent_kernel (H, G·H) with gate column blocks in Keras's order (GRU z, r, n; LSTM i, f, c, o), bias and,
/// for some layers, recurrent_bias (G·H). The entries are DESIGN.md's table "Weight layouts of the outside world";
/// every reader and writer of PyTorch, Keras and ONNX weights looks its layout up here (<see cref="For(Framework, RecurrentLayer)"/>).
/// </summary>
public sealed class WeightLayout
{
    // GateOrder lists, for each of the framework's gate blocks in its order, the Gated block it holds.
    private static readonly WeightLayout[] Table =
    [
        new(Framework.PyTorch, RecurrentKind.Gru, GruVariant.ResetAfter, ["r", "z", "n"], [1, 0, 2], transposed: true, BiasLayout.InputAndRecurrent),
        new(Framework.PyTorch, RecurrentKind.Lstm, null, ["i", "f", "g", "o"], [0, 1, 2, 3], transposed: true, BiasLayout.InputAndRecurrent),
        new(Framework.PyTorch, RecurrentKind.SimpleRnn, null, ["h"], [0], transposed: true, BiasLayout.InputAndRecurrent),
        new(Framework.Keras, RecurrentKind.Gru, GruVariant.ResetAfter, ["z", "r", "h"], [0, 1, 2], transposed: false, BiasLayout.InputAndRecurrent),
        new(Framework.Keras, RecurrentKind.Gru, GruVariant.ResetBefore, ["z", "r", "h"], [0, 1, 2], transposed: false, BiasLayout.Summed),
        new(Framework.Keras, RecurrentKind.Lstm, null, ["i", "f", "c", "o"], [0, 1, 2, 3], transposed: false, BiasLayout.Summed),
        new(Framework.Keras, RecurrentKind.SimpleRnn, null, ["h"], [0], transposed: false, BiasLayout.Summed),
        new(Framework.Onnx, RecurrentKind.Gru, GruVariant.ResetAfter, ["z", "r", "h"], [0, 1, 2], transposed: true, BiasLayout.InputAndRecurrent),
        new(Framework.Onnx, RecurrentKind.Gru, GruVariant.ResetBefore, ["z", "r", "h"], [0, 1, 2], transposed: true, BiasLayout.InputAndRecurrent),
        new(Framework.Onnx, RecurrentKind.Lstm, null, ["i", "o", "f", "c"], [0, 3, 1, 2], transposed: true, BiasLayout.InputAndRecurrent),
        new(Framework.Onnx, RecurrentKind.SimpleRnn, null, ["h"], [0], transposed: true, BiasLayout.InputAndRecurrent),
    ];

    private readonly int[] _order;

    private WeightLayout(Framework framework, RecurrentKind kind, GruVariant? variant, string[] gateNames, int[] gateOrder, bool transposed, BiasLayout bias)
    {
        Framework = framework;
        Kind = kind;
        Variant = variant;
        GateNames = gateNames;
        _order = gateOrder;
        Transposed = transposed;
        Bias = bias;
    }

    /// <summary>Every layout Gated knows, one per framework, kind and (for GRUs) variant the framework can express.</summary>
    public static IReadOnlyList<WeightLayout> All => Table;

    /// <summary>The framework whose layout this is.</summary>
    public Framework Framework { get; }

    /// <summary>The kind of recurrent layer.</summary>
    public RecurrentKind Kind { get; }

    /// <summary>For a GRU, where its reset gate applies; null for LSTM and SimpleRNN.</summary>
    public GruVariant? Variant { get; }

    /// <summary>The framework's names of its gate blocks, in its order (PyTorch GRU r, z, n).</summary>
    public IReadOnlyList<string> GateNames { get; }

    /// <summary>For each of the framework's gate blocks in its order, the index of the Gated gate block it holds (PyTorch GRU 1, 0, 2).</summary>
    public IReadOnlyList<int> GateOrder => _order;

    /// <summary>G, the number of gate blocks.</summary>
    public int Gates => _order.Length;

    /// <summary>True when weights are (G·H, F), gate row blocks (PyTorch, ONNX); false when (F, G·H), gate column blocks like Gated's (Keras).</summary>
    public bool Transposed { get; }

    /// <summary>How the framework stores the biases.</summary>
    public BiasLayout Bias { get; }

    /// <summary>The layout of <paramref name="kind"/> layers in <paramref name="framework"/>; <paramref name="variant"/> matters for GRUs only.</summary>
    /// <exception cref="NotSupportedException">The framework has no such layer (PyTorch has no reset-before GRU).</exception>
    public static WeightLayout For(Framework framework, RecurrentKind kind, GruVariant variant = GruVariant.ResetAfter)
    {
        foreach (var layout in Table)
        {
            if (layout.Framework == framework && layout.Kind == kind && (layout.Variant is null || layout.Variant == variant))
            {
                return layout;
            }
        }

        if (!Enum.IsDefined(framework) || !Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(Enum.IsDefined(framework) ? nameof(kind) : nameof(framework), "Unknown framework or recurrent kind.");
        }

        throw new NotSupportedException($"{framework} has no {kind} with {variant}; its weights would give different outputs there.");
    }

    /// <summary>The layout of <paramref name="layer"/>'s kind and variant in <paramref name="framework"/>.</summary>
    public static WeightLayout For(Framework framework, RecurrentLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer switch
        {
            Gru gru => For(framework, RecurrentKind.Gru, gru.Variant),
            Lstm => For(framework, RecurrentKind.Lstm),
            SimpleRnn => For(framework, RecurrentKind.SimpleRnn),
            _ => throw new NotSupportedException($"{layer.TypeName} has no {framework} weight layout."),
        };
    }

    /// <summary>
    /// A framework weight → Gated's layout: (G·H, F) row blocks or (F, G·H) column blocks in the framework's gate
    /// order → (F, G·H) column blocks in Gated's. A bias is F = 1. Gradients convert the same way.
    /// </summary>
    public void ToGated(ReadOnlySpan<float> source, int units, Span<float> destination) => Move(source, units, destination, toGated: true);

    /// <summary>The inverse of <see cref="ToGated"/>: a Gated kernel, recurrent kernel or bias → the framework's layout.</summary>
    public void FromGated(ReadOnlySpan<float> source, int units, Span<float> destination) => Move(source, units, destination, toGated: false);

    /// <summary>
    /// The framework's biases → Gated's. <paramref name="recurrent"/> is empty for a <see cref="BiasLayout.Summed"/>
    /// layout; <paramref name="recurrentBias"/> is empty for a layer without a recurrent bias, which then takes the sum
    /// of the two (they add the same way, and ONNX's reset-before GRU adds Rb outside the reset gate too). A layer
    /// with a recurrent bias takes zeros there when the framework has one bias.
    /// </summary>
    public void BiasesToGated(ReadOnlySpan<float> input, ReadOnlySpan<float> recurrent, int units, Span<float> bias, Span<float> recurrentBias)
    {
        CheckBiases(recurrent.Length, bias.Length, nameof(recurrent), required: false);
        ToGated(input, units, bias);
        if (!recurrentBias.IsEmpty)
        {
            CheckLength(recurrentBias.Length, bias.Length, nameof(recurrentBias));
            if (recurrent.IsEmpty)
            {
                recurrentBias.Clear();
            }
            else
            {
                ToGated(recurrent, units, recurrentBias);
            }
        }
        else if (!recurrent.IsEmpty)
        {
            for (int k = 0; k < _order.Length; k++)
            {
                for (int j = 0; j < units; j++)
                {
                    bias[(_order[k] * units) + j] += recurrent[(k * units) + j];
                }
            }
        }
    }

    /// <summary>
    /// Gated's biases → the framework's. <paramref name="recurrentBias"/> is empty for a layer without one, and
    /// <paramref name="recurrent"/> for a <see cref="BiasLayout.Summed"/> layout, which takes the sum of the two;
    /// an <see cref="BiasLayout.InputAndRecurrent"/> layout takes zeros as the recurrent bias of a layer without one.
    /// </summary>
    public void BiasesFromGated(ReadOnlySpan<float> bias, ReadOnlySpan<float> recurrentBias, int units, Span<float> input, Span<float> recurrent)
    {
        CheckBiases(recurrent.Length, input.Length, nameof(recurrent), required: true);
        if (!recurrentBias.IsEmpty)
        {
            CheckLength(recurrentBias.Length, bias.Length, nameof(recurrentBias));
        }

        if (Bias == BiasLayout.InputAndRecurrent)
        {
            FromGated(bias, units, input);
            if (recurrentBias.IsEmpty)
            {
                recurrent.Clear();
            }
            else
            {
                FromGated(recurrentBias, units, recurrent);
            }
        }
        else if (recurrentBias.IsEmpty)
        {
            FromGated(bias, units, input);
        }
        else
        {
            CheckLength(input.Length, bias.Length, nameof(input));
            for (int k = 0; k < _order.Length; k++)
            {
                for (int j = 0; j < units; j++)
                {
                    int gated = (_order[k] * units) + j;
                    input[(k * units) + j] = bias[gated] + recurrentBias[gated];
                }
            }
        }
    }

    /// <summary>
    /// Sets a built layer's weights from the framework's tensors of one direction. An empty <paramref name="inputBias"/>
    /// means the framework has no biases (bias=False, use_bias=False): the layer's are zeroed.
    /// <paramref name="recurrentBias"/> is empty for a <see cref="BiasLayout.Summed"/> layout.
    /// </summary>
    public void CopyToLayer(RecurrentLayer layer, ReadOnlySpan<float> kernel, ReadOnlySpan<float> recurrentKernel, ReadOnlySpan<float> inputBias, ReadOnlySpan<float> recurrentBias)
    {
        CheckLayer(layer);
        ToGated(kernel, layer.Units, layer.Kernel.Values);
        ToGated(recurrentKernel, layer.Units, layer.RecurrentKernel.Values);
        var bias = layer.Bias.Values;
        var ownRecurrentBias = layer.RecurrentBias is { } p ? p.Values : default;
        if (inputBias.IsEmpty)
        {
            bias.Clear();
            ownRecurrentBias.Clear();
            return;
        }

        BiasesToGated(inputBias, recurrentBias, layer.Units, bias, ownRecurrentBias);
    }

    /// <summary>
    /// Writes a built layer's weights into the framework's tensors of one direction (sized as the framework stores
    /// them); <paramref name="recurrentBias"/> is empty for a <see cref="BiasLayout.Summed"/> layout.
    /// </summary>
    public void CopyFromLayer(RecurrentLayer layer, Span<float> kernel, Span<float> recurrentKernel, Span<float> inputBias, Span<float> recurrentBias)
    {
        CheckLayer(layer);
        FromGated(layer.Kernel.Values, layer.Units, kernel);
        FromGated(layer.RecurrentKernel.Values, layer.Units, recurrentKernel);
        BiasesFromGated(layer.Bias.Values, layer.RecurrentBias is { } p ? p.Values : default, layer.Units, inputBias, recurrentBias);
    }

    /// <summary>
    /// source (rows, columns) → destination (columns, rows): nn.Linear's weight (U, F) ↔ Dense's kernel (F, U), and an
    /// ONNX Gemm's transposed B.
    /// </summary>
    public static void Transpose(ReadOnlySpan<float> source, int rows, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        if (source.Length % rows != 0 || destination.Length != source.Length)
        {
            throw new ArgumentException($"{source.Length} values are not {rows} rows of a matrix the size of the destination ({destination.Length}).", nameof(source));
        }

        int columns = source.Length / rows;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                destination[(c * rows) + r] = source[(r * columns) + c];
            }
        }
    }

    /// <summary>"PyTorch GRU (reset after): r, z, n".</summary>
    public override string ToString() =>
        $"{Framework} {Kind}{(Variant is { } v ? $" ({v})" : "")}: {string.Join(", ", GateNames)}";

    // The framework's block k, unit j, feature f ↔ Gated's kernel[f, GateOrder[k]·H + j]. Pure copies, so any loop order gives the same bits.
    private void Move(ReadOnlySpan<float> source, int units, Span<float> destination, bool toGated)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        int gh = _order.Length * units;
        if (source.Length % gh != 0 || source.Length == 0)
        {
            throw new ArgumentException($"{source.Length} values are not (F, {_order.Length}·{units}) for {this}.", nameof(source));
        }

        CheckLength(destination.Length, source.Length, nameof(destination));
        int features = source.Length / gh;
        for (int k = 0; k < _order.Length; k++)
        {
            for (int j = 0; j < units; j++)
            {
                int gatedColumn = (_order[k] * units) + j;
                for (int f = 0; f < features; f++)
                {
                    int outside = Transposed ? (((k * units) + j) * features) + f : (f * gh) + (k * units) + j;
                    int gated = (f * gh) + gatedColumn;
                    if (toGated)
                    {
                        destination[gated] = source[outside];
                    }
                    else
                    {
                        destination[outside] = source[gated];
                    }
                }
            }
        }
    }

    private void CheckLayer(RecurrentLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (For(Framework, layer) != this)
        {
            throw new ArgumentException($"The layer is a {layer.TypeName}; this layout is {this}.", nameof(layer));
        }
    }

    // A framework's recurrent bias is absent for a Summed layout; for InputAndRecurrent, reading may leave it out (zeros), writing may not.
    private void CheckBiases(int recurrentLength, int inputLength, string name, bool required)
    {
        if (Bias == BiasLayout.Summed && recurrentLength != 0)
        {
            throw new ArgumentException($"{this} keeps one bias; pass no recurrent bias.", name);
        }

        if (Bias == BiasLayout.InputAndRecurrent && (required || recurrentLength != 0) && recurrentLength != inputLength)
        {
            throw new ArgumentException($"The recurrent bias has {recurrentLength} values and the input bias {inputLength}.", name);
        }
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} holds {actual} values, expected {expected}.", name);
        }
    }
}
