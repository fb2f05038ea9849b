namespace Gated.Seq2Seq.Evaluation;

/// <summary>
/// An error rate and the two counts it is the ratio of, summed over a corpus (so long outputs weigh more than short
/// ones, as in speech and grapheme-to-phoneme evaluation).
/// </summary>
/// <param name="Errors">Edit operations, or wrong sequences for <see cref="SequenceErrorRates.SequenceErrorRate"/>.</param>
/// <param name="Total">Reference tokens or characters, or sequences for <see cref="SequenceErrorRates.SequenceErrorRate"/>.</param>
public readonly record struct ErrorRate(long Errors, long Total)
{
    /// <summary>
    /// <see cref="Errors"/> / <see cref="Total"/> as a fraction (not a percentage); above 1 when the hypotheses add
    /// more than the references hold. When the references are all empty (Total 0) it is 0 if there is no error
    /// (the hypotheses are empty too) and positive infinity otherwise.
    /// </summary>
    public double Rate => Total != 0 ? (double)Errors / Total
        : Errors == 0 ? 0
        : double.PositiveInfinity;
}
