namespace Gated.Seq2Seq;

/// <summary>
/// The architecture and recipe of a sequence-to-sequence model, with the defaults <c>gated seq2seq</c> uses. An
/// embedding of each side; a GRU encoder (optionally bidirectional); a GRU decoder started from tanh(Dense(the
/// encoder's summary)), reading its own previous output token (teacher forcing in training); then either Bahdanau's
/// additive attention of each decoder step over the encoder's steps (keys projected by a Dense, as Bahdanau's U_a), or
/// without attention Cho et al.'s context vector (the encoder's summary) fed to every decoder step and to the output;
/// a Dense to the target vocabulary's logits. Token embeddings start N(0, 1) (PyTorch's nn.Embedding), the other
/// layers as Keras initialises them.
/// </summary>
public sealed record Seq2SeqOptions
{
    /// <summary>How source lines split into tokens.</summary>
    public TokenUnit SourceTokens { get; init; } = TokenUnit.Chars;

    /// <summary>How target lines split into tokens.</summary>
    public TokenUnit TargetTokens { get; init; } = TokenUnit.Chars;

    /// <summary>The size of each token embedding.</summary>
    public int EmbeddingSize { get; init; } = 64;

    /// <summary>The GRU state size of the encoder (each direction) and the decoder.</summary>
    public int Units { get; init; } = 256;

    /// <summary>Additive (Bahdanau) attention; false for Cho et al.'s fixed context vector.</summary>
    public bool Attention { get; init; } = true;

    /// <summary>A bidirectional encoder (its summary is the masked mean of its outputs) instead of a forward one (its final state).</summary>
    public bool BidirectionalEncoder { get; init; }

    /// <summary>
    /// Dropout in training on both embeddings' outputs and on the features the output layer reads (0: none); inference
    /// never drops.
    /// </summary>
    public double Dropout { get; init; }

    /// <summary>Tokens seen fewer times in training become UNK.</summary>
    public int MinTokenCount { get; init; } = 1;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Sentence pairs per training step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The most epochs; early stopping usually ends training sooner.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Epochs without a better validation loss before training stops (the best weights are restored).</summary>
    public int Patience { get; init; } = 3;

    /// <summary>
    /// Epochs without a better validation loss before the learning rate halves (Keras's ReduceLROnPlateau with factor
    /// 0.5; its minimum improvement 1e-4, no cooldown); 0, the default: the rate stays.
    /// </summary>
    public int PlateauPatience { get; init; }

    /// <summary>The weight-initialisation and shuffling seed.</summary>
    public ulong Seed { get; init; }

    /// <summary>The beam width of beam-search decoding.</summary>
    public int BeamWidth { get; init; } = 5;

    /// <summary>α of the length normalisation of beam search: a hypothesis scores log P / length^α (0: none, 1: per token).</summary>
    public double LengthPenalty { get; init; } = 1.0;

    /// <summary>Throws ArgumentOutOfRangeException naming the first bad option and its rule.</summary>
    public void Validate()
    {
        Check(Enum.IsDefined(SourceTokens), nameof(SourceTokens), SourceTokens, "must be chars or words");
        Check(Enum.IsDefined(TargetTokens), nameof(TargetTokens), TargetTokens, "must be chars or words");
        Check(EmbeddingSize > 0, nameof(EmbeddingSize), EmbeddingSize, "must be positive");
        Check(Units > 0, nameof(Units), Units, "must be positive");
        Check(MinTokenCount > 0, nameof(MinTokenCount), MinTokenCount, "must be positive");
        Check(Dropout >= 0 && Dropout < 1, nameof(Dropout), Dropout, "must be in [0, 1)");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be positive");
        Check(BatchSize > 0, nameof(BatchSize), BatchSize, "must be positive");
        Check(Epochs > 0, nameof(Epochs), Epochs, "must be positive");
        Check(Patience > 0, nameof(Patience), Patience, "must be positive");
        Check(PlateauPatience >= 0, nameof(PlateauPatience), PlateauPatience, "must be 0 or more");
        Check(BeamWidth > 0, nameof(BeamWidth), BeamWidth, "must be positive");
        Check(LengthPenalty >= 0 && double.IsFinite(LengthPenalty), nameof(LengthPenalty), LengthPenalty, "must be 0 or more");
    }

    private static void Check(bool ok, string name, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} {rule}, got {value}.");
        }
    }
}
