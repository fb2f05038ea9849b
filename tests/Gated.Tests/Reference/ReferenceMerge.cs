namespace Gated.Tests.Reference;

/// <summary>
/// Keras's merge layers (Concatenate, Add, Multiply) and their masks in double precision, the slow obvious way:
/// Concatenate finds each output element's source by its full multi-index. Shapes here include the batch axis;
/// input k is xs[k] of shape shapes[k], row-major.
/// </summary>
public static class ReferenceMerge
{
    /// <summary>y = the inputs joined along axis (≥ 1, of the batch tensor); outputShape is theirs with the axis summed.</summary>
    public static double[] Concatenate(double[][] xs, int[][] shapes, int axis, out int[] outputShape)
    {
        outputShape = ConcatenatedShape(shapes, axis);
        var y = new double[Length(outputShape)];
        for (int i = 0; i < y.Length; i++)
        {
            var (k, source) = Source(i, outputShape, shapes, axis);
            y[i] = xs[k][source];
        }

        return y;
    }

    /// <summary>dx_k[j] = dy[i] for the output element i that input k's element j became.</summary>
    public static double[][] ConcatenateBackward(double[] dy, int[][] shapes, int axis)
    {
        var outputShape = ConcatenatedShape(shapes, axis);
        var dx = shapes.Select(s => new double[Length(s)]).ToArray();
        for (int i = 0; i < dy.Length; i++)
        {
            var (k, source) = Source(i, outputShape, shapes, axis);
            dx[k][source] += dy[i];
        }

        return dx;
    }

    /// <summary>
    /// Keras's Concatenate mask for (B, T, F) inputs, computed as tf.keras does it: each (B, T) mask widened to its
    /// input's shape (all ones for an input without one), the widened masks joined along axis, then "all" over the last
    /// axis → (B, T_out). Null when no input has a mask.
    /// </summary>
    public static double[]? ConcatenateMask(double[]?[] masks, int[][] shapes, int axis)
    {
        if (masks.All(m => m is null))
        {
            return null;
        }

        if (shapes.Any(s => s.Length != 3))
        {
            throw new ArgumentException("The reference mask takes (B, T, F) inputs.", nameof(shapes));
        }

        var widened = new double[shapes.Length][];
        for (int k = 0; k < shapes.Length; k++)
        {
            int features = shapes[k][2];
            widened[k] = new double[Length(shapes[k])];
            for (int j = 0; j < widened[k].Length; j++)
            {
                int step = j / features; // b·T + t
                widened[k][j] = masks[k] is { } mask ? mask[step] : 1;
            }
        }

        var joined = Concatenate(widened, shapes, axis, out var shape);
        int last = shape[^1];
        var result = new double[joined.Length / last];
        for (int r = 0; r < result.Length; r++)
        {
            bool all = true;
            for (int f = 0; f < last; f++)
            {
                all &= joined[(r * last) + f] != 0;
            }

            result[r] = all ? 1 : 0;
        }

        return result;
    }

    /// <summary>Keras's elementwise merge mask: a step is real when real in every mask given; null when none is.</summary>
    public static double[]? ElementwiseMask(double[]?[] masks)
    {
        var given = masks.Where(m => m is not null).Select(m => m!).ToArray();
        if (given.Length == 0)
        {
            return null;
        }

        var result = new double[given[0].Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = given.All(m => m[i] != 0) ? 1 : 0;
        }

        return result;
    }

    /// <summary>y = Σ_k x_k.</summary>
    public static double[] Add(double[][] xs)
    {
        var y = new double[xs[0].Length];
        for (int i = 0; i < y.Length; i++)
        {
            foreach (var x in xs)
            {
                y[i] += x[i];
            }
        }

        return y;
    }

    /// <summary>dx_k = dy for every input.</summary>
    public static double[][] AddBackward(double[] dy, int count) =>
        Enumerable.Range(0, count).Select(_ => (double[])dy.Clone()).ToArray();

    /// <summary>y = Π_k x_k.</summary>
    public static double[] Multiply(double[][] xs)
    {
        var y = new double[xs[0].Length];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = 1;
            foreach (var x in xs)
            {
                y[i] *= x[i];
            }
        }

        return y;
    }

    /// <summary>dx_k = dy · Π_{j≠k} x_j.</summary>
    public static double[][] MultiplyBackward(double[] dy, double[][] xs)
    {
        var dx = new double[xs.Length][];
        for (int k = 0; k < xs.Length; k++)
        {
            dx[k] = new double[dy.Length];
            for (int i = 0; i < dy.Length; i++)
            {
                double others = 1;
                for (int j = 0; j < xs.Length; j++)
                {
                    if (j != k)
                    {
                        others *= xs[j][i];
                    }
                }

                dx[k][i] = dy[i] * others;
            }
        }

        return dx;
    }

    private static int[] ConcatenatedShape(int[][] shapes, int axis)
    {
        var shape = (int[])shapes[0].Clone();
        shape[axis] = shapes.Sum(s => s[axis]);
        return shape;
    }

    // Output element i → (input k, its flat index): walk the axis coordinate past the inputs before k.
    private static (int Input, int Index) Source(int i, int[] outputShape, int[][] shapes, int axis)
    {
        var index = new int[outputShape.Length];
        for (int d = outputShape.Length - 1, rest = i; d >= 0; d--)
        {
            index[d] = rest % outputShape[d];
            rest /= outputShape[d];
        }

        int k = 0;
        while (index[axis] >= shapes[k][axis])
        {
            index[axis] -= shapes[k][axis];
            k++;
        }

        int flat = 0;
        for (int d = 0; d < index.Length; d++)
        {
            flat = (flat * shapes[k][d]) + index[d];
        }

        return (k, flat);
    }

    private static int Length(int[] shape) => shape.Aggregate(1, (a, d) => a * d);
}
