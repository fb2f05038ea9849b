// Sentiment classification on the bundled review sentences: words → Embedding (padding masked) → GRU → sigmoid.
// The test sentences are split off first and never seen by the tokenizer or the training loop.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text;
using Gated.Data;
using Gated.Examples.Sentiment;
using Gated.Examples.Shared;
using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Plotting;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Training;

const string DataName = "sentiment-sentences.csv";
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (ExampleStart.Begin(args, SentimentOptions.Flags, DataName, out int exitCode) is not { } started)
{
    return exitCode;
}

var (options, path) = started;

SentimentSentence[] sentences;
try
{
    sentences = SentimentSentences.Load(path);
}
catch (DataFormatException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

var total = Stopwatch.StartNew();
Console.WriteLine($"Machine: {MachineLoad.Describe()}");
Console.WriteLine($"Data: {path}, {sentences.Length} sentences, {sentences.Count(s => s.Label == 1)} positive; " +
    string.Join(", ", sentences.GroupBy(s => s.Source).Select(g => $"{g.Count()} {g.Key}")));

var (trainIndices, testIndices) = DatasetSplit.Shuffled(sentences.Length, options.TestFraction, options.Seed);
var train = DatasetSplit.Gather(sentences, trainIndices);
var test = DatasetSplit.Gather(sentences, testIndices);
string[] trainTexts = train.Select(s => s.Text).ToArray();
string[] testTexts = test.Select(s => s.Text).ToArray();

// Fitted on the training texts only, so test words the model never saw count as unknown, as they would in use.
var tokenizer = WordTokenizer.Fit(trainTexts, options.MaxTokens);
var xTrain = tokenizer.EncodeBatch(trainTexts, options.Length);
var xTest = tokenizer.EncodeBatch(testTexts, options.Length);
var yTrain = Labels(train);
var yTest = Labels(test);
Console.WriteLine($"Split (seed {options.Seed}): {train.Length} train (last {options.ValidationSplit:P0} of them validation), {test.Length} test");
Console.WriteLine($"Vocabulary: {tokenizer.VocabularySize} tokens from the training sentences; " +
    $"{UnknownShare(xTest):P1} of test words are unknown; sentences cut or padded to {options.Length} words");

// Dropout passes Embedding's mask on, so the GRU still skips the padding behind it.
var model = new Sequential(
    new Embedding(tokenizer.VocabularySize, options.EmbeddingSize, maskZero: true),
    new Dropout(options.Dropout),
    options.Bidirectional ? new Bidirectional(new Gru(options.Units)) : new Gru(options.Units),
    new Dropout(options.Dropout),
    new Dense(1),
    new Activation("sigmoid"));
model.Build([options.Length], options.Seed);
model.Compile(new Adam(options.LearningRate), Loss.BinaryCrossEntropy, new BinaryAccuracy());
Console.Write(model.Summary());

var stopping = new EarlyStopping("val_loss", patience: options.Patience, restoreBestWeights: true);
var clock = Stopwatch.StartNew();
var history = model.Fit(
    xTrain, yTrain, options.Epochs, options.BatchSize, options.ValidationSplit, shuffle: true, seed: options.Seed,
    callbacks: [new EpochPrinter(), stopping]);
clock.Stop();
string stopped = stopping.StoppedEpoch is int s ? $"stopped after epoch {s + 1}" : "ran every epoch";
Console.WriteLine($"Training: {clock.Elapsed.TotalSeconds:F1} s, {history.Epochs} epochs ({stopped}); " +
    $"weights of epoch {stopping.BestEpoch + 1} restored (val_loss {stopping.Best:F4})");

var scores = model.EvaluateWithMetrics(xTest, yTest);
Console.WriteLine($"Test ({test.Length} sentences): loss {scores["loss"]:F4}, accuracy {scores["accuracy"]:F4}" +
    $"   (always guessing the majority class: {Math.Max(yTest.Data.Average(), 1 - yTest.Data.Average()):F4})");

var probabilities = model.Predict(xTest).Data;
foreach (var group in Enumerable.Range(0, test.Length).GroupBy(i => test[i].Source).OrderBy(g => g.Key, StringComparer.Ordinal))
{
    double accuracy = group.Average(i => (probabilities[i] > 0.5f ? 1 : 0) == test[i].Label ? 1.0 : 0.0);
    Console.WriteLine($"  {group.Key,-7} {group.Count(),4} sentences  accuracy {accuracy:F4}");
}

Console.WriteLine($"First {Math.Min(options.Show, test.Length)} test sentences (P(positive), label):");
for (int i = 0; i < Math.Min(options.Show, test.Length); i++)
{
    string mark = (probabilities[i] > 0.5f ? 1 : 0) == test[i].Label ? " " : "✗";
    Console.WriteLine($"  {probabilities[i]:F3} {test[i].Label} {mark} {Shorten(test[i].Text, 90)}");
}

Directory.CreateDirectory(options.OutFolder);
string chartPath = Path.Combine(options.OutFolder, "training.svg");
var chart = new SvgLineChart
{
    Title = "Sentiment GRU: loss and accuracy per epoch",
    XLabel = "epoch",
    YLabel = "binary cross-entropy / accuracy",
    YMin = 0,
    XTickLabels = i => (i + 1).ToString(CultureInfo.InvariantCulture),
};
foreach (string key in new[] { "loss", "val_loss", "accuracy", "val_accuracy" })
{
    chart.AddSeries(key, history.Get(key).Select(v => (float)v).ToArray());
}

chart.Save(chartPath);

string predictionsPath = Path.Combine(options.OutFolder, "predictions.csv");
var csv = new StringBuilder("source,label,probability,text\n");
for (int i = 0; i < test.Length; i++)
{
    csv.Append(CultureInfo.InvariantCulture, $"{test[i].Source},{test[i].Label},{probabilities[i]:F4},\"{test[i].Text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"\n");
}

AtomicFile.WriteAllText(predictionsPath, csv.ToString());

// The vocabulary travels with the weights: a model file alone could not turn new text into indices.
string modelPath = Path.Combine(options.OutFolder, "model.safetensors");
GatedModelFile.Save(modelPath, model, new Dictionary<string, string>
{
    ["vocabulary"] = JsonSerializer.Serialize(tokenizer.GetState()),
    ["sequence_length"] = options.Length.ToString(CultureInfo.InvariantCulture),
});
Console.WriteLine($"Wrote {chartPath}, {predictionsPath}, {modelPath}");

// The same model in dynamic int8 (the file above stays float): how much accuracy the 4x smaller weights cost.
model.QuantizeInt8();
var int8Scores = model.EvaluateWithMetrics(xTest, yTest);
Console.WriteLine($"Int8 (dynamic, Sequential.QuantizeInt8): test loss {int8Scores["loss"]:F4}, accuracy {int8Scores["accuracy"]:F4} " +
    $"(float {scores["loss"]:F4}, {scores["accuracy"]:F4})");
Console.WriteLine($"Total: {total.Elapsed.TotalSeconds:F1} s ({MachineLoad.Describe()})");
return 0;

static Tensor Labels(SentimentSentence[] part) => new(part.Select(s => (float)s.Label).ToArray(), part.Length, 1);

static double UnknownShare(Tensor indices)
{
    int words = indices.Data.Count(v => v != WordTokenizer.PaddingIndex);
    return words == 0 ? 0 : (double)indices.Data.Count(v => v == WordTokenizer.OutOfVocabularyIndex) / words;
}

static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
