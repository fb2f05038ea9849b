using System.Diagnostics;
using Xunit;

namespace Gated.Tests.Serialization.Onnx;

/// <summary>
/// Runs tests/onnxruntime/run.js (ONNX Runtime for Node). Missing node or onnxruntime-node is a failure, in CI
/// and outside it, with the command that installs it: xunit 2 has no run-time skip, and a test that returns
/// early would report a pass it did not earn.
/// </summary>
internal static class OnnxRuntime
{
    public static string Run(string modelPath, string inputPath)
    {
        string folder = FindFolder();
        string install = $"install it with: cd {folder} && npm install --ignore-scripts (needs node >= 18)";
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "onnxruntime-node")))
        {
            Assert.Fail($"ONNX Runtime check unavailable: {folder}/node_modules/onnxruntime-node is missing; {install}");
        }

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(folder, "run.js"));
        start.ArgumentList.Add(modelPath);
        start.ArgumentList.Add(inputPath);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"ONNX Runtime check unavailable: cannot start node ({e.Message}); {install}");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("node tests/onnxruntime/run.js did not finish in 120 s");
            }

            Assert.True(process.ExitCode == 0, $"ONNX Runtime rejected {modelPath}: {stderr.Result}");
            return stdout.Result;
        }
    }

    private static string FindFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "tests", "onnxruntime");
            if (File.Exists(Path.Combine(candidate, "run.js")))
            {
                return candidate;
            }
        }

        Assert.Fail($"no folder above {AppContext.BaseDirectory} holds tests/onnxruntime/run.js");
        return "";
    }
}
