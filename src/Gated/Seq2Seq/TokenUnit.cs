namespace Gated.Seq2Seq;

/// <summary>What a token of a line is: a character, or a whitespace-separated word.</summary>
public enum TokenUnit
{
    /// <summary>Each character (Unicode UTF-16 code unit pairs kept together) is a token; spaces are tokens too.</summary>
    Chars,

    /// <summary>Each whitespace-separated word is a token.</summary>
    Words,
}

/// <summary>Splits lines into tokens and joins them back, by <see cref="TokenUnit"/>.</summary>
public static class LineTokens
{
    /// <summary>The tokens of a line: its text elements (characters) or its whitespace-separated words.</summary>
    public static string[] Split(string line, TokenUnit unit)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (unit == TokenUnit.Words)
        {
            return line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        }

        var tokens = new List<string>(line.Length);
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(line);
        while (elements.MoveNext())
        {
            tokens.Add(elements.GetTextElement());
        }

        return [.. tokens];
    }

    /// <summary>The line the tokens make: characters joined as they are, words with single spaces.</summary>
    public static string Join(IReadOnlyList<string> tokens, TokenUnit unit) =>
        unit == TokenUnit.Words ? string.Join(' ', tokens) : string.Concat(tokens);
}
