using System.Globalization;
using Gated.Kernels;
using Gated.Layers.Initializers;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// Turns token indices into dense vectors, as Keras's Embedding: input (B, T) of integer indices stored as
/// floats, output (B, T, outputDim) with y[b, t] = embeddings[x[b, t]]; parameter embeddings (inputDim, outputDim)
/// initialised U(−0.05, 0.05). With maskZero, index 0 is padding and the layer emits the (B, T) mask x ≠ 0.
/// </summary>
public sealed class Embedding : Layer, IConfigurableLayer
{
    /// <summary>Largest vocabulary: float32 holds every integer up to 2^24 exactly, and indices arrive as floats.</summary>
    public const int MaxInputDim = 1 << 24;

    private Parameter? _embeddings;
    private int[]? _lastIndices;
    private int[]? _indices;
    private int[]? _lastInputShape;
    private QuantizedMatrix? _int8;

    /// <param name="inputDim">Vocabulary size: indices lie in [0, inputDim); with maskZero it counts the padding index 0.</param>
    /// <param name="outputDim">Length of each embedding vector.</param>
    /// <param name="maskZero">Treat index 0 as padding and emit a mask for later layers (Keras mask_zero).</param>
    public Embedding(int inputDim, int outputDim, bool maskZero = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputDim);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inputDim, MaxInputDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputDim);
        InputDim = inputDim;
        OutputDim = outputDim;
        MaskZero = maskZero;
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "Embedding";

    internal override bool TakesTokenSequences => true;

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>V, the vocabulary size: valid indices are [0, V).</summary>
    public int InputDim { get; }

    /// <summary>D, the length of each embedding vector.</summary>
    public int OutputDim { get; }

    /// <summary>Whether index 0 is padding, so the layer emits the (B, T) mask x ≠ 0 for later layers.</summary>
    public bool MaskZero { get; }

    /// <summary>The table (InputDim, OutputDim), one row per token. The layer must be built.</summary>
    public Parameter Embeddings => _embeddings ?? throw new InvalidOperationException("Build the Embedding layer before reading its weights.");

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config) =>
        new Embedding(config.PositiveInt("input_dim"), config.PositiveInt("output_dim"), config.Bool("mask_zero"));

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["input_dim"] = InputDim.ToString(CultureInfo.InvariantCulture),
        ["output_dim"] = OutputDim.ToString(CultureInfo.InvariantCulture),
        ["mask_zero"] = MaskZero ? "true" : "false",
    };

    /// <inheritdoc/>
    internal override bool IsQuantized => _int8 is not null;

    /// <summary>The table in int8, a scale per embedding dimension (per output column, as Dense's); lookups give q · s.</summary>
    internal override bool QuantizeInt8()
    {
        _int8 = QuantizedMatrix.Quantize(_embeddings!.Values, InputDim, OutputDim);
        return true;
    }

    /// <inheritdoc/>
    internal override void ShareInt8Of(Layer source) => _int8 = ((Embedding)source)._int8;

    /// <inheritdoc/>
    internal override IEnumerable<(Parameter Parameter, QuantizedMatrix Matrix)> Int8Parameters =>
        _int8 is null ? [] : [(_embeddings!, _int8)];

    /// <inheritdoc/>
    internal override void LoadInt8(IReadOnlyDictionary<Parameter, QuantizedMatrix> matrices)
    {
        if (Int8Of(matrices, _embeddings!) is not { } table || matrices.Count != 1)
        {
            throw new ArgumentException("A quantized Embedding holds its table, and only it, in int8.", nameof(matrices));
        }

        _int8 = table;
    }

    /// <summary>Token's vector into destination (D values): the table's row, or q · s once quantized.</summary>
    internal void CopyRow(int token, Span<float> destination)
    {
        int d = OutputDim;
        if (_int8 is null)
        {
            _embeddings!.Values.Slice(token * d, d).CopyTo(destination);
            return;
        }

        var q = _int8.Values.AsSpan(token * d, d);
        var scales = _int8.Scales;
        for (int j = 0; j < d; j++)
        {
            destination[j] = q[j] * scales[j];
        }
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false)
    {
        // x (B, T) indices · embeddings (V, D) → y (B, T, D)
        var (batch, steps) = CheckIndices(input);
        if (training && _int8 is not null)
        {
            throw new InvalidOperationException("A quantized Embedding layer only infers; train the float model and quantize it again.");
        }

        int d = OutputDim;
        var indices = ReadIndices(input, batch, steps);
        var output = ResultTensor(ForwardResult, [batch, steps, d]);
        var y = output.Data.AsSpan();
        for (int i = 0; i < indices.Length; i++)
        {
            CopyRow(indices[i], y.Slice(i * d, d));
        }

        _lastIndices = training ? indices : null;
        _lastInputShape = training ? (int[])input.Shape.Clone() : null;
        return output;
    }

    /// <summary>Adds each step's output gradient into its token's row; the indices themselves get a zero gradient.</summary>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var indices = _lastIndices ?? throw new InvalidOperationException("Embedding Backward needs a Forward with training: true first.");
        int d = OutputDim;
        if (outputGradient.Length != indices.Length * d)
        {
            throw new ArgumentException(
                $"Embedding output gradient must have {indices.Length * d} values (batch, time, {d}), got {Tensor.FormatShape(outputGradient.Shape)}.",
                nameof(outputGradient));
        }

        var dy = outputGradient.Data.AsSpan();
        var dTable = _embeddings!.Gradients;
        for (int i = 0; i < indices.Length; i++)
        {
            // A token seen at several steps collects the sum of their gradients.
            var row = dTable.Slice(indices[i] * d, d);
            var g = dy.Slice(i * d, d);
            for (int j = 0; j < d; j++)
            {
                row[j] += g[j];
            }
        }

        return new Tensor(_lastInputShape!);
    }

    /// <summary>With maskZero, (B, T) with 1 where the index is not 0; otherwise null, as Keras (an Embedding starts the mask).</summary>
    public override Tensor? ComputeMask(Tensor input, Tensor? mask)
    {
        if (!MaskZero)
        {
            return null;
        }

        var (batch, steps) = CheckIndices(input);
        var result = new Tensor(batch, steps);
        var x = input.Data;
        var m = result.Data;
        for (int i = 0; i < x.Length; i++)
        {
            m[i] = x[i] != 0f ? 1f : 0f;
        }

        return result;
    }

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length != 1 || inputShape[0] < 1)
        {
            throw new ArgumentException($"Embedding expects per-sample input (time) of token indices, got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        _embeddings = AddParameter("embeddings", InputDim, OutputDim);
        WeightInitializers.Uniform(_embeddings.Values, 0.05f, random);
        return [inputShape[0], OutputDim];
    }

    // Layer.CheckInput fixes the time axis of a rank-1 per-sample shape; sequences of any length are fine here.
    private (int Batch, int Steps) CheckIndices(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!IsBuilt)
        {
            throw new InvalidOperationException("Embedding layer is not built yet; add it to a model or call Build.");
        }

        if (input.Rank != 2 || input.Shape[1] < 1)
        {
            throw new ArgumentException($"Embedding expects input (batch, time) of token indices, got {Tensor.FormatShape(input.Shape)}.", nameof(input));
        }

        return (input.Shape[0], input.Shape[1]);
    }

    // Inside a model's loops the index buffer is reused while the batch keeps its shape (the Backward that reads it
    // comes before the next Forward).
    private int[] ReadIndices(Tensor input, int batch, int steps)
    {
        var x = input.Data;
        var indices = ReusesResults && _indices?.Length == x.Length ? _indices : _indices = new int[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];

            // The negated test also rejects NaN.
            if (!(v >= 0f && v < InputDim && v == MathF.Floor(v)))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(input),
                    v,
                    $"Embedding input at (sample {i / steps}, step {i % steps}) of ({batch}, {steps}) is {v.ToString("R", CultureInfo.InvariantCulture)}; " +
                    $"token indices must be integers in [0, {InputDim}) for a vocabulary of size {InputDim}.");
            }

            indices[i] = (int)v;
        }

        return indices;
    }
}
