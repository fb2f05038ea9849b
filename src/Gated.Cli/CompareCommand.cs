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

          --cells LIST           comma-separated cells to compare: gru,lstm,rnn (default: all three)
          --cell-variant V       GRU reset gate: reset-after | reset-before (only when comparing gru alone)
          --out DIR              where compare.svg goes (default: out)
        """ + Recipe.SharedHelp;

    private static readonly HashSet<string> Options = [.. Recipe.OptionNames, "cells"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var line = new CommandLine(args, Options, new HashSet<string>());
        var cells = line.Text("cells", "gru,lstm,rnn").Split(',', StringSplitOptions.TrimEntries).Select(Recipe.ParseCell).ToList();
        if (cells.Distinct().Count() != cells.Count)
        {
            throw new UsageException("--cells lists a cell twice");
        }

        var recipe = Recipe.Read(line, cellFlag: false);
        if (recipe.Options.ValidationSplit <= 0)
        {
            throw new UsageException("--validation-split must be above 0 for a comparison (it ranks by validation loss)");
        }

        if (line.Has("cell-variant") && cells.Any(c => c != RecurrentCell.Gru))
        {
            throw new UsageException("--cell-variant applies only to GRU; use it with --cells gru");
        }

        stdout.WriteLine(recipe.DescribeData());
        bool interactive = !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out);
        var scores = CellComparison.Run(recipe.Series.Values, recipe.Options, cells, cell =>
        {
            stdout.WriteLine($"-- {Name(cell)}");
            return new ProgressBar(stdout, interactive);
        }, recipe.Series.Column);

        string u = recipe.Unit.Length == 0 ? "" : $" ({recipe.Unit})";
        stdout.WriteLine();
        stdout.WriteLine($"{"cell",-10}{"parameters",12}{"s/epoch",10}{"best val_loss",16}{"at epoch",10}{"test RMSE" + u,16}");
        foreach (var s in scores)
        {
            stdout.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{Name(s.Cell),-10}{s.Parameters,12:N0}{s.SecondsPerEpoch,10:F2}{s.BestValidationLoss,16:F6}{s.BestEpoch,10}{s.TestRmse,16:F3}"));
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"persistence",-58}{scores[0].PersistenceRmse,16:F3}"));

        var chart = new SvgLineChart
        {
            Title = $"Validation loss per epoch, '{recipe.Series.Column}', same recipe and seed",
            XLabel = "epoch",
            YLabel = "val_loss (MSE, scaled)",
            XTickLabels = i => (i + 1).ToString(CultureInfo.InvariantCulture),
        };
        foreach (var s in scores)
        {
            chart.AddSeries(Name(s.Cell), s.History.ValidationLoss.Select(v => (float)v).ToArray());
        }

        string path = Path.Combine(recipe.OutDir, "compare.svg");
        chart.Save(path);
        stdout.WriteLine($"Wrote {path}");
        return 0;
    }

    private static string Name(RecurrentCell cell) => cell switch
    {
        RecurrentCell.Gru => "GRU",
        RecurrentCell.Lstm => "LSTM",
        _ => "SimpleRNN",
    };
}
