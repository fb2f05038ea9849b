using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Gated.Tensors;

namespace Gated.Data;

/// <summary>
/// Turns sentences into fixed-length rows of word indices, as Keras's <c>TextVectorization</c> (output mode
/// "int") does: index 0 is padding, 1 an out-of-vocabulary word, and the fitted words follow from 2, most frequent
/// first. Text is lowercased and split into words of letters and digits, with apostrophes kept inside a word
/// (<c>don't</c>); every other character separates words.
/// </summary>
/// <remarks>
/// Keras deletes punctuation instead, which glues <c>slow-moving</c> into <c>slowmoving</c> and
/// <c>well...then</c> into <c>wellthen</c>; in review text such joins are common, so here they split.
/// </remarks>
public sealed class WordTokenizer
{
    /// <summary>The index of padding, which an Embedding with masking skips.</summary>
    public const int PaddingIndex = 0;
    /// <summary>The index of every word outside the vocabulary.</summary>
    public const int OutOfVocabularyIndex = 1;

    /// <summary>The name <see cref="GetState"/> gives index 1, as Keras's <c>get_vocabulary()</c> does.</summary>
    public const string OutOfVocabularyToken = "[UNK]";

    private const int FirstWordIndex = 2;

    private readonly string[] _words; // index i + FirstWordIndex
    private readonly Dictionary<string, int> _index;

    private WordTokenizer(string[] words)
    {
        _words = words;
        _index = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (int i = 0; i < words.Length; i++)
        {
            _index.Add(words[i], i + FirstWordIndex);
        }
    }

    /// <summary>Number of indices in use, padding and out-of-vocabulary included: the input size of an Embedding layer.</summary>
    public int VocabularySize => _words.Length + FirstWordIndex;

    /// <summary>
    /// Keeps the most frequent words of <paramref name="texts"/> so that <see cref="VocabularySize"/> is at most
    /// <paramref name="maxTokens"/> (which, as in Keras, counts the padding and out-of-vocabulary indices; pass
    /// <see cref="int.MaxValue"/> to keep every word). Words of equal count are ordered by ordinal comparison,
    /// so the vocabulary does not depend on the order of the texts.
    /// </summary>
    public static WordTokenizer Fit(IEnumerable<string> texts, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, FirstWordIndex + 1);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int n = 0;
        foreach (string? text in texts)
        {
            if (text is null)
            {
                throw new ArgumentException($"texts[{n}] is null", nameof(texts));
            }

            foreach (string word in SplitWords(text))
            {
                CollectionsMarshal.GetValueRefOrAddDefault(counts, word, out _)++;
            }

            n++;
        }

        if (counts.Count == 0)
        {
            throw new ArgumentException($"the {n} texts hold no words to build a vocabulary from", nameof(texts));
        }

