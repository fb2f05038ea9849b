using System.Collections.Frozen;
using System.Reflection;
using Gated.Layers;

namespace Gated.Serialization;

/// <summary>Recreates a layer from the type name and configuration that <see cref="Layer.GetConfig"/> wrote.</summary>
public static class LayerFactory
{
    private static readonly FrozenDictionary<string, Func<LayerConfig, Layer>> Factories = Discover();

    public static IEnumerable<string> KnownTypes => Factories.Keys;

    public static Layer Create(string type, IReadOnlyDictionary<string, string> config, string sourceName) =>
        Factories.TryGetValue(type, out var factory)
            ? factory(new LayerConfig(type, config, sourceName))
            : throw new ModelFormatException($"{sourceName}: layer type '{type}' is unknown (known: {string.Join(", ", Factories.Keys.Order())}).");

    // Every layer type implementing IConfigurableLayer registers itself; nothing to edit when one is added.
    private static FrozenDictionary<string, Func<LayerConfig, Layer>> Discover()
    {
        var factories = new Dictionary<string, Func<LayerConfig, Layer>>(StringComparer.Ordinal);
        var register = typeof(LayerFactory).GetMethod(nameof(Register), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var type in typeof(LayerFactory).Assembly.GetTypes())
        {
            if (!type.IsAbstract && typeof(IConfigurableLayer).IsAssignableFrom(type) && typeof(Layer).IsAssignableFrom(type))
            {
                register.MakeGenericMethod(type).Invoke(null, [factories]);
            }
        }

        return factories.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static void Register<T>(Dictionary<string, Func<LayerConfig, Layer>> factories)
        where T : IConfigurableLayer => factories.Add(T.ConfigTypeName, T.FromConfig);
}
