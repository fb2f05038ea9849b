using System.CommandLine;
using System.CommandLine.Parsing;
using Gated.Forecasting;
using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Serialization;
using Gated.Serialization.Onnx;

namespace Gated.Cli;

/// <summary>`gated convert IN OUT`: between Gated model files, ONNX and PyTorch state_dicts.</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "a Gated model (.safetensors), an ONNX model (.onnx), a PyTorch state_dict (.safetensors) or a Keras model (.keras, Keras 2 .h5)", Arity = ArgumentArity.ZeroOrOne };
        var output = new Argument<string>("OUT") { Description = "the file to write, in the format of --to", Arity = ArgumentArity.ZeroOrOne };
        var to = Flags.Choice<ModelFormat?>("--to", null, [("gated", ModelFormat.Gated), ("pytorch", ModelFormat.PyTorchStateDict), ("onnx", ModelFormat.Onnx)],
            "the format of OUT (default: onnx for .onnx, otherwise gated)");
        var head = HeadOption("when IN is a state_dict: its Linear head reads the last step or every step");
        var nonlinearity = NonlinearityOption("when IN is a state_dict of nn.RNN");
        var command = new Command("convert", "convert a model between Gated, ONNX and PyTorch state_dict files") { input, output, to, head, nonlinearity };
        command.Validators.Add(result =>
        {
            if (result.GetResult(output) is null)
            {
                result.AddError("convert needs IN and OUT: gated convert model.onnx model.safetensors");
            }
        });
        command.SetAction(parse =>
        {
            string inputPath = parse.GetRequiredValue(input), outputPath = parse.GetRequiredValue(output);
            bool onnxOut = outputPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
            var format = parse.GetChoice(to) ?? (onnxOut ? ModelFormat.Onnx : ModelFormat.Gated);
            if (onnxOut != (format == ModelFormat.Onnx))
            {
                throw new UsageException($"--to {parse.GetResult(to)!.Tokens[0].Value} does not match {outputPath}: ONNX files end in .onnx, the others in .safetensors");
            }

            OutputPath.Check(outputPath);
            var inputFormat = ModelFormats.Detect(inputPath);
            CheckStateDictOptions(parse, inputFormat, head, nonlinearity, "IN");
            var model = ModelFormats.Load(inputPath, parse.GetChoice(head), parse.GetChoice(nonlinearity));
            bool forecaster = IsForecaster(inputPath, inputFormat);
            if (format == ModelFormat.Gated && inputFormat == ModelFormat.Gated)
            {
                // Gated to Gated keeps every metadata string: a forecaster's scaler, window and column stay with it.
                GatedModelFile.Save(outputPath, model, GatedModelFile.Load(inputPath).Metadata);
            }
            else if (forecaster && format == ModelFormat.Onnx)
            {
                // The ONNX file describes itself: the forecaster's recipe goes into its metadata_props.
                OnnxExporter.Save(model, outputPath, ForecasterMetadata.Of(GatedModelFile.Load(inputPath).Metadata));
            }
            else
            {
                ModelFormats.Save(model, outputPath, format);
            }

            var stdout = parse.InvocationConfiguration.Output;
            stdout.WriteLine($"Converted {inputPath} ({inputFormat}) to {outputPath} ({format}), {model.ParameterCount:N0} parameters");
            if (forecaster && format == ModelFormat.Onnx)
            {
                stdout.WriteLine(
                    $"Note: the forecaster's recipe (window, scaling, calendar features, ...) is in the ONNX file's metadata_props under {ForecasterMetadata.Prefix}*; the graph itself reads and writes scaled values.");
            }
            else if (forecaster && format != ModelFormat.Gated)
            {
                stdout.WriteLine("Note: the forecaster's scaling (and calendar features) are not part of the converted model; it reads and writes scaled values.");
            }

            return 0;
        });
        return command;
    }

    /// <summary>Refuses --head-on and --nonlinearity unless the model file is a state_dict, the one format that needs them.</summary>
    public static void CheckStateDictOptions(ParseResult parse, ModelFormat format, Option head, Option nonlinearity, string what)
    {
        if (format != ModelFormat.PyTorchStateDict && (parse.Given(head) || parse.Given(nonlinearity)))
        {
            string kind = format switch { ModelFormat.Onnx => "an ONNX model", ModelFormat.Keras => "a Keras model", _ => "a Gated model" };
            throw new UsageException($"--head-on and --nonlinearity apply when {what} is a PyTorch state_dict, not {kind}");
        }
    }

    /// <summary>Whether the file is a Gated forecaster, checked as predict checks it: one whose saved scaler or window is unusable is refused.</summary>
    public static bool IsForecaster(string path, ModelFormat format)
    {
        if (format != ModelFormat.Gated)
        {
            return false;
        }

        var metadata = GatedModelFile.Load(path).Metadata;
        if (Forecaster.IsForecaster(metadata))
        {
            Forecaster.Load(path);
            return true;
        }

        if (!ForecasterMetadata.IsForecaster(metadata))
        {
            return false;
        }

        TutorialForecaster.Load(path);
        return true;
    }

    /// <summary>--head-on: which steps a PyTorch state_dict's Linear head reads.</summary>
    public static Option<Named<PyTorchHead>> HeadOption(string help) =>
        Flags.Choice("--head-on", PyTorchHead.Last, [("last", PyTorchHead.Last), ("all", PyTorchHead.All)], help);

    /// <summary>--nonlinearity: the activation of a state_dict's nn.RNN.</summary>
    public static Option<Named<SimpleRnnActivation>> NonlinearityOption(string help) =>
        Flags.Choice("--nonlinearity", SimpleRnnActivation.Tanh, [("tanh", SimpleRnnActivation.Tanh), ("relu", SimpleRnnActivation.Relu)], help);
}
