using System.CommandLine;
using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Serialization;

namespace Gated.Cli;

/// <summary>`gated convert IN OUT`: between Gated model files, ONNX and PyTorch state_dicts.</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "a Gated model (.safetensors), an ONNX model (.onnx) or a PyTorch state_dict (.safetensors)", Arity = ArgumentArity.ZeroOrOne };
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
            if (inputFormat != ModelFormat.PyTorchStateDict && (parse.Given(head) || parse.Given(nonlinearity)))
            {
                throw new UsageException("--head-on and --nonlinearity apply when IN is a PyTorch state_dict");
            }

            var model = ModelFormats.Load(inputPath, parse.GetChoice(head), parse.GetChoice(nonlinearity));
            ModelFormats.Save(model, outputPath, format);
            var stdout = parse.InvocationConfiguration.Output;
            stdout.WriteLine($"Converted {inputPath} ({inputFormat}) to {outputPath} ({format}), {model.ParameterCount:N0} parameters");
            if (inputFormat == ModelFormat.Gated && format != ModelFormat.Gated && ForecasterMetadata.IsForecaster(GatedModelFile.Load(inputPath).Metadata))
            {
                stdout.WriteLine("Note: the forecaster's scaler is not part of the converted model; it reads and writes scaled values.");
            }

            return 0;
        });
        return command;
    }

    /// <summary>--head-on: which steps a PyTorch state_dict's Linear head reads.</summary>
    public static Option<Named<PyTorchHead>> HeadOption(string help) =>
        Flags.Choice("--head-on", PyTorchHead.Last, [("last", PyTorchHead.Last), ("all", PyTorchHead.All)], help);

    /// <summary>--nonlinearity: the activation of a state_dict's nn.RNN.</summary>
    public static Option<Named<SimpleRnnActivation>> NonlinearityOption(string help) =>
        Flags.Choice("--nonlinearity", SimpleRnnActivation.Tanh, [("tanh", SimpleRnnActivation.Tanh), ("relu", SimpleRnnActivation.Relu)], help);
}
