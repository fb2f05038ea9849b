using System.Globalization;
using Gated.Layers;
using Gated.Layers.Recurrent;

namespace Gated.Serialization;

/// <summary>Recreates a layer from the type name and configuration that <see cref="Layer.GetConfig"/> wrote.</summary>
internal static class LayerFactory
{
    public static Layer Create(string type, IReadOnlyDictionary<string, string> config, string sourceName) => type switch
    {
        "GRU" => new Gru(
            PositiveInt(config, "units", type, sourceName),
            Bool(config, "return_sequences", type, sourceName),
            Text(config, "variant", type, sourceName) switch
            {
                "reset_after" => GruVariant.ResetAfter,
                "reset_before" => GruVariant.ResetBefore,
                var other => throw new ModelFormatException($"{sourceName}: GRU variant '{other}' is unknown."),
            },
            Init(config, type, sourceName)),
        "Dense" => new Dense(PositiveInt(config, "units", type, sourceName), Init(config, type, sourceName)),
        _ => throw new ModelFormatException($"{sourceName}: layer type '{type}' is unknown."),
    };

    private static string Text(IReadOnlyDictionary<string, string> config, string key, string type, string sourceName) =>
        config.TryGetValue(key, out string? value) ? value : throw new ModelFormatException($"{sourceName}: {type} layer has no '{key}'.");

    private static int PositiveInt(IReadOnlyDictionary<string, string> config, string key, string type, string sourceName)
    {
        string text = Text(config, key, type, sourceName);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 && value <= 1 << 20
            ? value
            : throw new ModelFormatException($"{sourceName}: {type} '{key}' is '{text}', not a positive integer.");
    }

    private static bool Bool(IReadOnlyDictionary<string, string> config, string key, string type, string sourceName) =>
        Text(config, key, type, sourceName) switch
        {
            "true" => true,
            "false" => false,
            var other => throw new ModelFormatException($"{sourceName}: {type} '{key}' is '{other}', not true or false."),
        };

    private static WeightInit Init(IReadOnlyDictionary<string, string> config, string type, string sourceName) =>
        Text(config, "init", type, sourceName) switch
        {
            "keras" => WeightInit.Keras,
            "pytorch" => WeightInit.PyTorch,
            var other => throw new ModelFormatException($"{sourceName}: {type} init '{other}' is unknown."),
        };
}
