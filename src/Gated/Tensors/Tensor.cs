namespace Gated.Tensors;

/// <summary>
/// A dense, row-major float32 tensor. The first axis is the batch for layer inputs and outputs:
/// sequences are (batch, time, features), vectors are (batch, features).
/// </summary>
public sealed class Tensor
{
    /// <summary>A tensor of zeros with the given shape.</summary>
    /// <param name="shape">The size of each axis, first (batch) axis first; none may be negative.</param>
    /// <exception cref="ArgumentException">A dimension is negative, or the shape holds more values than one array can.</exception>
    public Tensor(params int[] shape)
        : this(new float[ShapeLength(shape)], shape)
    {
    }

    /// <summary>A tensor over <paramref name="data"/> (not copied; the tensor takes ownership) with the given shape.</summary>
    /// <param name="data">The values, row-major; its length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The size of each axis; copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">The shape holds a different number of values than <paramref name="data"/>, or a dimension is negative.</exception>
    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (ShapeLength(shape) != data.Length)
        {
            throw new ArgumentException(
                $"Shape ({string.Join(", ", shape)}) holds {ShapeLength(shape)} values but data has {data.Length}.", nameof(data));
        }

        Data = data;
        Shape = (int[])shape.Clone();
    }

    /// <summary>The values, row-major; the tensor owns this array.</summary>
    public float[] Data { get; }

    /// <summary>The size of each axis, first axis first; the tensor's own array, not a copy, so do not change it.</summary>
    public int[] Shape { get; }

    /// <summary>The number of axes: 2 for (B, F), 3 for (B, T, F).</summary>
    public int Rank => Shape.Length;

    /// <summary>The number of values, the product of <see cref="Shape"/>.</summary>
    public int Length => Data.Length;

    /// <summary><see cref="Data"/> as a span, for kernels.</summary>
    public Span<float> Span => Data;

    /// <summary>The value at one index per axis, bounds-checked on every axis (slow; kernels use <see cref="Span"/>).</summary>
    /// <param name="index">One index per axis.</param>
    /// <exception cref="ArgumentException">The index does not have <see cref="Rank"/> entries.</exception>
    /// <exception cref="IndexOutOfRangeException">An index is outside its axis.</exception>
    public float this[params int[] index]
    {
        get => Data[Offset(index)];
        set => Data[Offset(index)] = value;
    }

    /// <summary>A deep copy: new values array, same shape.</summary>
    public Tensor Clone() => new((float[])Data.Clone(), Shape);

    /// <summary>The same values seen with another shape of equal length (no copy).</summary>
    public Tensor Reshape(params int[] shape) => new(Data, shape);

    /// <summary>A copy of samples [start, start + count) along the first axis.</summary>
    public Tensor SliceBatch(int start, int count)
    {
        // In long: start + count may pass int.MaxValue and wrap below the axis length.
        if (Rank == 0 || start < 0 || count < 0 || (long)start + count > Shape[0])
        {
            throw new ArgumentOutOfRangeException(start < 0 ? nameof(start) : nameof(count), $"Samples [{start}, {(long)start + count}) are outside the first axis of {FormatShape(Shape)}.");
        }

        int perSample = Shape[0] == 0 ? 0 : Length / Shape[0];
        int[] shape = (int[])Shape.Clone();
        shape[0] = count;
        return new Tensor(Data.AsSpan(start * perSample, count * perSample).ToArray(), shape);
    }

    /// <summary>The shape only, e.g. "Tensor(32, 10, 4)"; never the values.</summary>
    public override string ToString() => $"Tensor({string.Join(", ", Shape)})";

    /// <summary>The number of values a tensor of this shape holds (1 for the empty shape).</summary>
    /// <param name="shape">The size of each axis.</param>
    /// <exception cref="ArgumentException">A dimension is negative, or the product exceeds <see cref="Array.MaxLength"/>.</exception>
    public static int ShapeLength(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape dimensions must be non-negative, got {d}.", nameof(shape));
            }

            n *= d;
            if (n > Array.MaxLength)
            {
                throw new ArgumentException("Shape is too large for one array.", nameof(shape));
            }
        }

        return (int)n;
    }

    /// <summary>A shape as written in messages: "(32, 10, 4)".</summary>
    /// <param name="shape">The size of each axis.</param>
    public static string FormatShape(ReadOnlySpan<int> shape) => "(" + string.Join(", ", shape.ToArray()) + ")";

    private int Offset(int[] index)
    {
        if (index.Length != Shape.Length)
        {
            throw new ArgumentException($"Index has {index.Length} axes, tensor has {Shape.Length}.", nameof(index));
        }

        int offset = 0;
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)Shape[i])
            {
                throw new IndexOutOfRangeException($"Index {index[i]} is out of range for axis {i} of size {Shape[i]}.");
            }

            offset = (offset * Shape[i]) + index[i];
        }

        return offset;
    }
}
