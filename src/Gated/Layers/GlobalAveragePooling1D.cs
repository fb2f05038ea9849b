namespace Gated.Layers;

/// <summary>
/// Keras's GlobalAveragePooling1D (data_format channels_last, keepdims false): <see cref="TimeMean"/> under Keras's
/// name and configuration, (batch, time, features) → (batch, features), averaging only the real steps under a mask
/// as Keras does; the output carries no mask.
/// </summary>
public sealed class GlobalAveragePooling1D : TimeMean, IConfigurableLayer
{
    /// <inheritdoc cref="IConfigurableLayer.ConfigTypeName"/>
    public static new string ConfigTypeName => "GlobalAveragePooling1D";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <inheritdoc cref="IConfigurableLayer.FromConfig"/>
    public static new Layer FromConfig(LayerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Has("data_format"))
        {
            config.Choice("data_format", ("channels_last", true));
        }

        if (config.Has("keepdims") && config.Bool("keepdims"))
        {
            throw config.Error("'keepdims' is 'true'; only false is supported");
        }

        return new GlobalAveragePooling1D();
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["data_format"] = "channels_last",
        ["keepdims"] = "false",
    };
}
