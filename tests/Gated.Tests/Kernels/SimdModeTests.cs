using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Kernels;

/// <summary>
/// Runs every test in this namespace (and the initializers' tests) again in a child process with AVX-512, AVX2 or
/// all hardware intrinsics switched off (the .NET 10 names of the switches), so the narrower paths are tested too. In the
/// child this theory skips itself and <see cref="IsaModeTests"/> runs: exactly one skip proves it did.
/// </summary>
public class SimdModeTests
{
    // The kernels, and the initializers whose vector path must give the scalar bits (Orthogonal).
    private const string KernelTests = "FullyQualifiedName~Gated.Tests.Kernels|FullyQualifiedName~Gated.Tests.Layers.Initializers";

    // This theory skips itself in the child (xunit reports a skipped theory once); anything more skipped means the
    // ISA check did not run.
    private const int SkippedInChild = 1;

    [SimdParentTheory]
    [InlineData("DOTNET_EnableAVX512")]
    [InlineData("DOTNET_EnableAVX2")]
    [InlineData("DOTNET_EnableHWIntrinsic")]
    public void KernelTestsPassWithSwitchOff(string switchName)
    {
        var result = SimdModeRunner.Run(switchName, KernelTests, TimeSpan.FromMinutes(3));
        string report = $"{switchName}=0: exit {result.ExitCode}, {result.Total} tests, {result.Failed} failed, {result.Elapsed.TotalSeconds:F1} s\n{result.Output}";
        Assert.True(result.ExitCode == 0, report);
        Assert.True(result.Total > 0 && result.Failed == 0, report);
        Assert.True(result.Skipped == SkippedInChild, report);
    }
}
