using Gated.Serialization;

namespace Gated.Cli;

/// <summary>`gated inspect M`: where a model file came from, its layers, shapes and parameter counts.</summary>
internal static class InspectCommand
{
    public const string Help = """
        gated inspect MODEL [options]   describe a Gated, ONNX or PyTorch state_dict model file

          --head-on last|all        when MODEL is a state_dict: its Linear head reads the last step (default) or every step
          --nonlinearity tanh|relu  when MODEL is a state_dict of nn.RNN (default: tanh)
        """;

    private static readonly HashSet<string> Options = ["head-on", "nonlinearity"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        if (args.Count == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            throw new UsageException("inspect needs a model file: gated inspect model.onnx");
        }

        string path = args[0];
        var line = new CommandLine(args.Skip(1).ToArray(), Options, new HashSet<string>());
        var model = ModelFormats.Load(path, ConvertCommand.ReadHead(line), ConvertCommand.ReadNonlinearity(line));
        stdout.WriteLine($"File: {path}");
        stdout.WriteLine($"Format: {ModelFormats.DescribeOrigin(path)}");
        stdout.WriteLine($"Input: (samples, {string.Join(", ", model.InputShape)}) per sample");
        stdout.Write(model.Summary());
        return 0;
    }
}
