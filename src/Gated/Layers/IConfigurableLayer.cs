using Gated.Layers;

namespace Gated.Layers;

/// <summary>
/// A layer type that model files can recreate: its TypeName and a factory from the configuration that
/// Layer.GetConfig wrote. LayerRegistry lists the built-in implementations; others join with LayerRegistry.Register.
/// </summary>
public interface IConfigurableLayer
{
    /// <summary>The type name stored in model files; equals the layer's <see cref="Layer.TypeName"/>.</summary>
    static abstract string ConfigTypeName { get; }

    /// <summary>Creates an unbuilt layer from the configuration its <see cref="Layer.GetConfig"/> wrote.</summary>
    /// <param name="config">The saved configuration, with typed getters.</param>
    /// <exception cref="IO.ModelFormatException">A value is missing or malformed.</exception>
    static abstract Layer FromConfig(LayerConfig config);
}
