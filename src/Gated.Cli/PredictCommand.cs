using System.Globalization;
using Gated.Forecasting;
using Gated.Models;
using Gated.Serialization;
using Gated.Tensors;

namespace Gated.Cli;

/// <summary>
/// `gated predict`: with --csv, forecast the value after a CSV column ends with a saved forecaster; with
/// --input/--output, run any supported model file (Gated, ONNX, PyTorch state_dict) on a .npy or .csv batch.
/// </summary>
internal static class PredictCommand
{
    public const string Help = """
        gated predict --model PATH [options]

          forecast the next value with a model written by `gated forecast`:
          --model PATH           the model file (required)
          --csv PATH             CSV file (default: the bundled Chicago daily weather)
          --column NAME          value column (default: the column the model was trained on)
          --date-column NAME     date column (default: date, if the file has one)

          or run any model on a batch of inputs:
          --input X              .npy (samples, time, features) or .csv (one sample per row, values flattened)
          --output Y             .npy or .csv for the outputs
          --model PATH           a Gated model (.safetensors), an ONNX model (.onnx) or a PyTorch state_dict (.safetensors)
          --head-on last|all     for a state_dict: its Linear head reads the last step (default) or every step
          --nonlinearity tanh|relu  for a state_dict of nn.RNN (default: tanh)

          A forecaster's saved scaler is applied on the way in and inverted on the way out.
        """;

    private static readonly HashSet<string> Options = ["model", "csv", "column", "date-column", "input", "output", "head-on", "nonlinearity"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var line = new CommandLine(args, Options, new HashSet<string>());
        string modelPath = line.Text("model") ?? throw new UsageException("predict needs --model PATH");
        bool batchMode = line.Has("input") || line.Has("output");
        if (!batchMode)
        {
            if (line.Has("head-on") || line.Has("nonlinearity"))
            {
                throw new UsageException("--head-on and --nonlinearity apply with --input/--output");
            }

            return ForecastNext(line, modelPath, stdout);
        }

        if (line.Has("csv") || line.Has("column") || line.Has("date-column"))
        {
            throw new UsageException("--csv, --column and --date-column forecast from a series; with --input/--output leave them out");
        }

        string inputPath = line.Text("input") ?? throw new UsageException("--output needs --input");
        string outputPath = line.Text("output") ?? throw new UsageException("--input needs --output");
        TensorFiles.Extension(inputPath, "input");
        TensorFiles.Extension(outputPath, "output");
        var head = ConvertCommand.ReadHead(line);
        var nonlinearity = ConvertCommand.ReadNonlinearity(line);
        var format = ModelFormats.Detect(modelPath);
        var input = TensorFiles.Read(inputPath, "input");

        Tensor output;
        if (format == ModelFormat.Gated && IsForecaster(modelPath))
        {
            output = SeriesForecaster.Load(modelPath).PredictWindows(input);
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

    private static int ForecastNext(CommandLine line, string modelPath, TextWriter stdout)
    {
        var forecaster = SeriesForecaster.Load(modelPath);
        string column = line.Text("column") ?? forecaster.Column ?? throw new UsageException("the model does not name its column; give --column");
        var series = SeriesInput.Load(line.Text("csv") ?? SeriesInput.BundledCsv, column, line.Text("date-column"));
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

    private static bool IsForecaster(string path) => GatedModelFile.Load(path).Metadata.ContainsKey("gated.forecast.window");

    // A CSV arrives as (samples, values): unflatten it to the model's per-sample shape, letting time follow the row length.
    private static Tensor ShapeFor(Sequential model, Tensor input, string path)
    {
        int[] perSample = model.InputShape;
        if (input.Rank == perSample.Length + 1)
        {
            return input;
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
