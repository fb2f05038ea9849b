using Gated.Tests.Infrastructure;
using Xunit;

namespace Gated.Tests.Kernels;

/// <summary>
/// Runs every test in this namespace again in a child process with AVX-512, AVX2 or all hardware intrinsics
/// switched off (the .NET 10 names of the switches), so the narrower kernel paths are tested here too.
/// </summary>
public class SimdModeTests
{
    private const string KernelTests = "FullyQualifiedName~Gated.Tests.Kernels";

    [Theory]
    [InlineData("DOTNET_EnableAVX512")]
    [InlineData("DOTNET_EnableAVX2")]
    [InlineData("DOTNET_EnableHWIntrinsic")]
    public void KernelTestsPassWithSwitchOff(string switchName)
    {
        // A child run is already one of the modes; it must not start children of its own.
        if (SimdModeRunner.ChildSwitch is not null)
        {
            return;
        }

        var result = SimdModeRunner.Run(switchName, KernelTests, TimeSpan.FromMinutes(3));
        string report = $"{switchName}=0: exit {result.ExitCode}, {result.Total} tests, {result.Failed} failed, {result.Elapsed.TotalSeconds:F1} s\n{result.Output}";
        Assert.True(result.ExitCode == 0, report);
        Assert.True(result.Total > 0 && result.Failed == 0, report);
    }
}
