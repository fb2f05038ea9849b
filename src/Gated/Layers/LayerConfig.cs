using System.Globalization;
using Gated.IO;

namespace Gated.Layers;

/// <summary>
/// A layer's saved configuration (string keys and values, see Layer.GetConfig) with typed getters that turn a
/// missing or malformed value into a ModelFormatException naming the file, layer type and key.
/// </summary>
public sealed class LayerConfig(string type, IReadOnlyDictionary<string, string> values, string sourceName)
{
    /// <summary>The layer type name the configuration belongs to ("GRU", "Dense"), as stored in the file.</summary>
    public string Type => type;

    /// <summary>The file (or other source) that errors name; pass it on when creating wrapped layers.</summary>
    public string SourceName => sourceName;

    /// <summary>The raw key/value pairs, as <see cref="Layer.GetConfig"/> wrote them.</summary>
    public IReadOnlyDictionary<string, string> Values => values;

    /// <summary>Whether the configuration has <paramref name="key"/>, for optional values.</summary>
    /// <param name="key">The configuration key.</param>
    public bool Has(string key) => values.ContainsKey(key);

    /// <summary>The value of <paramref name="key"/>, unparsed.</summary>
    /// <param name="key">The configuration key.</param>
    /// <exception cref="ModelFormatException">The key is missing.</exception>
    public string Text(string key) =>
        values.TryGetValue(key, out string? value) ? value : throw Error($"has no '{key}'");

    /// <summary>An integer in [1, 2^24], written with digits only (no sign or spaces).</summary>
    /// <param name="key">The configuration key.</param>
    /// <exception cref="ModelFormatException">The key is missing or its value is not such an integer.</exception>
    public int PositiveInt(string key)
    {
        string text = Text(key);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 && value <= 1 << 24
            ? value
            : throw Error($"'{key}' is '{text}', not a positive integer");
    }

    /// <summary>A value written exactly "true" or "false".</summary>
    /// <param name="key">The configuration key.</param>
    /// <exception cref="ModelFormatException">The key is missing or its value is anything else.</exception>
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

    /// <summary>An exception (returned, not thrown) reading "{source}: {type} layer {problem}.", for checks the getters do not cover.</summary>
    /// <param name="problem">What is wrong, phrased to follow "{type} layer", e.g. "has no 'units'".</param>
    public ModelFormatException Error(string problem) => new($"{sourceName}: {type} layer {problem}.");
}
