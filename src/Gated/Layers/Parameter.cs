namespace Gated.Layers;

/// <summary>
/// A named trainable tensor of a layer. Its values and gradients are views into buffers that a model may
/// replace with slices of one flat buffer (so optimizers run one loop over all parameters).
/// </summary>
public sealed class Parameter
{
    private float[] _values;
    private float[] _gradients;
    private int _offset;

    internal Parameter(string name, int[] shape)
    {
        Name = name;
        Shape = shape;
        Length = Tensors.Tensor.ShapeLength(shape);
        _values = new float[Length];
        _gradients = new float[Length];
    }

    /// <summary>Keras-style name within its layer: kernel, recurrent_kernel, bias, recurrent_bias.</summary>
    public string Name { get; }

    /// <summary>Name qualified by the wrappers around its layer ("forward/kernel" inside Bidirectional); unique within a layer.</summary>
    public string FullName => Scope + Name;

    /// <summary>Prefix given by wrapping layers, ending in '/'; empty for a layer's own parameters.</summary>
    internal string Scope { get; set; } = "";

    /// <summary>The parameter's shape, e.g. (I, 3H) for a GRU kernel; the parameter's own array, so do not change it.</summary>
    public int[] Shape { get; }

    /// <summary>The number of scalars, the product of <see cref="Shape"/>.</summary>
    public int Length { get; }

    /// <summary>The current values, row-major; writable, and a slice of the model's flat buffer once a model is built.</summary>
    public Span<float> Values => _values.AsSpan(_offset, Length);

    /// <summary>The gradient of the loss with respect to <see cref="Values"/>: Backward adds into it, the trainer zeroes it before each batch.</summary>
    public Span<float> Gradients => _gradients.AsSpan(_offset, Length);

    /// <summary>Moves this parameter into slices of shared buffers, keeping its current values and gradients.</summary>
    internal void MoveTo(float[] values, float[] gradients, int offset)
    {
        Values.CopyTo(values.AsSpan(offset, Length));
        Gradients.CopyTo(gradients.AsSpan(offset, Length));
        _values = values;
        _gradients = gradients;
        _offset = offset;
        IsInModelBuffer = true;
    }

    /// <summary>Whether a model has moved this parameter into its flat buffers (a second model then only reads it).</summary>
    internal bool IsInModelBuffer { get; private set; }

    /// <summary>
    /// Makes this parameter a view of <paramref name="source"/>'s storage, copying nothing: a predictor's copy of a layer
    /// reads the model's weights as they are now and after any later training step. Inference never writes gradients.
    /// </summary>
    internal void ShareStorageOf(Parameter source)
    {
        if (!source.Shape.AsSpan().SequenceEqual(Shape))
        {
            throw new ArgumentException($"Parameter {FullName} has another shape than {source.FullName}.", nameof(source));
        }

        _values = source._values;
        _gradients = source._gradients;
        _offset = source._offset;
    }
}
