using Gated.Layers;
using Gated.Serialization.Layouts;

namespace Gated.Tests.TestSupport;

/// <summary>
/// PyTorch → Gated parameters of whole layers, for tests: an nn.GRU layer (see <see cref="PyTorchRecurrentLayout"/>),
/// an nn.Linear, whose weight (U, F) is Dense's kernel (F, U) transposed, and a checked load of either into a layer.
/// </summary>
public static class PyTorchLayout
{
    /// <summary>
    /// Layer k of a PyTorch GRU in Gated's parameter names: kernel, recurrent_kernel, bias, recurrent_bias.
    /// prefix selects the set, e.g. "" for weights, "grad_" for their gradients, "initial/gru." for a model.
    /// </summary>
    public static Dictionary<string, float[]> GruLayer(PyTorchFixture fixture, string prefix, int layer, int units) =>
        PyTorchRecurrentLayout.GruLayer(fixture, prefix, layer, units);

    /// <summary>An nn.Linear as Dense parameters: kernel (F, U), bias (U).</summary>
    public static Dictionary<string, float[]> Linear(PyTorchFixture fixture, string prefix, int units)
    {
        var weight = fixture[$"{prefix}weight"].Data;
        var kernel = new float[weight.Length];
        WeightLayout.Transpose(weight, units, kernel);
        return new()
        {
            ["kernel"] = kernel,
            ["bias"] = (float[])fixture[$"{prefix}bias"].Data.Clone(),
        };
    }

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
