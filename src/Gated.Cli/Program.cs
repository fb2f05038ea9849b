using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Gated.Forecasting;

namespace Gated.Cli;

/// <summary>
/// The `gated` command: a thin shell over the library, its options declared once (<see cref="Flags"/>) and its
/// help generated from them. A user's mistake prints one line on stderr and exits 2 (<see cref="UserErrors"/>);
/// anything else is an internal failure, exit 1. Neither prints a stack trace.
/// </summary>
internal static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error, Console.In);

    /// <summary>Runs a command line; <paramref name="stdin"/> (default Console.In) is what `predict` decodes lines from.</summary>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null)
    {
        var root = CreateRoot(stdin);
        ParseResult? parse = null;
        try
        {
            parse = root.Parse(HelpAsOption(args, root));
            if (parse.Action is not HelpAction && parse.Errors.Count > 0)
            {
                throw new UsageException(UserErrors.ParseErrorLine(parse));
            }

            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (UserErrors.IsUserError(e))
        {
            stderr.WriteLine($"error: {UserErrors.OneLine(UserErrors.Describe(e, parse?.CommandResult.Command))}");
            return 2;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"internal error: {e.GetType().Name}: {UserErrors.OneLine(e.Message)}");
            return 1;
        }
    }

    internal static RootCommand CreateRoot(TextReader? stdin = null)
    {
        var root = new RootCommand("gated: gated recurrent networks for .NET")
        {
            ForecastCommand.Create(),
            Seq2SeqCommand.Create(),
            PredictCommand.Create(stdin ?? Console.In),
            ConvertCommand.Create(),
            QuantizeCommand.Create(),
            InspectCommand.Create(),
            CompareCommand.Create(),
            BenchCommand.Create(),
            ServeCommand.Create(),
        };
        root.HelpName = "gated";
        return root;
    }

    // `gated help forecast` is `gated forecast --help`, and `gated help` (or `gated help help`, or nothing) the overview.
    private static string[] HelpAsOption(string[] args, RootCommand root) => args switch
    {
        [] or ["help"] or ["help", "help"] => ["--help"],
        ["help", var command] => root.Subcommands.Any(c => c.Name == command)
            ? [command, "--help"]
            : throw new UsageException($"unknown command '{command}'; try: gated help"),
        _ => args,
    };
}
