namespace Gated.Seq2Seq.Evaluation;

/// <summary>
/// How <see cref="Bleu"/> treats an n-gram order without matches: methods 1 to 3 of Chen and Cherry, "A Systematic
/// Comparison of Smoothing Techniques for Sentence-Level BLEU" (WMT 2014), as sacreBLEU names them.
/// </summary>
public enum BleuSmoothing
{
    /// <summary>sacreBLEU's "none": a precision of 0 makes the score 0.</summary>
    None,

    /// <summary>sacreBLEU's "floor" (method 1): a precision without matches becomes value / total (value 0.1 by default).</summary>
    Floor,

    /// <summary>sacreBLEU's "add-k" (method 2): k is added to the matches and totals of orders 2 and up (k 1 by default).</summary>
    AddK,

    /// <summary>
    /// sacreBLEU's default "exp" (method 3, mteval-v13a's): the k-th order without matches, counting from the lowest,
    /// gets the precision 1 / (2^k · total).
    /// </summary>
    Exponential,
}
