using System.Text.Json;

namespace Gated.Tests.TestSupport;

/// <summary>
/// A case written by Fixtures/make_pytorch_fixtures.py (folder "pytorch") or make_recurrent_fixtures.py (folder
/// "recurrent"): {"case", "config", "tensors": {name: {shape, data}}}. The test project copies Fixtures/** next to
/// the test assembly, so files are read from there.
/// </summary>
public sealed class PyTorchFixture
{
    private readonly Dictionary<string, FixtureTensor> _tensors;

    private PyTorchFixture(string name, JsonElement config, Dictionary<string, FixtureTensor> tensors)
    {
        Name = name;
        Config = config;
        _tensors = tensors;
    }

    public static string Directory => FolderPath("pytorch");

    /// <summary>A fixture folder beside the test assembly: "pytorch" (make_pytorch_fixtures.py), "recurrent" (make_recurrent_fixtures.py), "attention" (make_attention_fixtures.py).</summary>
    public static string FolderPath(string folder) => Path.Combine(AppContext.BaseDirectory, "Fixtures", folder);

    public string Name { get; }

    public JsonElement Config { get; }

    public IEnumerable<string> TensorNames => _tensors.Keys;

    public FixtureTensor this[string tensorName] =>
        _tensors.TryGetValue(tensorName, out var t) ? t : throw new KeyNotFoundException($"Fixture {Name} has no tensor '{tensorName}'.");

    public bool Has(string tensorName) => _tensors.ContainsKey(tensorName);

    public int ConfigInt(string key) => Config.GetProperty(key).GetInt32();

    public bool ConfigBool(string key) => Config.GetProperty(key).GetBoolean();

    public double ConfigDouble(string key) => Config.GetProperty(key).GetDouble();

    /// <summary>Names (without .json) of the fixture files starting with the prefix, sorted ordinally.</summary>
    public static string[] Names(string prefix, string folder = "pytorch")
    {
        string directory = FolderPath(folder);
        if (!System.IO.Directory.Exists(directory))
        {
            return [];
        }

        return System.IO.Directory.GetFiles(directory, prefix + "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    public static PyTorchFixture Load(string name, string folder = "pytorch")
    {
        string path = Path.Combine(FolderPath(folder), name + ".json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        string caseName = root.GetProperty("case").GetString() ?? throw new InvalidDataException($"{path}: case is null.");
        var tensors = new Dictionary<string, FixtureTensor>(StringComparer.Ordinal);
        foreach (var property in root.GetProperty("tensors").EnumerateObject())
        {
            int[] shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            // GetSingle parses correctly rounded, so the shortest float32 text gives back the exact value.
            float[] data = property.Value.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            if (Gated.Tensors.Tensor.ShapeLength(shape) != data.Length)
            {
                throw new InvalidDataException($"{path}: tensor {property.Name} has shape ({string.Join(", ", shape)}) but {data.Length} values.");
            }

            tensors.Add(property.Name, new FixtureTensor(shape, data));
        }

        return new PyTorchFixture(caseName, root.GetProperty("config").Clone(), tensors);
    }
}
