namespace Gated.Tests.TestSupport;

/// <summary>Which steps of a test batch are real: all, those of a (B, T) mask with holes, or the first lengths[b].</summary>
public enum StepSelection
{
    All,
    Mask,
    Lengths,
}
