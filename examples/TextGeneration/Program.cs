// Character-level language model on The Adventures of Sherlock Holmes: characters → Embedding → GRU (every step)
// → TimeDistributed(Dense(V)) logits, trained with softmax cross-entropy to predict each next character; the
// validation loss is the held-out end of the book, and a sample is written with the GRU's streaming API.
using System.Diagnostics;
using System.Globalization;
using Gated.Data;
using Gated.Examples.Shared;
using Gated.Examples.TextGeneration;
using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Plotting;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Training;

const string DataName = "sherlock-holmes.txt";
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (ExampleStart.Begin(args, TextGenerationOptions.Flags, DataName, out int exitCode) is not { } started)
{
    return exitCode;
}

var (options, path) = started;

string book;
try
{
    book = GutenbergText.Load(path);
}
catch (DataFormatException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

var total = Stopwatch.StartNew();

// The vocabulary is every character of the book, so the held-out end has no character without an index;
// it reveals only which characters occur, not how often.
var tokenizer = CharTokenizer.Fit(book);
int v = tokenizer.VocabularySize;
int[] tokens = tokenizer.Encode(book);
var (trainTokens, validationTokens) = TextSequences.SplitChronologically(tokens, options.ValidationFraction);
int[] primeTokens;
try
{
    primeTokens = tokenizer.Encode(options.Prime);
}
catch (ArgumentException e)
{
    // The message without its "(Parameter 'text')" suffix, which names a variable the user never saw.
    Console.Error.WriteLine($"error: --prime: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}");
    return 2;
}

if (options.TrainChars > 0 && options.TrainChars < trainTokens.Length)
{
    trainTokens = trainTokens[..options.TrainChars];
}

if (trainTokens.Length <= options.Length || validationTokens.Length <= options.Length)
{
    Console.Error.WriteLine($"error: --length {options.Length} leaves no window in {trainTokens.Length} training or {validationTokens.Length} validation characters");
    return 2;
}

Console.WriteLine($"Machine: {MachineLoad.Describe()}");
Console.WriteLine($"Data: {path} (Project Gutenberg header and footer removed), {book.Length:N0} characters, {v} distinct");
Console.WriteLine($"Split in reading order: first {trainTokens.Length:N0} characters train, last {validationTokens.Length:N0} validate");

var (xTrain, yTrain) = TextSequences.NextTokenWindows(trainTokens, options.Length, options.Stride);
var (xValidation, yValidation) = TextSequences.NextTokenWindows(validationTokens, options.Length, options.Length);
double unigramBits = CharBaselines.UnigramEntropyBits(trainTokens, v);
double bigramBits = CharBaselines.BigramCrossEntropyBits(trainTokens, validationTokens, v);
Console.WriteLine($"Windows of {options.Length} characters: {xTrain.Shape[0]:N0} train (stride {options.Stride}), {xValidation.Shape[0]:N0} validation (stride {options.Length})");
Console.WriteLine($"Baselines: unigram entropy of the training text {unigramBits:F3} bits/char; " +
    $"bigram model (add-one) on the validation text {bigramBits:F3} bits/char");

var model = new Sequential(
    new Embedding(v, options.EmbeddingSize),
    new Gru(options.Units, returnSequences: true),
    new TimeDistributed(new Dense(v)));
model.Build([options.Length], options.Seed);
model.Compile(new Adam(options.LearningRate) { GlobalClipNorm = options.ClipNorm }, Loss.SparseSoftmaxCrossEntropy);
Console.Write(model.Summary());

var validation = new ValidationPrinter(xValidation, yValidation, options.BatchSize);
var clock = Stopwatch.StartNew();
var history = model.Fit(xTrain, yTrain, options.Epochs, options.BatchSize, shuffle: true, seed: options.Seed, callbacks: [validation]);
clock.Stop();
double finalNats = validation.Losses[^1];
double finalBits = finalNats / Math.Log(2);
Console.WriteLine($"Training: {clock.Elapsed.TotalSeconds:F1} s ({clock.Elapsed.TotalSeconds / history.Epochs:F1} s per epoch, " +
    $"{(double)trainTokens.Length * history.Epochs / clock.Elapsed.TotalSeconds:N0} characters/s)");
Console.WriteLine($"Validation loss: {finalNats:F4} nats/char = {finalBits:F3} bits/char " +
    $"(unigram {unigramBits:F3}, bigram {bigramBits:F3})");

// The streaming sampler must give the same next-character distribution as the model run over a whole window.
// The window is as long as the training ones: Predict accepts token indices only at the length the model was built for.
var sampler = new CharSampler(model);
int[] context = validationTokens[..options.Length];
double[] streamed = sampler.Probabilities(context);
var logits = model.Predict(new Tensor(context.Select(t => (float)t).ToArray(), 1, options.Length));
double[] batched = SoftmaxOfLastStep(logits.Data, v);
double gap = streamed.Zip(batched, (a, b) => Math.Abs(a - b)).Max();
Console.WriteLine($"Streaming check: RecurrentStream and Predict agree on P(next char) after the first {options.Length} validation characters to {gap:E1}");
var sampleClock = Stopwatch.StartNew();
int[] generated = sampler.Generate(primeTokens, options.SampleLength, options.Temperature, new SeededRandom(options.Seed));
sampleClock.Stop();
string sample = options.Prime + tokenizer.Decode(generated);
Console.WriteLine($"Sample ({options.SampleLength} characters at temperature {options.Temperature}, " +
    $"{options.SampleLength / sampleClock.Elapsed.TotalSeconds:N0} characters/s, after the {options.Prime.Length}-character prime it starts with):");
Console.WriteLine("----");
Console.WriteLine(sample);
Console.WriteLine("----");

Directory.CreateDirectory(options.OutFolder);
string samplePath = Path.Combine(options.OutFolder, "sample.txt");
AtomicFile.WriteAllText(samplePath, sample + "\n");

string chartPath = Path.Combine(options.OutFolder, "val_loss.svg");
var chart = new SvgLineChart
{
    Title = $"Character GRU({options.Units}) on Sherlock Holmes: bits per character",
    XLabel = "epoch",
    YLabel = "bits per character",
    YMin = 0,
    XTickLabels = i => (i + 1).ToString(CultureInfo.InvariantCulture),
};
chart.AddSeries("train", history.Loss.Select(l => (float)(l / Math.Log(2))).ToArray());
chart.AddSeries("validation", validation.Losses.Select(l => (float)(l / Math.Log(2))).ToArray());
chart.AddSeries("unigram baseline", Enumerable.Repeat((float)unigramBits, history.Epochs).ToArray());
chart.AddSeries("bigram baseline", Enumerable.Repeat((float)bigramBits, history.Epochs).ToArray());
chart.Save(chartPath);

// The vocabulary travels with the weights, or the indices could not be turned back into characters.
string modelPath = Path.Combine(options.OutFolder, "model.safetensors");
GatedModelFile.Save(modelPath, model, new Dictionary<string, string> { ["vocabulary"] = tokenizer.GetState() });
Console.WriteLine($"Wrote {samplePath}, {chartPath}, {modelPath}");

// The same model in dynamic int8 (the file above stays float): what the 4x smaller weights cost in bits per character.
model.QuantizeInt8();
double int8Nats = model.Evaluate(xValidation, yValidation, options.BatchSize);
Console.WriteLine($"Int8 (dynamic, Sequential.QuantizeInt8): validation {int8Nats / Math.Log(2):F3} bits/char (float {finalBits:F3})");
Console.WriteLine($"Total: {total.Elapsed.TotalSeconds:F1} s ({MachineLoad.Describe()})");
return 0;

// logits (1, T, V): softmax of the last step's row.
static double[] SoftmaxOfLastStep(float[] logits, int classes)
{
    var last = logits.AsSpan(logits.Length - classes, classes);
    double max = double.NegativeInfinity;
    foreach (float x in last)
    {
        max = Math.Max(max, x);
    }

    double[] p = new double[classes];
    double sum = 0;
    for (int c = 0; c < classes; c++)
    {
        p[c] = Math.Exp(last[c] - max);
        sum += p[c];
    }

    return p.Select(x => x / sum).ToArray();
}
