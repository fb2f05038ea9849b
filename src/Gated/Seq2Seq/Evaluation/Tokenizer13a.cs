using System.Text.RegularExpressions;

namespace Gated.Seq2Seq.Evaluation;

/// <summary>
/// sacreBLEU's default tokenizer, "13a": the tokenization of the NIST script mteval-v13a.pl that WMT scores BLEU
/// with. In order: "&lt;skipped&gt;" is removed, "-\n" joins the lines it ends, other line feeds become spaces,
/// the entities &amp;quot; &amp;amp; &amp;lt; &amp;gt; are unescaped (in that order), then spaces are put around
/// the symbols <c>{|}~ [\]^_` !"#$%&amp; ()*+ :;&lt;=&gt;?@ /</c>, around a period or comma unless it sits between
/// digits, and after a dash that follows a digit; runs of whitespace become one space and none is left at either end.
/// Letters, digits, apostrophes and other dashes stay inside tokens. Regular expressions run as in Python:
/// left to right, matches never overlapping.
/// </summary>
public static partial class Tokenizer13a
{
    /// <summary>The tokenized line: its tokens joined by single spaces, exactly as sacreBLEU's tokenizer returns it.</summary>
    /// <param name="line">One segment of text.</param>
    /// <exception cref="ArgumentNullException"><paramref name="line"/> is null.</exception>
    public static string Tokenize(string line) => string.Join(' ', Tokens(line));

    /// <summary>The tokens of <paramref name="line"/>: <see cref="Tokenize"/> split at its spaces.</summary>
    /// <param name="line">One segment of text.</param>
    /// <exception cref="ArgumentNullException"><paramref name="line"/> is null.</exception>
    public static string[] Tokens(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        string text = line
            .Replace("<skipped>", "", StringComparison.Ordinal)
            .Replace("-\n", "", StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal)
            .Replace("&quot;", "\"", StringComparison.Ordinal)
            .Replace("&amp;", "&", StringComparison.Ordinal)
            .Replace("&lt;", "<", StringComparison.Ordinal)
            .Replace("&gt;", ">", StringComparison.Ordinal);

        // The padding lets the period and comma rules see a neighbour at both ends of the line.
        text = " " + text + " ";
        text = Symbol().Replace(text, " $1 ");
        text = PeriodOrCommaAfterNonDigit().Replace(text, "$1 $2 ");
        text = PeriodOrCommaBeforeNonDigit().Replace(text, " $1 $2");
        text = DashAfterDigit().Replace(text, "$1 $2 ");
        return PythonText.Split(text);
    }

    // mteval's class [\{-\~\[-\` -\&\(-\+\:-\@\/] written as code points: { to ~, [ to `, space to &, ( to +, : to @, /.
    [GeneratedRegex(@"([\x7B-\x7E\x5B-\x60\x20-\x26\x28-\x2B\x3A-\x40/])", RegexOptions.CultureInvariant)]
    private static partial Regex Symbol();

    [GeneratedRegex(@"([^0-9])([.,])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodOrCommaAfterNonDigit();

    [GeneratedRegex(@"([.,])([^0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodOrCommaBeforeNonDigit();

    [GeneratedRegex(@"([0-9])(-)", RegexOptions.CultureInvariant)]
    private static partial Regex DashAfterDigit();
}
