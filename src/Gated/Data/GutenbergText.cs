using System.Text;

namespace Gated.Data;

/// <summary>
/// Reads a Project Gutenberg plain-text book without the licence header and footer that Gutenberg wraps around
/// it: what lies between the line starting <c>*** START OF</c> and the next line starting <c>*** END OF</c>.
/// </summary>
public static class GutenbergText
{
    private const string StartMarker = "*** START OF";
    private const string EndMarker = "*** END OF";

    /// <summary>
    /// The book text of a UTF-8 file, line ends normalized to <c>\n</c> so a character vocabulary holds no
    /// <c>\r</c> and a copy saved with either line end trains the same model; errors name <paramref name="path"/>.
    /// </summary>
    public static string Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw DataFormatException.FileNotFound(path);
        }

        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw DataFormatException.FileNotFound(path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"cannot read the file: {ex.Message}", path, innerException: ex);
        }

        return StripHeaderAndFooter(NormalizeLineEnds(text), path);
    }

    /// <summary>
    /// The text between the <c>*** START OF</c> and <c>*** END OF</c> marker lines, without the blank lines
    /// around it. Markers are matched at the start of a line, ignoring case; a missing marker is an error
    /// naming <paramref name="sourceName"/>.
    /// </summary>
    public static string StripHeaderAndFooter(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        int startLine = FindMarkerLine(text, StartMarker, 0, out int startLineEnd, out int startLineNumber);
        if (startLine < 0)
        {
            throw new DataFormatException(
                $"no line starting '{StartMarker}'; expected a Project Gutenberg text with its header and footer markers", sourceName);
        }

        int endLine = FindMarkerLine(text, EndMarker, startLineEnd, out _, out _);
        if (endLine < 0)
        {
            throw new DataFormatException(
                $"no line starting '{EndMarker}' after the '{StartMarker}' marker", sourceName, startLineNumber);
        }

        string body = text[startLineEnd..endLine].Trim('\r', '\n');
        if (body.Trim().Length == 0)
        {
            throw new DataFormatException("nothing but blank lines between the Project Gutenberg markers", sourceName, startLineNumber);
        }

        return body;
    }

    /// <summary>The text with CRLF and lone CR line ends written as LF.</summary>
    public static string NormalizeLineEnds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
    }

    // Returns where the first line at or after `from` that starts with the marker begins (-1 if none), where the
    // next line begins (past its line end) and its 1-based line number in the text.
    private static int FindMarkerLine(string text, string marker, int from, out int nextLineStart, out int lineNumber)
    {
        lineNumber = 1 + CountLineBreaks(text.AsSpan(0, from));
        for (int start = from; start < text.Length; lineNumber++)
        {
            int end = text.IndexOfAny(['\r', '\n'], start);
            int lineEnd = end < 0 ? text.Length : end;
            nextLineStart = end < 0 ? text.Length : end + (text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1);
            if (text.AsSpan(start, lineEnd - start).StartsWith(marker, StringComparison.OrdinalIgnoreCase))
            {
                return start;
            }

            start = nextLineStart;
        }

        nextLineStart = text.Length;
        return -1;
    }

    private static int CountLineBreaks(ReadOnlySpan<char> text)
    {
        int count = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                count++;
            }
        }

        return count;
    }
}
