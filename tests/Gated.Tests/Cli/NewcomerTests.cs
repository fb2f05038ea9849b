using System.Diagnostics;
using Gated.Cli;
using Xunit;

namespace Gated.Tests.Cli;

/// <summary>What a newcomer meets first: help, the `gated` script without .NET, and the bundled data file.</summary>
public sealed class NewcomerTests
{
    [Theory]
    [InlineData("help")]
    [InlineData("help help")]
    [InlineData("help forecast")]
    [InlineData("help convert")]
    [InlineData("bench --help")]
    public void HelpListsOneOptionPerLineAndEndsWithANewline(string command)
    {
        var (code, stdout, stderr) = CliRunner.Run(command.Split(' '));

        Assert.True(code == 0, stderr);
        Assert.EndsWith("\n", stdout, StringComparison.Ordinal);
        string[] lines = stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("Options:", StringComparison.Ordinal));
        foreach (string line in lines.Where(l => l.StartsWith("  -", StringComparison.Ordinal)))
        {
            // An option line holds one option (and its aliases) and its text: no second "--flag <…>" runs on.
            Assert.True(line.Split("  --", StringSplitOptions.None).Length <= 2, line);
        }
    }

    [Fact]
    public void HelpHelpIsTheOverview()
    {
        var (code, stdout, stderr) = CliRunner.Run("help", "help");

        Assert.True(code == 0, stderr);
        Assert.Equal(CliRunner.Run("help").Stdout, stdout);
    }

    [Fact]
    public void TheScriptSaysWhatToInstallWhenDotnetIsMissing()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/bash"))
        {
            return;
        }

        using var empty = new TempFolder();
        var start = new ProcessStartInfo("/bin/bash", [Path.Combine(RepositoryRoot(), "gated"), "forecast"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["PATH"] = empty.Path;
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(".NET 10 SDK", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("exec:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TheBundledDataIsTheRepositorysFileWhenRunFromTheSourceTree()
    {
        Assert.Equal(Path.Combine(RepositoryRoot(), "data", "chicago-daily-weather.csv"), SeriesInput.BundledCsv);

        using var elsewhere = new TempFolder();
        Assert.Null(SeriesInput.SourceTreeCsv(elsewhere.Path));
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Gated.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("no Gated.slnx above " + AppContext.BaseDirectory);
    }
}
