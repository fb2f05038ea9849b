using System.CommandLine;
using System.Globalization;
using Gated.Forecasting;
using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Plotting;

namespace Gated.Cli;

/// <summary>`gated compare`: the forecast recipe with GRU, LSTM and SimpleRNN side by side, one table and one plot.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var flags = new RecipeFlags();
        var adding = new AddingProblemOptions();
        var task = Flags.Choice("--task", "forecast", [("forecast", "forecast"), ("adding", "adding")], orList: true, help:
            "forecast: the forecast recipe on a CSV column (the options below); adding: the adding problem (--length, "
            + "--samples, --units, --epochs, --batch-size, --learning-rate, --seed; defaults "
            + $"{adding.Length}, {adding.Samples}, {adding.Units}, {adding.Epochs}, {adding.BatchSize}, {adding.LearningRate.ToString(CultureInfo.InvariantCulture)}, {adding.Seed})");
        var cells = Flags.Text("--cells", "gru,lstm,rnn", "comma-separated cells to compare: gru, lstm, rnn", "LIST");
        var length = Flags.Count("--length", adding.Length, "adding problem: steps per sequence");
        var samples = Flags.Count("--samples", adding.Samples, "adding problem: training sequences");
        flags.Variant.Description = "GRU reset gate (only when comparing gru alone)";
        flags.Out.Description = "where compare.svg goes";
        var command = new Command("compare", "train GRU, LSTM and SimpleRNN with the same recipe and seed and compare them")
        {
            task, cells, flags.Variant, flags.Out,
        };
        foreach (var option in flags.Shared)
        {
            command.Add(option);
        }

        command.Add(length);
        command.Add(samples);
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var cellList = ParseCells(parse.GetRequiredValue(cells));
            bool interactive = !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out);
            if (parse.GetChoice(task) == "adding")
            {
                // Options of the other task are reported, not ignored.
                IEnumerable<Option> forecastOnly = [flags.Variant, .. flags.Shared.Except([flags.Units, flags.Epochs, flags.BatchSize, flags.LearningRate, flags.Seed])];
                if (forecastOnly.FirstOrDefault(parse.Given) is { } other)
                {
                    throw new UsageException($"unknown option {other.Name} for --task adding");
                }

                var options = new AddingProblemOptions
                {
                    Length = parse.GetValue(length),
                    Samples = parse.GetValue(samples),
                    Units = parse.Given(flags.Units) ? parse.GetValue(flags.Units) : adding.Units,
                    Epochs = parse.Given(flags.Epochs) ? parse.GetValue(flags.Epochs) : adding.Epochs,
                    BatchSize = parse.Given(flags.BatchSize) ? parse.GetValue(flags.BatchSize) : adding.BatchSize,
                    LearningRate = parse.Given(flags.LearningRate) ? parse.GetValue(flags.LearningRate) : adding.LearningRate,
                    Seed = parse.GetValue(flags.Seed),
                };
                return RunAddingProblem(options, cellList, OutDir(parse, flags), stdout, interactive);
            }

            if (parse.Given(length) || parse.Given(samples))
            {
                throw new UsageException($"unknown option {(parse.Given(length) ? length : samples).Name} for --task forecast");
            }

            return RunForecast(flags.Read(parse, RecurrentKind.Gru), cellList, stdout, interactive);
        });
        return command;
    }

    private static int RunForecast(Recipe recipe, IReadOnlyList<RecurrentKind> cells, TextWriter stdout, bool interactive)
    {
        OutputPath.Check(Path.Combine(recipe.OutDir, "compare.svg"));
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

    private static int RunAddingProblem(AddingProblemOptions options, IReadOnlyList<RecurrentKind> cells, string outDir, TextWriter stdout, bool interactive)
    {
        options.Validate();
        OutputPath.Check(Path.Combine(outDir, "compare.svg"));
        stdout.WriteLine($"Task: the adding problem, {options.Samples} sequences of length {options.Length} (+{options.TestSamples} test), one layer of {options.Units} units");
        var scores = CellComparison.RunAddingProblem(options, cells, cell =>
        {
            stdout.WriteLine($"-- {Name(cell)}");
            return new ProgressBar(stdout, interactive);
        });
        Report(scores, "test RMSE", "predict 1", $"Validation loss per epoch, adding problem T = {options.Length}", "val_loss (MSE)", outDir, stdout);
        return 0;
    }

    private static string OutDir(ParseResult parse, RecipeFlags flags)
    {
        string outDir = parse.GetRequiredValue(flags.Out);
        return File.Exists(outDir) ? throw new UsageException($"--out {outDir} is a file; it must be a folder") : outDir;
    }

    private static List<RecurrentKind> ParseCells(string list) =>
        list.Split(',', StringSplitOptions.TrimEntries).Select(name =>
            RecipeFlags.CellNames.FirstOrDefault(c => c.Name == name) is { Name: not null } known
                ? known.Value
                : throw new UsageException($"unknown cell '{name}'; expected {string.Join(", ", RecipeFlags.CellNames.Select(c => c.Name))}")).ToList();

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

    private static string Name(RecurrentKind cell) => cell switch
    {
        RecurrentKind.Gru => "GRU",
        RecurrentKind.Lstm => "LSTM",
        _ => "SimpleRNN",
    };
}
