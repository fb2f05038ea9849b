namespace Gated.Seq2Seq;

/// <summary>
/// Token ids for sequence-to-sequence models: PAD = 0 (padding, masked everywhere), BOS = 1 (starts the decoder's
/// input), EOS = 2 (ends a sequence), UNK = 3 (a token not seen in training), then the training tokens, most frequent
/// first (ties in ordinal order), so a vocabulary built from the same data is the same.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The reserved tokens' ids.</summary>
    public const int Pad = 0, Bos = 1, Eos = 2, Unk = 3;

    /// <summary>How many ids the reserved tokens take.</summary>
    public const int ReservedCount = 4;

    private static readonly string[] Reserved = ["<pad>", "<bos>", "<eos>", "<unk>"];
    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    private Vocabulary(string[] tokens)
    {
        _tokens = tokens;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (!_ids.TryAdd(tokens[i], i))
            {
                throw new ArgumentException($"Token '{tokens[i]}' appears twice in the vocabulary.", nameof(tokens));
            }
        }
    }

    /// <summary>How many ids there are, the reserved ones included.</summary>
    public int Count => _tokens.Length;

    /// <summary>Every token by id, the reserved ones first.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>A vocabulary of the tokens of the given sequences that occur at least minCount times, most frequent first.</summary>
    /// <param name="sequences">Tokenized sequences (the training part only: a vocabulary must not see the test data).</param>
    /// <param name="minCount">Rarer tokens become UNK.</param>
    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> sequences, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minCount);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var sequence in sequences)
        {
            foreach (var token in sequence)
            {
                counts[token] = counts.GetValueOrDefault(token) + 1;
            }
        }

        var tokens = counts.Where(p => p.Value >= minCount && !Reserved.Contains(p.Key))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key);
        return new Vocabulary([.. Reserved, .. tokens]);
    }

    /// <summary>A vocabulary from its saved token list (<see cref="Tokens"/>).</summary>
    /// <exception cref="ArgumentException">The list does not start with the reserved tokens or repeats a token.</exception>
    public static Vocabulary FromTokens(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count < ReservedCount || !tokens.Take(ReservedCount).SequenceEqual(Reserved))
        {
            throw new ArgumentException($"A vocabulary starts with {string.Join(", ", Reserved)}.", nameof(tokens));
        }

        return new Vocabulary([.. tokens]);
    }

    /// <summary>The id of a token, UNK when unknown.</summary>
    public int IdOf(string token) => _ids.TryGetValue(token, out int id) ? id : Unk;

    /// <summary>The tokens' ids (BOS first and EOS last when asked) into a row padded with PAD; longer sequences are cut at the row's length.</summary>
    /// <param name="tokens">The sequence's tokens.</param>
    /// <param name="row">Where the ids go, as floats (a batch row of a model input).</param>
    /// <param name="addBos">Whether BOS comes first (a decoder's input).</param>
    /// <param name="addEos">Whether EOS ends the sequence (a decoder's target).</param>
    /// <returns>How many ids were written before the padding.</returns>
    public int Encode(IReadOnlyList<string> tokens, Span<float> row, bool addBos = false, bool addEos = false)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        row.Clear();
        int n = 0;
        if (addBos && n < row.Length)
        {
            row[n++] = Bos;
        }

        for (int i = 0; i < tokens.Count && n < row.Length; i++)
        {
            row[n++] = IdOf(tokens[i]);
        }

        if (addEos && n < row.Length)
        {
            row[n++] = Eos;
        }

        return n;
    }

    /// <summary>The tokens of ids up to the first EOS (or PAD), the reserved BOS skipped.</summary>
    public string[] Decode(ReadOnlySpan<int> ids)
    {
        var tokens = new List<string>(ids.Length);
        foreach (int id in ids)
        {
            if (id == Eos || id == Pad)
            {
                break;
            }

            if (id != Bos)
            {
                tokens.Add(id >= 0 && id < _tokens.Length ? _tokens[id] : Reserved[Unk]);
            }
        }

        return [.. tokens];
    }
}
