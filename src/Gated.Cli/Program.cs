using Gated.Data;
using Gated.IO;
using Gated.Serialization;

namespace Gated.Cli;

/// <summary>
/// The `gated` command. A user's mistake (bad option, missing or malformed file) prints one line on stderr and
/// exits 2; anything else is an internal failure, exit 1. Neither prints a stack trace.
/// </summary>
internal static class Program
{
    private const string Usage = """
        gated: gated recurrent networks for .NET

        usage: gated <command> [options]

        commands:
          forecast   train a GRU on a time series and forecast the next value (runs on bundled data by default)
          predict    forecast with a saved model, or run any model file on a .npy/.csv batch
          convert    convert a model between Gated, ONNX and PyTorch state_dict files
          inspect    describe a model file: origin, layers, parameter counts
          compare    train GRU, LSTM and SimpleRNN on the same recipe and compare them
          bench      time one workload of the engine (JSON for scripts)
          help       show help for a command: gated help forecast
        """;

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
            {
                stdout.Write(args.Length > 1 ? HelpFor(args[1]) : Usage);
                return 0;
            }

            var rest = args[1..];
            if (rest.Contains("--help") || rest.Contains("-h"))
            {
                stdout.Write(HelpFor(args[0]));
                return 0;
            }

            return args[0] switch
            {
                "forecast" => ForecastCommand.Run(rest, stdout),
                "predict" => PredictCommand.Run(rest, stdout),
                "compare" => CompareCommand.Run(rest, stdout),
                "bench" => BenchCommand.Run(rest, stdout),
                "convert" => ConvertCommand.Run(rest, stdout),
                "inspect" => InspectCommand.Run(rest, stdout),
                _ => throw new UsageException($"unknown command '{args[0]}'; try: gated help"),
            };
        }
        catch (Exception e) when (IsUserError(e))
        {
            stderr.WriteLine($"error: {OneLine(e.Message)}");
            return 2;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"internal error: {e.GetType().Name}: {OneLine(e.Message)}");
            return 1;
        }
    }

    private static string HelpFor(string command) => command switch
    {
        "forecast" => ForecastCommand.Help,
        "predict" => PredictCommand.Help,
        "compare" => CompareCommand.Help,
        "bench" => BenchCommand.Help,
        "convert" => ConvertCommand.Help,
        "inspect" => InspectCommand.Help,
        _ => throw new UsageException($"unknown command '{command}'; try: gated help"),
    };

    private static bool IsUserError(Exception e) =>
        e is UsageException or DataFormatException or ModelFormatException or FileNotFoundException or DirectoryNotFoundException
            or UnauthorizedAccessException or ArgumentException or NotSupportedException;

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
