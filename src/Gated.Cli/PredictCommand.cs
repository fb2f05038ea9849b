using System.CommandLine;
using System.Globalization;
using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Forecasting;
using Gated.Models;
using Gated.Seq2Seq;
using Gated.Serialization;
using Gated.Serialization.Onnx;
using Gated.Tensors;
using Gated.Time;

namespace Gated.Cli;

/// <summary>
/// `gated predict`: with --csv, forecast the value after a CSV column ends with a saved forecaster; with
/// --input/--output, run any supported model file (Gated, ONNX, PyTorch state_dict) on a .npy or .csv batch; with a
/// model of `gated seq2seq`, decode each line of standard input (or --input) to a line of standard output.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(TextReader stdin)
    {
        var model = Flags.Text("--model", null, "the model file (required): one written by `gated forecast` or `gated seq2seq`, or with --input/--output a Gated model (.safetensors), an ONNX model (.onnx) or a PyTorch state_dict (.safetensors)", "PATH");
        var csv = Flags.Text("--csv", null, "forecast the value after this CSV file ends (default: the bundled Chicago daily weather)", "PATH");
        var column = Flags.Text("--column", null, "value column (default: the column the model was trained on)", "NAME");
        var dateColumn = Flags.Text("--date-column", null, $"date column (default: {SeriesInput.DefaultDateColumn}, or a first column of dates)", "NAME");
        var fill = new ForecastFlags().Fill;
        var input = Flags.Text("--input", null, "run the model on a batch: .npy (samples, time, features) or .csv (one sample per row, values flattened); for a seq2seq model, a text file of lines to decode (default: standard input)", "X");
        var output = Flags.Text("--output", null, ".npy or .csv for the outputs of --input; an ONNX graph's further outputs go beside it as Y.NAME.npy (or .csv)", "Y");
        var inputLayout = Flags.Text("--input-layout", null, "for an ONNX model, the layout of a .npy --input: batch (samples, time, features) or time (time, samples, features); default: the graph's own (a .csv is always one sample per row)", "batch|time");
        var head = ConvertCommand.HeadOption("for a state_dict: its Linear head reads the last step or every step");
        var nonlinearity = ConvertCommand.NonlinearityOption("for a state_dict of nn.RNN");
        var beamWidth = Flags.Count("--beam-width", 0, "for a seq2seq model: beam width, 1 for greedy decoding (default: the width it was trained with)").WithoutDefault();
        var command = new Command("predict", "forecast with a saved model, decode lines with a seq2seq model, or run any model file on a .npy/.csv batch (a forecaster's saved scaler is applied on the way in and inverted on the way out)")
        {
            model, csv, column, dateColumn, fill, input, output, head, nonlinearity, inputLayout, beamWidth,
        };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            string modelPath = parse.GetValue(model) ?? throw new UsageException("predict needs --model PATH");
            if (IsSeq2Seq(modelPath))
            {
                if (new Option[] { csv, column, dateColumn, fill, output, head, nonlinearity, inputLayout }.FirstOrDefault(parse.Given) is { } other)
                {
                    throw new UsageException($"{other.Name} does not apply to a seq2seq model; it decodes the lines of standard input (or --input) to standard output");
                }

                return Decode(modelPath, parse.GetValue(input), parse.Given(beamWidth) ? parse.GetValue(beamWidth) : null, stdin, stdout);
            }

            if (parse.Given(beamWidth))
            {
                throw new UsageException($"--beam-width applies to a model written by `gated seq2seq`; {modelPath} is not one");
            }

            bool batchMode = parse.Given(input) || parse.Given(output);
            string? layout = parse.GetValue(inputLayout);
            if (layout is not (null or "batch" or "time"))
            {
                throw new UsageException($"--input-layout {layout}: use batch or time");
            }

            if (layout is not null && (!batchMode || ModelFormats.Detect(modelPath) != ModelFormat.Onnx))
            {
                throw new UsageException("--input-layout applies to an ONNX --model with --input/--output");
            }

            if (!batchMode)
            {
                if (parse.Given(head) || parse.Given(nonlinearity))
                {
                    throw new UsageException("--head-on and --nonlinearity apply with --input/--output");
                }

                if (IsGlobalForecaster(modelPath))
                {
                    return ForecastAhead(modelPath, parse.GetValue(csv), parse.GetValue(column), parse.GetValue(dateColumn), parse.GetChoice(fill), stdout);
                }

                if (parse.Given(fill))
                {
                    throw new UsageException("--fill applies to models written by `gated forecast` with the default recipe");
                }

                return ForecastNext(modelPath, parse.GetValue(csv), parse.GetValue(column), parse.GetValue(dateColumn), stdout);
            }

            if (parse.Given(csv) || parse.Given(column) || parse.Given(dateColumn) || parse.Given(fill))
            {
                throw new UsageException("--csv, --column and --date-column forecast from a series; with --input/--output leave them out");
            }

            string inputPath = parse.GetValue(input) ?? throw new UsageException("--output needs --input");
            string outputPath = parse.GetValue(output) ?? throw new UsageException("--input needs --output");
            ConvertCommand.CheckStateDictOptions(parse, ModelFormats.Detect(modelPath), head, nonlinearity, "--model");
            return ModelFormats.Detect(modelPath) == ModelFormat.Onnx
                ? RunOnnx(modelPath, inputPath, outputPath, layout, stdout)
                : RunBatch(modelPath, inputPath, outputPath, parse.GetChoice(head), parse.GetChoice(nonlinearity), stdout);
        });
        return command;
    }

    private static int RunBatch(string modelPath, string inputPath, string outputPath, PyTorchHead head, SimpleRnnActivation nonlinearity, TextWriter stdout)
    {
        TensorFiles.Extension(inputPath, "input");
        TensorFiles.Extension(outputPath, "output");
        OutputPath.Check(outputPath);
        var format = ModelFormats.Detect(modelPath);
        var input = TensorFiles.Read(inputPath, "input");

        Tensor output;
        if (format == ModelFormat.Gated && IsGlobalForecaster(modelPath))
        {
            throw new UsageException($"{modelPath} forecasts from a CSV file (its scaling depends on each series' history); use --csv instead of --input/--output");
        }

        if (ConvertCommand.IsForecaster(modelPath, format))
        {
            var forecaster = TutorialForecaster.Load(modelPath);
            output = forecaster.CheckWindowShape(input.Shape) is { } problem
                ? throw new UsageException($"--input {inputPath}: {problem}")
                : forecaster.PredictWindows(input);
        }
        else
        {
            var model = ModelFormats.Load(modelPath, head, nonlinearity);
            output = model.Predict(ShapeFor(model, input, inputPath));
        }

        TensorFiles.Write(outputPath, output, "output");
        stdout.WriteLine($"Wrote {outputPath}: {Tensor.FormatShape(output.Shape)} from {Tensor.FormatShape(input.Shape)} inputs");
        return 0;
    }

    // Every graph output: the first to --output, the others beside it as STEM.NAME.EXT, all checked before any work.
    private static int RunOnnx(string modelPath, string inputPath, string outputPath, string? layout, TextWriter stdout)
    {
        string extension = TensorFiles.Extension(inputPath, "input");
        string outExtension = TensorFiles.Extension(outputPath, "output");
        var graph = OnnxImporter.LoadGraph(modelPath);
        var paths = graph.OutputNames.Select((name, k) => k == 0 ? outputPath : ExtraOutputPath(outputPath, name, outExtension)).ToList();
        paths.ForEach(p => OutputPath.Check(p));
        var input = TensorFiles.Read(inputPath, "input");
        if (extension == ".csv")
        {
            if (layout is not null)
            {
                throw new UsageException("--input-layout applies to a .npy --input; a .csv holds one sample per row");
            }

            if (input.Rank != 2 || input.Shape[1] % graph.Features != 0)
            {
                throw new UsageException($"--input {inputPath}: rows of {input.Shape[^1]} values do not split into steps of {graph.Features} features");
            }

            input = input.Reshape([input.Shape[0], input.Shape[1] / graph.Features, graph.Features]);
            layout = "batch";
        }

        if (input.Rank != 3 || input.Shape[2] != graph.Features)
        {
            string own = graph.TimeMajor ? "time, samples" : "samples, time";
            throw new UsageException($"--input {inputPath} has shape {Tensor.FormatShape(input.Shape)}; the model reads ({own}, {graph.Features})");
        }

        if (layout is not null && (layout == "time") != graph.TimeMajor)
        {
            input = ImportedModel.SwapFirstAxes(input);
        }

        var outputs = graph.Run(input);
        for (int k = 0; k < paths.Count; k++)
        {
            var tensor = outputs[graph.OutputNames[k]];
            TensorFiles.Write(paths[k], tensor, "output");
            stdout.WriteLine($"Wrote {paths[k]}: {graph.OutputNames[k]} {Tensor.FormatShape(tensor.Shape)} from {Tensor.FormatShape(input.Shape)} inputs ({(graph.TimeMajor ? "time" : "batch")} major)");
        }

        return 0;
    }

    /// <summary>Where an ONNX graph's output after the first goes: y.npy → y.NAME.npy.</summary>
    internal static string ExtraOutputPath(string outputPath, string name, string extension)
    {
        string safe = new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_')]);
        return Path.Combine(Path.GetDirectoryName(outputPath) ?? "", $"{Path.GetFileNameWithoutExtension(outputPath)}.{safe}{extension}");
    }

    private static bool IsSeq2Seq(string modelPath) =>
        ModelFormats.Detect(modelPath) == ModelFormat.Gated && Seq2SeqModel.IsSeq2Seq(SafeTensorsFile.Read(File.ReadAllBytes(modelPath), modelPath).Metadata);

    // One output line per input line, decoded in batches; a blank line stays blank.
    private static int Decode(string modelPath, string? inputPath, int? beamWidth, TextReader stdin, TextWriter stdout)
    {
        var translator = Seq2SeqModel.Load(modelPath);
        var options = translator.Options with { BeamWidth = beamWidth ?? translator.Options.BeamWidth };
        Seq2SeqCommand.Check(options);
        var lines = new List<string>();
        using (var reader = inputPath is null ? null : new StreamReader(inputPath))
        {
            var source = reader ?? stdin;
            while (source.ReadLine() is { } line)
            {
                lines.Add(line.Trim());
            }
        }

        var nonEmpty = lines.Where(l => l.Length > 0).ToList();
        var decoded = new Queue<string>(nonEmpty.Count == 0 ? [] : translator.Translate(nonEmpty, options.BeamWidth));
        foreach (string line in lines)
        {
            stdout.WriteLine(line.Length == 0 ? "" : decoded.Dequeue());
        }

        return 0;
    }

    private static bool IsGlobalForecaster(string modelPath) =>
        ModelFormats.Detect(modelPath) == ModelFormat.Gated && Forecaster.IsForecaster(GatedModelFile.Load(modelPath).Metadata);

    // The steps after the file's last row, with intervals, from a forecaster of the default recipe.
    private static int ForecastAhead(string modelPath, string? csv, string? column, string? dateColumn, GapFill fill, TextWriter stdout)
    {
        var forecaster = Forecaster.Load(modelPath);
        var schema = forecaster.Schema;
        if (column is not null && column != schema.TargetName)
        {
            throw new UsageException($"the model forecasts '{schema.TargetName}'; --column names '{column}'");
        }

        string path = csv ?? SeriesInput.BundledCsv;
        // The training file's time column when this file has it too; otherwise found the same way training found it.
        string? timeColumn = dateColumn ?? (schema.TimeColumn is { } saved && Data.CsvTable.Load(path).HasColumn(saved) ? saved : null);
        var data = TimeSeriesCsv.Load(path, schema.TargetName, schema.CovariateNames, timeColumn, schema.SeriesColumn, fill);
        if (schema.Check(data) is { } problem)
        {
            throw new UsageException(problem);
        }

        var tooShort = data.Series.FirstOrDefault(s => s.Length < forecaster.Options.Window);
        if (tooShort is not null)
        {
            string which = tooShort.Id is null ? $"column '{schema.TargetName}'" : $"series '{tooShort.Id}'";
            throw new UsageException($"the model reads the last {forecaster.Options.Window} points but {path} {which} has {tooShort.Length}");
        }

        foreach (var next in forecaster.Forecast(data))
        {
            string who = next.Series is null ? $"'{schema.TargetName}'" : $"'{schema.TargetName}' of '{next.Series}'";
            stdout.WriteLine($"Forecast of {who} after {data.Format(next.Origin)} ({data.Frequency.Name}, from the last {forecaster.Options.Window} points):");
            ForecastRun.PrintSteps(stdout, next, data, unitSuffix: "");
        }

        return 0;
    }

    private static int ForecastNext(string modelPath, string? csv, string? columnFlag, string? dateColumn, TextWriter stdout)
    {
        var forecaster = TutorialForecaster.Load(modelPath);
        string column = columnFlag ?? forecaster.Column ?? throw new UsageException("the model does not name its column; give --column");
        var series = SeriesInput.Load(csv ?? SeriesInput.BundledCsv, column, dateColumn);
        if (series.Values.Length < forecaster.Window)
        {
            throw new UsageException(
                $"the model reads the last {forecaster.Window} values but {series.Path} column '{column}' has {series.Values.Length}");
        }

        float next = forecaster.PredictNext(series.Values);
        stdout.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Forecast of '{column}' for {series.DescribeAfterEnd(forecaster.Horizon)} (from the last {forecaster.Window} values, {series.Describe(series.Values.Length - forecaster.Window)} .. {series.Describe(series.Values.Length - 1)}): {next:F2}"));
        return 0;
    }

    // A CSV arrives as (samples, values): unflatten it to the model's per-sample shape, letting time follow the row length.
    private static Tensor ShapeFor(Sequential model, Tensor input, string path)
    {
        int[] perSample = model.InputShape;
        if (input.Rank == perSample.Length + 1)
        {
            // Time may differ from the model's; the features per step may not.
            return perSample.Length < 2 || input.Shape[^1] == perSample[^1]
                ? input
                : throw new UsageException($"--input {path} has shape {Tensor.FormatShape(input.Shape)}; the model reads (samples, {string.Join(", ", perSample)})");
        }

        if (input.Rank != 2)
        {
            throw new UsageException($"--input {path} has shape {Tensor.FormatShape(input.Shape)}; the model reads (samples, {string.Join(", ", perSample)})");
        }

        int features = perSample.Length == 2 ? perSample[1] : 1;
        if (input.Shape[1] % features != 0)
        {
            throw new UsageException($"--input {path}: rows of {input.Shape[1]} values do not split into steps of {features} features");
        }

        int[] shape = perSample.Length == 2 ? [input.Shape[0], input.Shape[1] / features, features] : [input.Shape[0], input.Shape[1]];
        return input.Reshape(shape);
    }
}
