using System.Globalization;
using System.Text;

namespace Gated.Data;

/// <summary>
/// Maps each character (UTF-16 code unit) of a text to its index in a fixed vocabulary, for character-level
/// language models. The vocabulary is the distinct characters of the fitted text sorted by ordinal value, so
/// the same text always gives the same indices on every machine and culture.
/// </summary>
public sealed class CharTokenizer
{
    private readonly string _vocabulary;
    private readonly Dictionary<char, int> _index;

    private CharTokenizer(string vocabulary)
    {
        _vocabulary = vocabulary;
        _index = new Dictionary<char, int>(vocabulary.Length);
        for (int i = 0; i < vocabulary.Length; i++)
        {
            _index.Add(vocabulary[i], i);
        }
    }

    /// <summary>Number of distinct characters; token indices run from 0 to VocabularySize − 1.</summary>
    public int VocabularySize => _vocabulary.Length;

    /// <summary>The vocabulary of the distinct characters of <paramref name="text"/>, in ordinal order.</summary>
    public static CharTokenizer Fit(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            throw new ArgumentException("the text is empty; a vocabulary needs at least one character", nameof(text));
        }

        char[] distinct = text.Distinct().ToArray();
        Array.Sort(distinct);
        return new CharTokenizer(new string(distinct));
    }

    /// <summary>
    /// Restores a tokenizer from <see cref="GetState"/>: the vocabulary as one string, each character at its index.
    /// It must be non-empty and strictly increasing in ordinal value, as <see cref="Fit"/> makes it.
    /// </summary>
    public static CharTokenizer FromState(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length == 0)
        {
            throw new ArgumentException("the vocabulary is empty", nameof(state));
        }

        // Strictly increasing also rules out repeats, which would make an index ambiguous.
        for (int i = 1; i < state.Length; i++)
        {
            if (state[i] <= state[i - 1])
            {
                throw new ArgumentException(
                    $"the vocabulary must be distinct characters in ordinal order; {Describe(state[i])} at position {i} " +
                    $"does not come after {Describe(state[i - 1])}", nameof(state));
            }
        }

        return new CharTokenizer(state);
    }

    /// <summary>The vocabulary as one string, the character with index i at position i, for storing with a model.</summary>
    public string GetState() => _vocabulary;

    /// <summary>The index of each character of <paramref name="text"/>; a character outside the vocabulary is an error naming it and its position.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            if (!_index.TryGetValue(text[i], out tokens[i]))
            {
                throw new ArgumentException(
                    $"{Describe(text[i])} at position {i} is not in the vocabulary of {VocabularySize} characters", nameof(text));
            }
        }

        return tokens;
    }

    /// <summary>The text whose characters have the indices <paramref name="tokens"/>.</summary>
    public string Decode(ReadOnlySpan<int> tokens)
    {
        var text = new StringBuilder(tokens.Length);
        for (int i = 0; i < tokens.Length; i++)
        {
            int token = tokens[i];
            if ((uint)token >= (uint)_vocabulary.Length)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(tokens), token, $"token {token} at position {i} is outside the vocabulary [0, {VocabularySize})");
            }

            text.Append(_vocabulary[token]);
        }

        return text.ToString();
    }

    // Control characters and lone surrogate halves would garble a one-line message, so they are written escaped.
    private static string Describe(char c)
    {
        string code = ((int)c).ToString("X4", CultureInfo.InvariantCulture);
        string shown = c switch
        {
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\0' => "\\0",
            _ when char.IsControl(c) || char.IsSurrogate(c) => "\\u" + code,
            _ => c.ToString(),
        };

        return $"character '{shown}' (U+{code})";
    }
}
