using System.Collections.Concurrent;
using Gated.IO;
using Gated.Layers.Recurrent;

namespace Gated.Layers;

/// <summary>
/// Recreates a layer from the type name and configuration that <see cref="Layer.GetConfig"/> wrote. The built-in
/// layers are listed here; a user's own layer type joins with <see cref="Register{T}"/> before a file naming it is
/// loaded. No reflection: the list is what trimming and Native AOT keep.
/// </summary>
public static class LayerRegistry
{
    private static readonly ConcurrentDictionary<string, Func<LayerConfig, Layer>> Factories = new(StringComparer.Ordinal);

    static LayerRegistry()
    {
        Register<Dense>();
        Register<Activation>();
        Register<MonotoneQuantiles>();
        Register<TimeMean>();
        Register<GlobalAveragePooling1D>();
        Register<LastStep>();
        Register<LayerNormalization>();
        Register<Attention>();
        Register<AdditiveAttention>();
        Register<RepeatVector>();
        Register<Flatten>();
        Register<Reshape>();
        Register<Concatenate>();
        Register<Add>();
        Register<Multiply>();
        Register<Dropout>();
        Register<Embedding>();
        Register<Masking>();
        Register<TimeDistributed>();
        Register<Gru>();
        Register<Lstm>();
        Register<SimpleRnn>();
        Register<Bidirectional>();
    }

    /// <summary>Every layer type name that model files may name, built-in and registered.</summary>
    public static IEnumerable<string> KnownTypes => Factories.Keys.Order(StringComparer.Ordinal);

    /// <summary>
    /// Makes layer type <typeparamref name="T"/> loadable from model files under its
    /// <see cref="IConfigurableLayer.ConfigTypeName"/>. Registering a name twice is an error, unless it is the same type again.
    /// </summary>
    /// <typeparam name="T">A layer with a configuration factory.</typeparam>
    /// <exception cref="InvalidOperationException">Another type already uses the name.</exception>
    public static void Register<T>()
        where T : Layer, IConfigurableLayer
    {
        Func<LayerConfig, Layer> factory = T.FromConfig;
        var registered = Factories.GetOrAdd(T.ConfigTypeName, factory);
        if (registered.Method != factory.Method)
        {
            throw new InvalidOperationException($"Layer type name '{T.ConfigTypeName}' is already registered by another layer type.");
        }
    }

    /// <summary>Builds the layer that <paramref name="type"/> and <paramref name="config"/> describe.</summary>
    /// <param name="type">The layer's type name as stored in the file (<see cref="Layer.TypeName"/>).</param>
    /// <param name="config">The layer's saved configuration.</param>
    /// <param name="sourceName">The file (or other source) named in error messages.</param>
    /// <exception cref="ModelFormatException">The type is unknown or the configuration is malformed.</exception>
    public static Layer Create(string type, IReadOnlyDictionary<string, string> config, string sourceName) =>
        Factories.TryGetValue(type, out var factory)
            ? factory(new LayerConfig(type, config, sourceName))
            : throw new ModelFormatException($"{sourceName}: layer type '{type}' is unknown (known: {string.Join(", ", KnownTypes)}).");
}
