using System.Text.Json;
using Gated.Tests.TestSupport;

namespace Gated.Tests.Training;

/// <summary>
/// A case written by Fixtures/make_training_fixtures.py (PyTorch 1.13): {"case", "config", "tensors": {name: {shape, data}}},
/// read from Fixtures/training next to the test assembly.
/// </summary>
public sealed class TrainingFixture
{
    private readonly Dictionary<string, FixtureTensor> _tensors;

    private TrainingFixture(JsonElement config, Dictionary<string, FixtureTensor> tensors)
    {
        Config = config;
        _tensors = tensors;
    }

    public JsonElement Config { get; }

    public FixtureTensor this[string name] =>
        _tensors.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"Fixture has no tensor '{name}'.");

    public float ConfigFloat(string key) => (float)Config.GetProperty(key).GetDouble();

    public static TrainingFixture Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "training", name + ".json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var tensors = new Dictionary<string, FixtureTensor>(StringComparer.Ordinal);
        foreach (var property in root.GetProperty("tensors").EnumerateObject())
        {
            int[] shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            float[] data = property.Value.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            tensors.Add(property.Name, new FixtureTensor(shape, data));
        }

        return new TrainingFixture(root.GetProperty("config").Clone(), tensors);
    }
}
