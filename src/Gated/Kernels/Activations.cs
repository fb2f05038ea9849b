namespace Gated.Kernels;

/// <summary>
/// Element-wise logistic sigmoid and tanh over spans, and the same functions on one float for fused gate
/// loops. Accuracy and special values are documented on <see cref="SigmoidOperator"/> and
/// <see cref="TanhOperator"/>; span and scalar results are bit-identical.
/// </summary>
internal static class Activations
{
    /// <summary>y[i] = sigmoid(x[i]) for i &lt; x.Length. y may be x itself (in place), but not partially overlap it.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        Validate(x, y);
        UnaryLoop.Run<SigmoidOperator>(x, y);
    }

    /// <summary>y[i] = tanh(x[i]) for i &lt; x.Length. y may be x itself (in place), but not partially overlap it.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        Validate(x, y);
        UnaryLoop.Run<TanhOperator>(x, y);
    }

    public static float Sigmoid(float x) => SigmoidOperator.Invoke(x);

    public static float Tanh(float x) => TanhOperator.Invoke(x);

    private static void Validate(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"Destination holds {y.Length} values but the input has {x.Length}.", nameof(y));
        }

        // A shifted alias would read values this call already overwrote.
        if (x.Overlaps(y, out int offset) && offset != 0)
        {
            throw new ArgumentException("Destination overlaps the input at a different offset; use the same span for in-place.", nameof(y));
        }
    }
}
