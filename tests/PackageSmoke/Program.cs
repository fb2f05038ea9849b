// Uses the Gated package the way a consumer would: builds a small GRU, trains it for one epoch on synthetic
// sequences, predicts, saves and reloads it. Prints one line that .ci/run checks; any failure exits non-zero.
using System.Reflection;
using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Training;

const int Samples = 64, Steps = 12;

// x (Samples, Steps, 1): sine waves of random phase; y (Samples, 1): each wave's next value.
var random = new Random(1);
var x = new Tensor(Samples, Steps, 1);
var y = new Tensor(Samples, 1);
for (int s = 0; s < Samples; s++)
{
    double phase = random.NextDouble() * 2 * Math.PI;
    for (int t = 0; t <= Steps; t++)
    {
        float value = (float)Math.Sin(phase + 0.4 * t);
        if (t < Steps)
        {
            x.Data[s * Steps + t] = value;
        }
        else
        {
            y.Data[s] = value;
        }
    }
}

var model = new Sequential(new Gru(8), new Dense(1));
model.Build(inputShape: [Steps, 1], seed: 7);
model.Compile(new Adam(learningRate: 1e-2f), Loss.MeanSquaredError);
History history = model.Fit(x, y, epochs: 1, batchSize: 16, seed: 7);
Tensor predictions = model.Predict(x);

string file = Path.Combine(Path.GetTempPath(), $"gated-smoke-{Environment.ProcessId}.safetensors");
GatedModelFile.Save(file, model);
var (loaded, _) = GatedModelFile.Load(file);
File.Delete(file);
Tensor reloaded = loaded.Predict(x);

bool ok = predictions.Shape.SequenceEqual([Samples, 1])
    && predictions.Data.All(float.IsFinite)
    && double.IsFinite(history.Loss[^1])
    && predictions.Data.SequenceEqual(reloaded.Data);
string version = typeof(Sequential).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
Console.WriteLine(
    $"smoke {(ok ? "ok" : "FAILED")}: Gated {version.Split('+')[0]}, {model.ParameterCount} parameters, loss {history.Loss[^1]:F4}, " +
    $"{predictions.Data.Length} predictions, reloaded model agrees");
return ok ? 0 : 1;
