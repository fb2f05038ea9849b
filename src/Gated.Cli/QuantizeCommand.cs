using System.CommandLine;
using Gated.IO;
using Gated.Serialization;

namespace Gated.Cli;

/// <summary>
/// `gated quantize IN OUT`: a Gated model file whose Dense and recurrent kernels and Embedding tables are int8 with per-column scales
/// (dynamic quantization, as PyTorch's quantize_dynamic): about a quarter of the size; loading, predict, serve and
/// streams run it on int8 products. Any metadata (a forecaster's recipe, a seq2seq model's vocabularies) is kept.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "a model file gated can read: Gated, ONNX, PyTorch state_dict or Keras", Arity = ArgumentArity.ZeroOrOne };
        var output = new Argument<string>("OUT") { Description = "the quantized Gated model file to write (.safetensors)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("quantize", "write a model with int8 weights (about 4x smaller) that infers on int8 products") { input, output };
        command.Validators.Add(result =>
        {
            if (result.GetResult(output) is null)
            {
                result.AddError("quantize needs IN and OUT: gated quantize model.safetensors model-int8.safetensors");
            }
        });
        command.SetAction(parse =>
        {
            string inputPath = parse.GetRequiredValue(input), outputPath = parse.GetRequiredValue(output);
            if (outputPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"{outputPath}: a quantized model is a Gated model file (.safetensors); ONNX Runtime has no int8 GRU to run it");
            }

            OutputPath.Check(outputPath);
            var format = ModelFormats.Detect(inputPath);
            int layers;
            Action save;
            if (format == ModelFormat.Gated && GatedModelFile.HoldsFunctionalModel(inputPath))
            {
                var (model, metadata) = GatedModelFile.LoadFunctional(inputPath);
                layers = model.QuantizeInt8();
                save = () => GatedModelFile.Save(outputPath, model, metadata);
            }
            else
            {
                var model = ModelFormats.Load(inputPath);
                var metadata = format == ModelFormat.Gated ? GatedModelFile.Load(inputPath).Metadata : null;
                layers = model.QuantizeInt8();
                save = () => GatedModelFile.Save(outputPath, model, metadata);
            }

            if (layers == 0)
            {
                throw new UsageException($"{inputPath} has no Dense, recurrent or Embedding layer to quantize");
            }

            save();

            long before = new FileInfo(inputPath).Length, after = new FileInfo(outputPath).Length;
            parse.InvocationConfiguration.Output.WriteLine(
                $"Quantized {layers} layer(s) of {inputPath} to int8: {outputPath}, {after:N0} bytes ({before:N0} before, {(double)before / after:F1}x smaller)");
            return 0;
        });
        return command;
    }
}
