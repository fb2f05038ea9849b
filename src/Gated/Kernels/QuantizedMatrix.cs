namespace Gated.Kernels;

/// <summary>
/// A weight matrix W (K, N) in int8 for dynamic quantization (PyTorch's quantize_dynamic scheme): per output column n
/// a float scale s_n = max_k |W[k, n]| / 127 and values q[k, n] = round(W[k, n] / s_n) in [−127, 127] (half to even),
/// so W ≈ q · s. Symmetric, no zero point: a column of zeros has scale 0. <see cref="Int8Gemm"/> multiplies by it;
/// <see cref="Packed"/> holds the values in the layout its vector paths read.
/// </summary>
/// <remarks>
/// Packed layout: columns in panels of <see cref="PanelWidth"/>; within a panel, K in groups of 4 (the last padded
/// with zeros); each group is 16 columns × 4 consecutive k values, 64 bytes, so one 256-bit load covers 8 columns
/// (AVX-VNNI's vpdpbusd) and a sign-extended 128-bit load 4 columns (AVX2's vpmaddwd).
/// </remarks>
internal sealed class QuantizedMatrix
{
    /// <summary>Columns per packed panel.</summary>
    public const int PanelWidth = 16;

    /// <summary>The largest magnitude a value takes.</summary>
    public const int Limit = 127;

    private readonly AlignedBuffer<sbyte> _packed;

    private QuantizedMatrix(int rows, int columns, sbyte[] values, float[] scales)
    {
        Rows = rows;
        Columns = columns;
        Values = values;
        Scales = scales;
        PaddedRows = (rows + 3) & ~3;
        Panels = (columns + PanelWidth - 1) / PanelWidth;
        _packed = AlignedBuffer<sbyte>.Allocate(Panels * PaddedRows * PanelWidth);
        var packed = Packed;
        ColumnSums = new int[Panels * PanelWidth];
        for (int k = 0; k < rows; k++)
        {
            for (int n = 0; n < columns; n++)
            {
                sbyte q = values[(k * columns) + n];
                int panel = n / PanelWidth, column = n % PanelWidth;
                packed[(panel * PaddedRows * PanelWidth) + ((k / 4) * PanelWidth * 4) + (column * 4) + (k % 4)] = q;
                ColumnSums[n] += q;
            }
        }
    }

    /// <summary>K, the rows (inputs).</summary>
    public int Rows { get; }

    /// <summary>N, the columns (outputs).</summary>
    public int Columns { get; }

    /// <summary>q, row-major (K, N).</summary>
    public sbyte[] Values { get; }

    /// <summary>s, one per column.</summary>
    public float[] Scales { get; }

    /// <summary>K rounded up to a multiple of 4.</summary>
    internal int PaddedRows { get; }

    /// <summary>Column panels of <see cref="PanelWidth"/>.</summary>
    internal int Panels { get; }

    /// <summary>The values in the panel layout (see remarks), from a 64-byte boundary (each 64-byte group on a cache line).</summary>
    internal Span<sbyte> Packed => _packed.Span;

    /// <summary>Σ_k q[k, n] per column (padded to whole panels): AVX-VNNI multiplies unsigned activations x + 128 and subtracts 128 · this.</summary>
    internal int[] ColumnSums { get; }

    /// <summary>Quantizes W (K, N), row-major.</summary>
    /// <exception cref="ArgumentException">The span does not hold rows × columns values, or a value is not finite.</exception>
    public static QuantizedMatrix Quantize(ReadOnlySpan<float> weights, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (weights.Length != rows * columns)
        {
            throw new ArgumentException($"Weights must hold {rows} × {columns} values, got {weights.Length}.", nameof(weights));
        }

        var scales = new float[columns];
        for (int k = 0; k < rows; k++)
        {
            for (int n = 0; n < columns; n++)
            {
                float w = weights[(k * columns) + n];
                if (!float.IsFinite(w))
                {
                    throw new ArgumentException($"Weight ({k}, {n}) is {w}; only finite weights quantize.", nameof(weights));
                }

                scales[n] = Math.Max(scales[n], Math.Abs(w));
            }
        }

        for (int n = 0; n < columns; n++)
        {
            scales[n] /= Limit;
        }

        var values = new sbyte[rows * columns];
        for (int k = 0; k < rows; k++)
        {
            for (int n = 0; n < columns; n++)
            {
                values[(k * columns) + n] = scales[n] == 0 ? (sbyte)0 : ToInt8(weights[(k * columns) + n] / scales[n]);
            }
        }

        return new QuantizedMatrix(rows, columns, values, scales);
    }

    /// <summary>A matrix of given int8 values and scales (a model file's), checked.</summary>
    /// <exception cref="ArgumentException">Sizes disagree, a value is −128, or a scale is negative or not finite.</exception>
    public static QuantizedMatrix FromValues(sbyte[] values, float[] scales, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (values.Length != rows * columns || scales.Length != columns)
        {
            throw new ArgumentException($"A ({rows}, {columns}) int8 matrix needs {rows * columns} values and {columns} scales, got {values.Length} and {scales.Length}.", nameof(values));
        }

        if (Array.IndexOf(values, sbyte.MinValue) >= 0 || scales.Any(s => !(s >= 0) || !float.IsFinite(s)))
        {
            throw new ArgumentException("Int8 values must lie in [−127, 127] and scales be finite and not negative.", nameof(values));
        }

        return new QuantizedMatrix(rows, columns, (sbyte[])values.Clone(), (float[])scales.Clone());
    }

    /// <summary>q · s, row-major (K, N).</summary>
    public float[] Dequantize()
    {
        var result = new float[Rows * Columns];
        for (int k = 0; k < Rows; k++)
        {
            for (int n = 0; n < Columns; n++)
            {
                result[(k * Columns) + n] = Values[(k * Columns) + n] * Scales[n];
            }
        }

        return result;
    }

    /// <summary>round(x) half to even, clamped to ±<see cref="Limit"/>.</summary>
    internal static sbyte ToInt8(float x) => (sbyte)Math.Clamp(MathF.Round(x, MidpointRounding.ToEven), -Limit, Limit);
}
