using System.Globalization;
using Gated.IO;

namespace Gated.Layers;

/// <summary>
/// A layer's saved configuration (string keys and values, see Layer.GetConfig) with typed getters that turn a
/// missing or malformed value into a ModelFormatException naming the file, layer type and key.
/// </summary>
public sealed class LayerConfig(string type, IReadOnlyDictionary<string, string> values, string sourceName)
{
    public string Type => type;

    public string SourceName => sourceName;

    public IReadOnlyDictionary<string, string> Values => values;

    public bool Has(string key) => values.ContainsKey(key);

    public string Text(string key) =>
        values.TryGetValue(key, out string? value) ? value : throw Error($"has no '{key}'");

    public int PositiveInt(string key)
    {
        string text = Text(key);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 && value <= 1 << 24
            ? value
            : throw Error($"'{key}' is '{text}', not a positive integer");
    }

    public bool Bool(string key) => Text(key) switch
    {
        "true" => true,
        "false" => false,
        var other => throw Error($"'{key}' is '{other}', not true or false"),
    };

    /// <summary>A finite number in [low, high].</summary>
    public double Number(string key, double low, double high)
    {
        string text = Text(key);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= low && value <= high
            ? value
            : throw Error($"'{key}' is '{text}', not a number in [{low}, {high}]");
    }

    /// <summary>One of the given names, mapped to its value.</summary>
    public T Choice<T>(string key, params (string Name, T Value)[] choices)
    {
        string text = Text(key);
        foreach (var (name, value) in choices)
        {
            if (name == text)
            {
                return value;
            }
        }

        throw Error($"'{key}' is '{text}'; expected one of {string.Join(", ", choices.Select(c => c.Name))}");
    }

    public ModelFormatException Error(string problem) => new($"{sourceName}: {type} layer {problem}.");
}
