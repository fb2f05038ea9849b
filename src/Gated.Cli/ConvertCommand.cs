using Gated.Layers.Recurrent;
using Gated.Serialization;

namespace Gated.Cli;

/// <summary>`gated convert IN OUT`: between Gated model files, ONNX and PyTorch state_dicts.</summary>
internal static class ConvertCommand
{
    public const string Help = """
        gated convert IN OUT [options]   convert a model between Gated, ONNX and PyTorch state_dict files

          IN and OUT: a Gated model (.safetensors), an ONNX model (.onnx) or a PyTorch state_dict (.safetensors)
          --to gated|pytorch|onnx   the format of OUT (default: onnx for .onnx, otherwise gated)
          --head-on last|all        when IN is a state_dict: its Linear head reads the last step (default) or every step
          --nonlinearity tanh|relu  when IN is a state_dict of nn.RNN (default: tanh)
        """;

    private static readonly HashSet<string> Options = ["to", "head-on", "nonlinearity"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        if (positional.Length != 2)
        {
            throw new UsageException("convert needs IN and OUT: gated convert model.onnx model.safetensors");
        }

        var line = new CommandLine(args.Skip(2).ToArray(), Options, new HashSet<string>());
        string input = positional[0], output = positional[1];
        bool onnxOut = output.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
        var format = line.Choice("to", onnxOut ? "onnx" : "gated", "gated", "pytorch", "onnx") switch
        {
            "gated" => ModelFormat.Gated,
            "pytorch" => ModelFormat.PyTorchStateDict,
            _ => ModelFormat.Onnx,
        };
        if (onnxOut != (format == ModelFormat.Onnx))
        {
            throw new UsageException($"--to {line.Text("to")} does not match {output}: ONNX files end in .onnx, the others in .safetensors");
        }

        var inputFormat = ModelFormats.Detect(input);
        if (inputFormat != ModelFormat.PyTorchStateDict && (line.Has("head-on") || line.Has("nonlinearity")))
        {
            throw new UsageException("--head-on and --nonlinearity apply when IN is a PyTorch state_dict");
        }

        var model = ModelFormats.Load(input, ReadHead(line), ReadNonlinearity(line));
        ModelFormats.Save(model, output, format);
        stdout.WriteLine($"Converted {input} ({inputFormat}) to {output} ({format}), {model.ParameterCount:N0} parameters");
        if (inputFormat == ModelFormat.Gated && format != ModelFormat.Gated && GatedModelFile.Load(input).Metadata.ContainsKey("gated.forecast.scaler"))
        {
            stdout.WriteLine("Note: the forecaster's scaler is not part of the converted model; it reads and writes scaled values.");
        }
        return 0;
    }

    public static PyTorchHead ReadHead(CommandLine line) =>
        line.Choice("head-on", "last", "last", "all") == "last" ? PyTorchHead.Last : PyTorchHead.All;

    public static SimpleRnnActivation ReadNonlinearity(CommandLine line) =>
        line.Choice("nonlinearity", "tanh", "tanh", "relu") == "tanh" ? SimpleRnnActivation.Tanh : SimpleRnnActivation.Relu;
}