        string[] words = counts
            .OrderByDescending(pair => pair.Value)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Take(maxTokens - FirstWordIndex)
            .Select(pair => pair.Key)
            .ToArray();
        return new WordTokenizer(words);
    }

    /// <summary>
    /// Restores a tokenizer from <see cref="GetState"/>: every token in index order, starting with "" (padding)
    /// and <see cref="OutOfVocabularyToken"/>, then distinct words as <see cref="SplitWords"/> writes them.
    /// </summary>
    public static WordTokenizer FromState(IReadOnlyList<string> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count <= FirstWordIndex || state[PaddingIndex] != "" || state[OutOfVocabularyIndex] != OutOfVocabularyToken)
        {
            throw new ArgumentException(
                $"a word vocabulary starts with \"\" and \"{OutOfVocabularyToken}\" and holds at least one word", nameof(state));
        }

        var words = new string[state.Count - FirstWordIndex];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < words.Length; i++)
        {
            string word = state[i + FirstWordIndex];
            // A word that standardizing would change or split could never be looked up, so it marks a corrupt state.
            if (word is null || SplitWords(word) is not [string only] || only != word)
            {
                throw new ArgumentException($"entry {i + FirstWordIndex} ('{word}') is not a single lowercase word", nameof(state));
            }

            if (!seen.Add(word))
            {
                throw new ArgumentException($"entry {i + FirstWordIndex} ('{word}') repeats an earlier word", nameof(state));
            }

            words[i] = word;
        }

        return new WordTokenizer(words);
    }

    /// <summary>Every token in index order: "" (padding), <see cref="OutOfVocabularyToken"/>, then the words; for storing with a model.</summary>
    public IReadOnlyList<string> GetState()
    {
        var state = new string[VocabularySize];
        state[PaddingIndex] = "";
        state[OutOfVocabularyIndex] = OutOfVocabularyToken;
        _words.CopyTo(state, FirstWordIndex);
        return state;
    }

    /// <summary>
    /// The words of <paramref name="text"/> as the tokenizer sees them: lowercased runs of letters and digits
    /// (combining marks included), an apostrophe kept only between two such characters, anything else a separator.
    /// The typographic apostrophe U+2019 is read as <c>'</c>, so "don’t" and "don't" are one word.
    /// </summary>
    public static string[] SplitWords(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var word = new StringBuilder();
        bool pendingApostrophe = false;
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (IsWordRune(rune, word.Length > 0))
            {
                if (pendingApostrophe)
                {
                    word.Append('\'');
                    pendingApostrophe = false;
                }

                Rune lower = Rune.ToLowerInvariant(rune);
                if (lower.IsBmp)
                {
                    word.Append((char)lower.Value);
                }
                else
                {
                    word.Append(lower.ToString());
                }
            }
            else if (rune.Value is '\'' or '\u2019' && word.Length > 0 && !pendingApostrophe)
            {
                pendingApostrophe = true;
            }
            else
            {
                EndWord();
            }
        }

        EndWord();
        return words.ToArray();

        void EndWord()
        {
            if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }

            pendingApostrophe = false;
        }
    }

    /// <summary>
    /// The first <paramref name="length"/> word indices of <paramref name="text"/>, unknown words as 1, padded with
    /// 0 at the end when the text is shorter (Keras's post-padding and truncation at the end).
    /// </summary>
    public int[] Encode(string text, int length)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var tokens = new int[length];
        string[] words = SplitWords(text);
        for (int t = 0; t < Math.Min(words.Length, length); t++)
        {
            tokens[t] = _index.TryGetValue(words[t], out int index) ? index : OutOfVocabularyIndex;
        }

        return tokens;
    }

    /// <summary>
    /// <see cref="Encode"/> for every text, as a (N, length) tensor of indices held in floats, the input an
    /// Embedding layer takes. Indices stay exact in float32 up to 2^24, far beyond any word vocabulary.
    /// </summary>
    public Tensor EncodeBatch(IReadOnlyList<string> texts, int length)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var data = new float[Tensor.ShapeLength([texts.Count, length])];
        for (int i = 0; i < texts.Count; i++)
        {
            int[] tokens = Encode(TextAt(texts, i), length);
            for (int t = 0; t < length; t++)
            {
                data[(i * length) + t] = tokens[t];
            }
        }

        return new Tensor(data, texts.Count, length);
    }

    /// <summary>
    /// Number of words in each text, capped at <paramref name="length"/>: the unpadded part of each row of
    /// <see cref="EncodeBatch"/>. A text without words gives 0, an all-padding row.
    /// </summary>
    public static int[] Lengths(IReadOnlyList<string> texts, int length)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var lengths = new int[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            lengths[i] = Math.Min(SplitWords(TextAt(texts, i)).Length, length);
        }

        return lengths;
    }

    /// <summary>The words of <paramref name="tokens"/> joined by spaces, padding left out and unknown words shown as <see cref="OutOfVocabularyToken"/>.</summary>
    public string Decode(ReadOnlySpan<int> tokens)
    {
        var text = new StringBuilder();
        for (int i = 0; i < tokens.Length; i++)
        {
            int token = tokens[i];
            if ((uint)token >= (uint)VocabularySize)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(tokens), token, $"token {token} at position {i} is outside the vocabulary [0, {VocabularySize})");
            }

            if (token == PaddingIndex)
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(token == OutOfVocabularyIndex ? OutOfVocabularyToken : _words[token - FirstWordIndex]);
        }

        return text.ToString();
    }

    private static string TextAt(IReadOnlyList<string> texts, int i) =>
        texts[i] ?? throw new ArgumentException($"texts[{i}] is null", nameof(texts));

    // Combining marks continue a word, so a decomposed "é" (e + U+0301) stays one word.
    private static bool IsWordRune(Rune rune, bool inWord) =>
        Rune.IsLetterOrDigit(rune) || (inWord && Rune.GetUnicodeCategory(rune) is
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark);
}
