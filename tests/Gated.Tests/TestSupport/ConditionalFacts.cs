using Xunit;

namespace Gated.Tests.TestSupport;

/// <summary>
/// A test that only means something inside a <see cref="SimdModeRunner"/> child (it checks the switched-off
/// instruction sets); a normal run reports it skipped rather than passing it without running.
/// </summary>
public sealed class SimdChildFactAttribute : FactAttribute
{
    /// <summary>Skips the test outside a SIMD-mode child.</summary>
    public SimdChildFactAttribute()
    {
        if (SimdModeRunner.ChildSwitch is null)
        {
            Skip = "runs only in a SIMD-mode child run (SimdModeTests starts them)";
        }
    }
}

/// <summary>A theory that starts SIMD-mode child runs: skipped inside a child, which must not start children of its own.</summary>
public sealed class SimdParentTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips the theory inside a SIMD-mode child.</summary>
    public SimdParentTheoryAttribute()
    {
        if (SimdModeRunner.ChildSwitch is not null)
        {
            Skip = "a SIMD-mode child does not start children";
        }
    }
}

/// <summary>A test of two threads meeting: skipped, not passed, on a machine with one core.</summary>
public sealed class MultiCoreFactAttribute : FactAttribute
{
    /// <summary>Skips the test when the process sees fewer than two cores.</summary>
    public MultiCoreFactAttribute()
    {
        if (Environment.ProcessorCount < 2)
        {
            Skip = "needs at least two cores";
        }
    }
}
