using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Kernels;

/// <summary>
/// In a <see cref="SimdModeTests"/> child, proves the switch really took effect, so a passing child run
/// means the narrower paths ran and not the default ones again.
/// </summary>
public class IsaModeTests
{
    [SimdChildFact]
    public void SwitchedOffInstructionSetsAreOff()
    {
        string mode = SimdModeRunner.ChildSwitch!;
        Assert.Equal("0", Environment.GetEnvironmentVariable(mode));
        switch (mode)
        {
            case "DOTNET_EnableAVX512":
                Assert.False(Vector512.IsHardwareAccelerated);
                Assert.False(Avx512F.IsSupported);
                break;
            case "DOTNET_EnableAVX2":
                Assert.False(Vector512.IsHardwareAccelerated);
                Assert.False(Vector256.IsHardwareAccelerated);
                Assert.False(Avx2.IsSupported);
                break;
            case "DOTNET_EnableHWIntrinsic":
                Assert.False(Vector512.IsHardwareAccelerated);
                Assert.False(Vector256.IsHardwareAccelerated);
                Assert.False(Vector128.IsHardwareAccelerated);
                break;
            default:
                Assert.Fail($"Unknown SIMD mode {mode}.");
                break;
        }
    }
}
