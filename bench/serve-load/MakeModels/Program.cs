// Writes what bench/serve-load/run.sh serves and sends:
//   mid.safetensors + mid.onnx   GRU(256) over (100, 32) → Dense(1), seed 0 (the bench/README "mid" workload at B=1)
//   NAME.json                    {"instances": [one instance]} of each model's input shape, uniform in [-1, 1), seed 42
// Usage: MakeModels OUTDIR NAME=MODEL.safetensors...   (mid is always written and gets a body too)
using System.Text.Json;
using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Serialization;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: MakeModels OUTDIR [NAME=MODEL.safetensors ...]");
    return 2;
}

string outDir = args[0];
Directory.CreateDirectory(outDir);

var mid = new Sequential(new Gru(256, new RecurrentOptions()), new Dense(1));
mid.Build([100, 32], seed: 0);
string midPath = Path.Combine(outDir, "mid.safetensors");
GatedModelFile.Save(midPath, mid);
ModelFormats.Save(mid, Path.Combine(outDir, "mid.onnx"), ModelFormat.Onnx);
Console.WriteLine($"mid: {midPath}, {mid.ParameterCount:N0} parameters");

var models = new List<(string Name, string Path)> { ("mid", midPath) };
foreach (string item in args[1..])
{
    int eq = item.IndexOf('=');
    models.Add((item[..eq], item[(eq + 1)..]));
}

foreach (var (name, path) in models)
{
    var model = ModelFormats.Load(path);
    int[] shape = model.InputShape;
    var random = new Random(42);
    string bodyPath = Path.Combine(outDir, name + ".json");
    using (var stream = File.Create(bodyPath))
    using (var writer = new Utf8JsonWriter(stream))
    {
        writer.WriteStartObject();
        writer.WriteStartArray("instances");
        WriteNested(writer, shape, 0, random);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    Console.WriteLine($"{name}: body {bodyPath} ({new FileInfo(bodyPath).Length:N0} bytes), one instance of ({string.Join(", ", shape)})");
}

return 0;

static void WriteNested(Utf8JsonWriter writer, int[] shape, int axis, Random random)
{
    writer.WriteStartArray();
    for (int i = 0; i < shape[axis]; i++)
    {
        if (axis == shape.Length - 1)
        {
            writer.WriteNumberValue(MathF.Round((float)(random.NextDouble() * 2 - 1), 4));
        }
        else
        {
            WriteNested(writer, shape, axis + 1, random);
        }
    }

    writer.WriteEndArray();
}
