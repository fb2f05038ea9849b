using Gated.Cli;

namespace Gated.Tests.Cli;

/// <summary>Runs the `gated` command in-process and captures what it printed.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => RunWithInput("", args);

    /// <summary>Runs the command with <paramref name="stdin"/> as its standard input.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunWithInput(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr, new StringReader(stdin));
        return (code, stdout.ToString(), stderr.ToString());
    }
}
