using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Gated.Tests.TestSupport;

/// <summary>
/// Re-runs a slice of this test assembly in a child `dotnet vstest` with one runtime switch set (e.g.
/// DOTNET_EnableAVX512=0), so every SIMD path is tested on one machine. The child sees
/// <see cref="ChildVariable"/> = the switch's name, which keeps it from starting children of its own.
/// Run returns the child's exit code, its test count, failures and skips from vstest's summary line (0 when the
/// line is missing), the wall time, and its whole output.
/// </summary>
internal static partial class SimdModeRunner
{
    public const string ChildVariable = "GATED_SIMD_CHILD";

    /// <summary>The switch this process was started with by a parent run, or null in a normal run.</summary>
    public static string? ChildSwitch => Environment.GetEnvironmentVariable(ChildVariable);

    public static (int ExitCode, int Total, int Failed, int Skipped, TimeSpan Elapsed, string Output) Run(string switchName, string testFilter, TimeSpan timeout)
    {
        string assembly = typeof(SimdModeRunner).Assembly.Location;

        // The SDK exports its host path to the processes it starts; a bare `dotnet` is the fallback.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        start.ArgumentList.Add("vstest");
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add($"--TestCaseFilter:{testFilter}");
        start.Environment[switchName] = "0";
        start.Environment[ChildVariable] = switchName;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, 0, 0, 0, clock.Elapsed, $"Timed out after {timeout}.\n{Text(output)}");
        }

        // The parameterless wait flushes the redirected streams.
        process.WaitForExit();
        string text = Text(output);
        Match summary = SummaryPattern().Match(text);
        int total = summary.Success ? int.Parse(summary.Groups["total"].Value) : 0;
        int failed = summary.Success ? int.Parse(summary.Groups["failed"].Value) : 0;
        int skipped = summary.Success ? int.Parse(summary.Groups["skipped"].Value) : 0;
        return (process.ExitCode, total, failed, skipped, clock.Elapsed, text);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    // vstest's closing line: "Passed!  - Failed:     0, Passed:    42, Skipped:     0, Total:    42, Duration: 3 s".
    [GeneratedRegex(@"Failed:\s*(?<failed>\d+),\s*Passed:\s*\d+,\s*Skipped:\s*(?<skipped>\d+),\s*Total:\s*(?<total>\d+)")]
    private static partial Regex SummaryPattern();
}
