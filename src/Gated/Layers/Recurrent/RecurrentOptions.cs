namespace Gated.Layers.Recurrent;

/// <summary>
/// The options GRU, LSTM and SimpleRNN share, with Keras's meanings and Keras's defaults except
/// <see cref="ZeroOutputForMask"/> (true here, false in Keras).
/// </summary>
public sealed record RecurrentOptions
{
    /// <summary>Output every step (batch, time, H) rather than the last one (batch, H).</summary>
    public bool ReturnSequences { get; init; }

    /// <summary>
    /// Keras's return_state: a call in a functional model gives the output and then the final states (h, or h and c),
    /// each (batch, units), so an encoder's state can start a decoder. Only functional models take such a layer.
    /// </summary>
    public bool ReturnState { get; init; }

    /// <summary>Process the sequence from its end; with ReturnSequences the outputs come in processing order (reversed), as Keras.</summary>
    public bool GoBackwards { get; init; }

    /// <summary>Carry the final states of one batch into the next as initial states (same batch size) until ResetStates().</summary>
    public bool Stateful { get; init; }

    /// <summary>Fraction of input features dropped in training, one mask per sequence for all steps.</summary>
    public float Dropout { get; init; }

    /// <summary>Fraction of the previous state's units dropped before the recurrent kernel in training, one mask per sequence.</summary>
    public float RecurrentDropout { get; init; }

    /// <summary>
    /// Keras's zero_output_for_mask: what a masked (padded) step outputs with <see cref="ReturnSequences"/>. True (Gated's
    /// default, as PyTorch's packed sequences and ONNX's sequence_lens): zeros. False (Keras's default for a layer on its
    /// own; the Keras model loader sets it; Keras's Bidirectional forces true): the previous step's output again (zeros before
    /// the first real step, as Keras's TensorFlow backend), and its gradient flows back to the step it repeats. Either way the
    /// states carry through a masked step unchanged, and without sequences the output is the final state. Bidirectional's
    /// backward copy keeps the option; its "previous" step is the later one in time. ONNX export refuses false under a mask.
    /// </summary>
    public bool ZeroOutputForMask { get; init; } = true;

    /// <summary>Keras's initialisation (the default) or PyTorch's.</summary>
    public WeightInit Init { get; init; } = WeightInit.Keras;

    /// <summary>Throws ArgumentOutOfRangeException naming the first invalid option.</summary>
    public void Validate()
    {
        if (!(Dropout >= 0 && Dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1).");
        }

        if (!(RecurrentDropout >= 0 && RecurrentDropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(RecurrentDropout), RecurrentDropout, "Recurrent dropout must be in [0, 1).");
        }

        if (!Enum.IsDefined(Init))
        {
            throw new ArgumentOutOfRangeException(nameof(Init), Init, "Unknown weight initialisation.");
        }
    }
}
