using Gated.Layers;

namespace Gated.Layers;

/// <summary>
/// A layer type that model files can recreate: its TypeName and a factory from the configuration that
/// Layer.GetConfig wrote. LayerRegistry finds every implementation in this assembly.
/// </summary>
public interface IConfigurableLayer
{
    /// <summary>The type name stored in model files; equals the layer's <see cref="Layer.TypeName"/>.</summary>
    static abstract string ConfigTypeName { get; }

    static abstract Layer FromConfig(LayerConfig config);
}
