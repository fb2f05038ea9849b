namespace Gated.Seq2Seq.Evaluation;

/// <summary>How <see cref="Bleu"/> splits a segment into tokens; the names in the signature are sacreBLEU's.</summary>
public enum BleuTokenizer
{
    /// <summary>sacreBLEU's default "13a": mteval-v13a's punctuation rules (<see cref="Tokenizer13a"/>).</summary>
    Mteval13a,

    /// <summary>sacreBLEU's "none": the segment split at whitespace, for text that is tokenized already.</summary>
    None,

    /// <summary>sacreBLEU's "char": every character (Unicode code point) but whitespace is a token.</summary>
    Character,
}
