using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Models;

/// <summary>
/// What a Sequential and its predictors share: running a chain of layers with masks flowing between them, the input
/// check, the output shape of a batch, and copies of a model's layers that read the model's weights.
/// </summary>
internal static class LayerChain
{
    /// <summary>
    /// New layers of the same types and configurations, built for the same shapes, whose parameters are views of the
    /// originals' (no weight is copied): their own workspaces, the model's weights.
    /// </summary>
    public static Layer[] Share(IReadOnlyList<Layer> layers)
    {
        var copies = new Layer[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            copies[i] = ShareLayer(layers[i], [layers[i].InputShape], $"Layer {i}");
        }

        return copies;
    }

    /// <summary>
    /// A new layer of the same type and configuration, built for the call input shapes, whose parameters are views of
    /// layer's (no weight is copied).
    /// </summary>
    /// <param name="layer">The built layer to copy.</param>
    /// <param name="callInputShapes">The per-sample shapes of the call the copy serves.</param>
    /// <param name="what">How messages name the layer ("Layer 3").</param>
    /// <exception cref="NotSupportedException">The layer cannot be recreated from its configuration.</exception>
    public static Layer ShareLayer(Layer layer, IReadOnlyList<int[]> callInputShapes, string what)
    {
        Layer copy;
        try
        {
            copy = LayerRegistry.Create(layer.TypeName, layer.GetConfig(), "the model");
        }
        catch (IO.ModelFormatException e)
        {
            throw new NotSupportedException(
                $"{what} ({layer.TypeName}) cannot be recreated from its configuration, so it cannot be shared: {e.Message}", e);
        }

        copy.BuildCall(callInputShapes, new SeededRandom(0));
        if (copy.Parameters.Count != layer.Parameters.Count)
        {
            throw new NotSupportedException($"{what} ({layer.TypeName}) recreated from its configuration has other parameters than the model's.");
        }

        for (int p = 0; p < copy.Parameters.Count; p++)
        {
            copy.Parameters[p].ShareStorageOf(layer.Parameters[p]);
        }

        copy.ShareInt8Of(layer);
        copy.Name = layer.Name;
        return copy;
    }

    /// <summary>Runs every layer on the batch x; the result belongs to the last layer and is overwritten by the next call.</summary>
    public static Tensor Forward(IReadOnlyList<Layer> layers, Tensor x, bool training)
    {
        // Masks flow as in Keras: a layer such as Embedding(maskZero) makes one, later layers use or pass it on.
        var current = x;
        Tensor? mask = null;
        try
        {
            SetReuse(layers, true);
            for (int i = 0; i < layers.Count; i++)
            {
                var layer = layers[i];
                var nextMask = layer.ComputeMask(current, mask);
                current = layer.ForwardMasked(current, mask, training);
                mask = nextMask;
            }
        }
        finally
        {
            SetReuse(layers, false);
        }

        return current;
    }

    public static void SetReuse(IReadOnlyList<Layer> layers, bool reuse)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            layers[i].ReusesResults = reuse;
        }
    }

    /// <summary>Throws unless x is (samples, inputShape...), with any length when the first layer accepts one.</summary>
    public static void CheckInputs(IReadOnlyList<Layer> layers, int[] inputShape, Tensor x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        bool ok = x.Rank == inputShape.Length + 1 && x.Rank >= 2
            && (x.Shape[^1] == inputShape[^1] || (inputShape.Length == 1 && layers[0].AcceptsVariableTime && x.Shape[1] > 0));
        if (!ok)
        {
            throw new ArgumentException(
                $"Model expects input (samples, {string.Join(", ", inputShape)}), got {Tensor.FormatShape(x.Shape)}.", name);
        }
    }

    /// <summary>(samples, outputShape...) filled into shape (of rank outputShape + 1), with x's length on a sequence output that follows it (no layer sets its own length).</summary>
    public static int[] BatchOutputShape(IReadOnlyList<Layer> layers, Tensor x, int[] shape)
    {
        shape[0] = x.Shape[0];
        layers[^1].OutputShape.CopyTo(shape, 1);
        // A sequence output takes its length from the batch when the first layer accepts any length.
        if (layers[^1].OutputShape.Length > 1 && layers[0].AcceptsVariableTime && x.Rank >= 2 && !AnySetsOutputLength(layers))
        {
            shape[1] = x.Shape[1];
        }

        return shape;
    }

    // A loop, not LINQ: training steps call BatchOutputShape and allocate nothing.
    private static bool AnySetsOutputLength(IReadOnlyList<Layer> layers)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].SetsOutputLength)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs x (N, ...) through the layers in batches of batchSize into a new tensor (N, ...output).</summary>
    public static Tensor Predict(IReadOnlyList<Layer> layers, int[] inputShape, Tensor x, int batchSize, string name)
    {
        CheckInputs(layers, inputShape, x, name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int n = x.Shape[0];
        var output = new Tensor(BatchOutputShape(layers, x, new int[layers[^1].OutputShape.Length + 1]));
        int perSample = output.Length / Math.Max(n, 1);
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            var batch = count == n ? x : x.SliceBatch(start, count);
            var y = Forward(layers, batch, training: false);
            y.Data.AsSpan().CopyTo(output.Data.AsSpan(start * perSample, count * perSample));
        }

        return output;
    }
}
