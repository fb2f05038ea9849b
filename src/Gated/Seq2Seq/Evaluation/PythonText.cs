namespace Gated.Seq2Seq.Evaluation;

/// <summary>
/// Python's whitespace rules, which sacreBLEU's tokenizers lean on: <c>str.split()</c>, <c>str.rstrip()</c> and
/// <c>str.isspace()</c>. They differ from .NET's <see cref="char.IsWhiteSpace(char)"/> only in U+001C–U+001F
/// (the information separators), which Python counts as whitespace.
/// </summary>
internal static class PythonText
{
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary>The runs of non-whitespace characters of <paramref name="text"/>, as Python's <c>text.split()</c>.</summary>
    public static string[] Split(string text)
    {
        var tokens = new List<string>();
        int start = -1;
        for (int i = 0; i < text.Length; i++)
        {
            if (IsSpace(text[i]))
            {
                if (start >= 0)
                {
                    tokens.Add(text[start..i]);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }

        if (start >= 0)
        {
            tokens.Add(text[start..]);
        }

        return [.. tokens];
    }

    /// <summary><paramref name="text"/> without its trailing whitespace, as Python's <c>text.rstrip()</c>.</summary>
    public static string TrimEnd(string text)
    {
        int end = text.Length;
        while (end > 0 && IsSpace(text[end - 1]))
        {
            end--;
        }

        return end == text.Length ? text : text[..end];
    }

    /// <summary>
    /// The characters of <paramref name="text"/> as Python iterates them: Unicode code points, a surrogate pair
    /// counting once (a lone surrogate stands for itself).
    /// </summary>
    public static int[] CodePoints(string text)
    {
        var points = new List<int>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                points.Add(char.ConvertToUtf32(text[i], text[i + 1]));
                i++;
            }
            else
            {
                points.Add(text[i]);
            }
        }

        return [.. points];
    }

    /// <summary>
    /// The non-whitespace characters (code points) of <paramref name="text"/> as one-character strings: Python's
    /// <c>" ".join(text).split()</c>, sacreBLEU's "char" tokenizer.
    /// </summary>
    public static string[] CharacterTokens(string text)
    {
        var tokens = new List<string>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            int width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            if (!IsSpace(text[i]))
            {
                tokens.Add(text.Substring(i, width));
            }

            i += width - 1;
        }

        return [.. tokens];
    }
}
