using Gated.Layers;

namespace Gated.Tests.TestSupport;

public static class LayerExtensions
{
    public static Parameter Parameter(this Layer layer, string name) =>
        layer.Parameters.SingleOrDefault(p => p.Name == name)
        ?? throw new KeyNotFoundException($"{layer.TypeName} has no parameter '{name}'.");

    public static void ZeroGradients(this Layer layer)
    {
        foreach (var p in layer.Parameters)
        {
            p.Gradients.Clear();
        }
    }

    public static float[] ValuesArray(this Layer layer, string name) => layer.Parameter(name).Values.ToArray();

    public static float[] GradientsArray(this Layer layer, string name) => layer.Parameter(name).Gradients.ToArray();
}
