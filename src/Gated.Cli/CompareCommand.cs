using System.Globalization;
using Gated.Forecasting;
using Gated.Layers.Recurrent;
using Gated.Plotting;

namespace Gated.Cli;

/// <summary>`gated compare`: the forecast recipe with GRU, LSTM and SimpleRNN side by side, one table and one plot.</summary>
internal static class CompareCommand
{
    public static readonly string Help = """
        gated compare [options]   train GRU, LSTM and SimpleRNN with the same recipe and seed and compare them

          --task T               forecast (default: the forecast recipe on a CSV column, options below)
                                 | adding (the adding problem: --length N (100), --samples N (10000),
                                   --units N (32), --epochs N (10), --batch-size N (32),
                                   --learning-rate X (0.01), --seed N (0))
          --cells LIST           comma-separated cells to compare: gru,lstm,rnn (default: all three)
          --cell-variant V       GRU reset gate: reset-after | reset-before (only when comparing gru alone)
          --out DIR              where compare.svg goes (default: out)
        """ + Recipe.SharedHelp;

    private static readonly HashSet<string> Options = [.. Recipe.OptionNames, "cells", "task"];

    private static readonly HashSet<string> AddingOptions =
        ["task", "cells", "length", "samples", "units", "epochs", "batch-size", "learning-rate", "seed", "out"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        // The task decides which options exist, so an option of the other task is reported, not ignored.
        bool adding = TaskOf(args) == "adding";
        var line = new CommandLine(args, adding ? AddingOptions : Options, new HashSet<string>());
        var cells = line.Text("cells", "gru,lstm,rnn").Split(',', StringSplitOptions.TrimEntries).Select(Recipe.ParseCell).ToList();
        if (cells.Distinct().Count() != cells.Count)
        {
            throw new UsageException("--cells lists a cell twice");
        }

        bool interactive = !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out);
        if (adding)
        {
            return RunAddingProblem(line, cells, stdout, interactive);
        }

        var recipe = Recipe.Read(line, cellFlag: false);
        if (recipe.Options.ValidationSplit <= 0)
        {
            throw new UsageException("--validation-split must be above 0 for a comparison (it ranks by validation loss)");
        }

        if (line.Has("cell-variant") && cells.Any(c => c != RecurrentKind.Gru))
        {
            throw new UsageException("--cell-variant applies only to GRU; use it with --cells gru");
        }

        stdout.WriteLine(recipe.DescribeData());
        var scores = CellComparison.Run(recipe.Series.Values, recipe.Options, cells, cell =>
        {
            stdout.WriteLine($"-- {Name(cell)}");
            return new ProgressBar(stdout, interactive);
        }, recipe.Series.Column);

        string u = recipe.Unit.Length == 0 ? "" : $" ({recipe.Unit})";
        Report(scores, "test RMSE" + u, "persistence", $"Validation loss per epoch, '{recipe.Series.Column}', same recipe and seed", "val_loss (MSE, scaled)", recipe.OutDir, stdout);
        return 0;
    }

    private static int RunAddingProblem(CommandLine line, IReadOnlyList<RecurrentKind> cells, TextWriter stdout, bool interactive)
    {
        int length = line.PositiveInt("length", 100);
        if (length < 2)
        {
            throw new UsageException("--length must be at least 2");
        }

        int samples = line.PositiveInt("samples", 10_000);
        if (samples < 20)
        {
            throw new UsageException("--samples must be at least 20");
        }

        int units = line.PositiveInt("units", 32);
        int epochs = line.PositiveInt("epochs", 10);
        int batchSize = line.PositiveInt("batch-size", 32);
        float learningRate = (float)line.Number("learning-rate", 0.01, 0, double.PositiveInfinity);
        ulong seed = line.Seed("seed", 0);
        string outDir = line.Text("out", "out");
        if (File.Exists(outDir))
        {
            throw new UsageException($"--out {outDir} is a file; it must be a folder");
        }

        stdout.WriteLine($"Task: the adding problem, {samples} sequences of length {length} (+{samples / 5} test), one layer of {units} units");
        var scores = CellComparison.RunAddingProblem(length, samples, units, epochs, batchSize, learningRate, seed, cells, cell =>
        {
            stdout.WriteLine($"-- {Name(cell)}");
            return new ProgressBar(stdout, interactive);
        });
        Report(scores, "test RMSE", "predict 1", $"Validation loss per epoch, adding problem T = {length}", "val_loss (MSE)", outDir, stdout);
        return 0;
    }

    private static void Report(
        IReadOnlyList<CellScore> scores, string scoreHeader, string baselineName, string title, string yLabel, string outDir, TextWriter stdout)
    {
        stdout.WriteLine();
        stdout.WriteLine($"{"cell",-10}{"parameters",12}{"s/epoch",10}{"best val_loss",16}{"at epoch",10}{scoreHeader,16}");
        foreach (var s in scores)
        {
            stdout.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{Name(s.Cell),-10}{s.Parameters,12:N0}{s.SecondsPerEpoch,10:F2}{s.BestValidationLoss,16:F6}{s.BestEpoch,10}{s.TestRmse,16:F3}"));
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{baselineName,-58}{scores[0].BaselineRmse,16:F3}"));
        var chart = new SvgLineChart
        {
            Title = title,
            XLabel = "epoch",
            YLabel = yLabel,
            XTickLabels = i => (i + 1).ToString(CultureInfo.InvariantCulture),
        };
        foreach (var s in scores)
        {
            chart.AddSeries(Name(s.Cell), s.History.ValidationLoss.Select(v => (float)v).ToArray());
        }

        string path = Path.Combine(outDir, "compare.svg");
        chart.Save(path);
        stdout.WriteLine($"Wrote {path}");
    }

    // Reads --task before the other options, which depend on it.
    private static string TaskOf(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string? value = args[i] == "--task" && i + 1 < args.Count ? args[i + 1]
                : args[i].StartsWith("--task=", StringComparison.Ordinal) ? args[i]["--task=".Length..] : null;
            if (value is not null)
            {
                return value is "forecast" or "adding" ? value : throw new UsageException($"--task must be forecast or adding, got '{value}'");
            }
        }

        return "forecast";
    }

    private static string Name(RecurrentKind cell) => cell switch
    {
        RecurrentKind.Gru => "GRU",
        RecurrentKind.Lstm => "LSTM",
        _ => "SimpleRNN",
    };
}
