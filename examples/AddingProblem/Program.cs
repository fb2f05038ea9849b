// The long-range dependency demo: GRU, LSTM and SimpleRNN of the same size, trained with the same data, seed
// and optimizer on the adding problem. Gated cells carry the first marked value across ~T steps; a plain tanh
// RNN's gradient vanishes over that distance, so it stays near the baseline of always predicting 1.
using System.Diagnostics;
using System.Globalization;
using Gated.Data;
using Gated.Examples.Adding;
using Gated.Forecasting;
using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Plotting;
using Gated.Training;

ExampleOptions options;
try
{
    if (args is ["--help"] or ["-h"])
    {
        Console.WriteLine(ExampleOptions.Flags.Usage);
        return 0;
    }

    options = ExampleOptions.Parse(args);

    // Made now, so a bad --out fails before minutes of training rather than after.
    Directory.CreateDirectory(options.OutFolder);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(ExampleOptions.Flags.Usage);
    return 2;
}

var total = Stopwatch.StartNew();
var (x, y) = AddingProblem.Generate(options.Samples, options.Length, options.Seed);

// A distant offset keeps the test stream apart from the training data of every nearby --seed.
var (testX, testY) = AddingProblem.Generate(options.TestSamples, options.Length, unchecked(options.Seed + 0x9E3779B97F4A7C15UL));
int validation = DatasetSplit.HeldOutCount(options.Samples, options.ValidationSplit);
var validationX = x.SliceBatch(options.Samples - validation, validation);
var validationY = y.SliceBatch(options.Samples - validation, validation);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
    Adding problem, T = {options.Length}: {options.Samples - validation} train, {validation} validation, {options.TestSamples} test samples, seed {options.Seed}
    Each cell: GRU, LSTM or SimpleRNN({options.Units}) -> Dense(1), Adam(lr {options.LearningRate}, global clip norm {options.ClipNorm}), MSE, batch {options.BatchSize}, {options.Epochs} epochs
    Baseline (always predict 1): MSE {AddingProblem.BaselineMeanSquaredError:F4}; solved means test MSE < {options.SolvedBelow}
    """));

var results = new List<CellResult>();
foreach (var cell in options.Cells)
{
    var clock = Stopwatch.StartNew();
    var model = StackedRecurrent.Build(cell, options.Units, layers: 1, steps: options.Length, features: 2, options.Seed);
    model.Compile(new Adam(options.LearningRate) { GlobalClipNorm = options.ClipNorm }, Loss.MeanSquaredError);

    // The loss before training is the curves' epoch 0, so a cell that leaves the baseline in epoch 1 shows it.
    double untrained = model.Evaluate(validationX, validationY, batchSize: 256);
    double testMse;
    IReadOnlyList<double> validationLoss;
    try
    {
        var history = model.Fit(
            x, y, options.Epochs, options.BatchSize, options.ValidationSplit, shuffle: true, seed: options.Seed,
            callbacks: [new EpochPrinter(Name(cell))]);
        testMse = model.Evaluate(testX, testY, batchSize: 256);
        validationLoss = [untrained, .. history.ValidationLoss];
    }
    catch (ArithmeticException ex)
    {
        // A diverged cell (a --learning-rate too high) is a result to report, not a reason to lose the others.
        Console.WriteLine($"  {Name(cell),-9} {ex.Message}");
        testMse = double.NaN;
        validationLoss = [untrained];
    }

    results.Add(new CellResult(cell, model.ParameterCount, testMse, clock.Elapsed.TotalSeconds, validationLoss));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Name(cell),-9} test MSE {testMse:F5} in {clock.Elapsed.TotalSeconds:F1}s"));
}

Console.WriteLine();
Console.WriteLine($"{"cell",-10}{"params",8}{"test MSE",11}{"of baseline",13}{"seconds",9}  verdict");
foreach (var r in results)
{
    string verdict = double.IsNaN(r.TestMse) ? "diverged" : r.TestMse < options.SolvedBelow ? "solved" : "not solved";
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{Name(r.Cell),-10}{r.Parameters,8:N0}{r.TestMse,11:F5}{r.TestMse / AddingProblem.BaselineMeanSquaredError,13:P1}{r.Seconds,9:F1}  {verdict}"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"baseline",-10}{"",8}{AddingProblem.BaselineMeanSquaredError,11:F5}{1,13:P1}"));

var chart = new SvgLineChart
{
    Title = $"Adding problem, T = {options.Length}: validation MSE per epoch",
    XLabel = "epoch (0 = before training)",
    YLabel = "val_loss (MSE)",
    XTickLabels = i => i.ToString(CultureInfo.InvariantCulture),
    YMin = 0,

    // Untrained models start near MSE 1 (they predict about 0); cutting the axis keeps the baseline plateau readable.
    YMax = 0.3,
};
foreach (var r in results)
{
    chart.AddSeries(Name(r.Cell), r.ValidationLoss.Select(v => (float)v).ToArray());
}

chart.AddSeries("baseline (predict 1)", Enumerable.Repeat((float)AddingProblem.BaselineMeanSquaredError, options.Epochs + 1).ToArray());
string svg = Path.Combine(options.OutFolder, "val_loss.svg");
chart.Save(svg);
Console.WriteLine($"Wrote {svg}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total: {total.Elapsed.TotalSeconds:F1}s"));
return 0;

static string Name(RecurrentKind cell) => cell switch
{
    RecurrentKind.Gru => "GRU",
    RecurrentKind.Lstm => "LSTM",
    _ => "SimpleRNN",
};
