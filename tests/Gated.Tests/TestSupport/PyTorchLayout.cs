using Gated.Layers;

namespace Gated.Tests.TestSupport;

/// <summary>
/// PyTorch → Gated weight layouts, for tests. PyTorch's GRU keeps weight_ih (3H, F) and weight_hh (3H, H) with
/// gate row blocks r, z, n; Gated keeps kernel (F, 3H) and recurrent_kernel (H, 3H) with column blocks z, r, n.
/// Biases reorder the same way; nn.Linear's weight (U, F) is Dense's kernel (F, U) transposed. Gradients are
/// the same linear rearrangement, so they convert with the same functions.
/// </summary>
public static class PyTorchLayout
{
    // Gated gate block g (z, r, n) is PyTorch's row block GatedToPyTorchGate[g] (PyTorch order r, z, n).
    private static readonly int[] GatedToPyTorchGate = [1, 0, 2];

    /// <summary>weight (3H, F) rows r, z, n → kernel (F, 3H) columns z, r, n.</summary>
    public static float[] GruKernel(ReadOnlySpan<float> weight, int units)
    {
        int h3 = 3 * units;
        if (weight.Length % h3 != 0)
        {
            throw new ArgumentException($"GRU weight of {weight.Length} values is not (3·{units}, F).", nameof(weight));
        }

        int features = weight.Length / h3;
        var kernel = new float[weight.Length];
        for (int g = 0; g < 3; g++)
        {
            int source = GatedToPyTorchGate[g];
            for (int j = 0; j < units; j++)
            {
                for (int f = 0; f < features; f++)
                {
                    kernel[(f * h3) + (g * units) + j] = weight[(((source * units) + j) * features) + f];
                }
            }
        }

        return kernel;
    }

    /// <summary>bias (3H) blocks r, z, n → (3H) blocks z, r, n.</summary>
    public static float[] GruBias(ReadOnlySpan<float> bias, int units)
    {
        if (bias.Length != 3 * units)
        {
            throw new ArgumentException($"GRU bias has {bias.Length} values, expected 3·{units}.", nameof(bias));
        }

        var result = new float[bias.Length];
        for (int g = 0; g < 3; g++)
        {
            bias.Slice(GatedToPyTorchGate[g] * units, units).CopyTo(result.AsSpan(g * units, units));
        }

        return result;
    }

    /// <summary>nn.Linear weight (U, F) → Dense kernel (F, U).</summary>
    public static float[] DenseKernel(ReadOnlySpan<float> weight, int units)
    {
        int features = weight.Length / units;
        var kernel = new float[weight.Length];
        for (int u = 0; u < units; u++)
        {
            for (int f = 0; f < features; f++)
            {
                kernel[(f * units) + u] = weight[(u * features) + f];
            }
        }

        return kernel;
    }

    /// <summary>
    /// Layer k of a PyTorch GRU in Gated's parameter names: kernel, recurrent_kernel, bias, recurrent_bias.
    /// prefix selects the set, e.g. "" for weights, "grad_" for their gradients, "initial/gru." for a model.
    /// </summary>
    public static Dictionary<string, float[]> GruLayer(PyTorchFixture fixture, string prefix, int layer, int units) => new()
    {
        ["kernel"] = GruKernel(fixture[$"{prefix}weight_ih_l{layer}"].Data, units),
        ["recurrent_kernel"] = GruKernel(fixture[$"{prefix}weight_hh_l{layer}"].Data, units),
        ["bias"] = GruBias(fixture[$"{prefix}bias_ih_l{layer}"].Data, units),
        ["recurrent_bias"] = GruBias(fixture[$"{prefix}bias_hh_l{layer}"].Data, units),
    };

    /// <summary>An nn.Linear as Dense parameters: kernel (F, U), bias (U).</summary>
    public static Dictionary<string, float[]> Linear(PyTorchFixture fixture, string prefix, int units) => new()
    {
        ["kernel"] = DenseKernel(fixture[$"{prefix}weight"].Data, units),
        ["bias"] = (float[])fixture[$"{prefix}bias"].Data.Clone(),
    };

    /// <summary>Overwrites every parameter of the layer from the map, checking that names and sizes agree exactly.</summary>
    public static void Load(Layer layer, IReadOnlyDictionary<string, float[]> values)
    {
        var names = layer.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        var given = values.Keys.Order(StringComparer.Ordinal).ToArray();
        if (!names.SequenceEqual(given))
        {
            throw new ArgumentException($"{layer.TypeName} has parameters [{string.Join(", ", names)}], fixture gives [{string.Join(", ", given)}].");
        }

        foreach (var p in layer.Parameters)
        {
            float[] v = values[p.Name];
            if (v.Length != p.Length)
            {
                throw new ArgumentException($"{layer.TypeName}.{p.Name} holds {p.Length} values, fixture gives {v.Length}.");
            }

            v.CopyTo(p.Values);
        }
    }
}
