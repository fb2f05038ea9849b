namespace Gated.Layers.Recurrent;

/// <summary>
/// The buffers a <see cref="Gru"/> keeps between Forward and Backward, all time-major (step, batch, ...).
/// They grow when a larger batch or sequence arrives and are reused otherwise.
/// </summary>
internal sealed class GruWorkspace
{
    public int Batch { get; private set; }

    public int Steps { get; private set; }

    public int InputSize { get; private set; }

    public bool HadInitialState { get; set; }

    /// <summary>h_0 … h_T, (T+1, B, H).</summary>
    public float[] States { get; private set; } = [];

    /// <summary>x as (T, B, I).</summary>
    public float[] InputsTimeMajor { get; private set; } = [];

    /// <summary>x·kernel + bias for every step, (T, B, 3H).</summary>
    public float[] InputGates { get; private set; } = [];

    /// <summary>h_prev·recurrent_kernel for the current step, (B, 3H).</summary>
    public float[] StepGates { get; private set; } = [];

    /// <summary>z, r, n for every step, (T, B, H) each.</summary>
    public float[] UpdateGates { get; private set; } = [];

    public float[] ResetGates { get; private set; } = [];

    public float[] Candidates { get; private set; } = [];

    /// <summary>Reset after: U_n·h_prev + b_hn, the term the reset gate scales. (T, B, H).</summary>
    public float[] RecurrentCandidates { get; private set; } = [];

    /// <summary>Reset before: r ⊙ h_prev, the input of U_n. (T, B, H).</summary>
    public float[] ResetStates { get; private set; } = [];

    public float[] OutputGradientsTimeMajor { get; private set; } = [];

    public float[] StateGradient { get; private set; } = [];

    public float[] StepStateGradient { get; private set; } = [];

    /// <summary>dLoss/d(pre-activation) of the input and recurrent projections, (T, B, 3H) each.</summary>
    public float[] InputGateGradients { get; private set; } = [];

    public float[] RecurrentGateGradients { get; private set; } = [];

    public float[] InputsGradientTimeMajor { get; private set; } = [];

    public void Prepare(int batch, int steps, int inputSize, int units, GruVariant variant)
    {
        Batch = batch;
        Steps = steps;
        InputSize = inputSize;
        int block = batch * units;
        int sequence = steps * block;
        States = Ensure(States, (steps + 1) * block);
        InputsTimeMajor = Ensure(InputsTimeMajor, steps * batch * inputSize);
        InputGates = Ensure(InputGates, 3 * sequence);
        StepGates = Ensure(StepGates, 3 * block);
        UpdateGates = Ensure(UpdateGates, sequence);
        ResetGates = Ensure(ResetGates, sequence);
        Candidates = Ensure(Candidates, sequence);
        if (variant == GruVariant.ResetAfter)
        {
            RecurrentCandidates = Ensure(RecurrentCandidates, sequence);
        }
        else
        {
            ResetStates = Ensure(ResetStates, sequence);
        }

        OutputGradientsTimeMajor = Ensure(OutputGradientsTimeMajor, sequence);
        StateGradient = Ensure(StateGradient, block);
        StepStateGradient = Ensure(StepStateGradient, block);
        InputGateGradients = Ensure(InputGateGradients, 3 * sequence);
        RecurrentGateGradients = Ensure(RecurrentGateGradients, 3 * sequence);
        InputsGradientTimeMajor = Ensure(InputsGradientTimeMajor, steps * batch * inputSize);
    }

    private static float[] Ensure(float[] buffer, int length) => buffer.Length >= length ? buffer : new float[length];
}
