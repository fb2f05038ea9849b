namespace Gated.Data;

/// <summary>
/// A per-series affine rescaling fitted on training values and applied to everything the model sees, then
/// undone on its outputs. Fit only on the training part, so the scale does not leak the test data.
/// </summary>
public interface IScaler
{
    /// <summary>"minmax" or "standard": the name <see cref="ScalerFactory"/> restores it by.</summary>
    string Kind { get; }

    /// <summary>Whether Fit (or a restored state) has set the scaling.</summary>
    bool IsFitted { get; }

    /// <summary>Learns the scale from finite, non-empty <paramref name="values"/>.</summary>
    void Fit(ReadOnlySpan<float> values);

    /// <summary>Scales <paramref name="src"/> into <paramref name="dst"/> of the same length; the two may be the same span.</summary>
    void Transform(ReadOnlySpan<float> src, Span<float> dst);

    /// <summary>Undoes <see cref="Transform"/>; the two spans may be the same span.</summary>
    void InverseTransform(ReadOnlySpan<float> src, Span<float> dst);

    /// <summary>The fitted numbers by name, enough for <see cref="ScalerFactory.FromState"/> to rebuild the scaler.</summary>
    IReadOnlyDictionary<string, double> GetState();
}
