using System.Globalization;
using Gated.Kernels;
using Gated.Layers.Initializers;
using Gated.Serialization;
using Gated.Tensors;

namespace Gated.Layers.Recurrent;

/// <summary>
/// Gated recurrent unit over a whole sequence, exactly as DESIGN.md writes it:
/// z = σ(W_z x + b_iz + U_z h + b_hz), r = σ(W_r x + b_ir + U_r h + b_hr),
/// n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn)) (reset after) or tanh(W_n x + b_n + U_n (r ⊙ h)) (reset before),
/// h' = z ⊙ h + (1 − z) ⊙ n.
/// Parameters (Keras layout, gate blocks z, r, n): kernel (I, 3H), recurrent_kernel (H, 3H), bias (3H) and,
/// for reset after, recurrent_bias (3H).
/// </summary>
public sealed class Gru : Layer, IConfigurableLayer
{
    private readonly GruWorkspace _work = new();
    private Parameter? _kernel;
    private Parameter? _recurrentKernel;
    private Parameter? _bias;
    private Parameter? _recurrentBias;
    private bool _hasCache;
    private Tensor? _finalState;

    public Gru(int units, bool returnSequences = false, GruVariant variant = GruVariant.ResetAfter, WeightInit init = WeightInit.Keras)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        if (!Enum.IsDefined(variant))
        {
            throw new ArgumentOutOfRangeException(nameof(variant), variant, "Unknown GRU variant.");
        }

        if (!Enum.IsDefined(init))
        {
            throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown weight initialisation.");
        }

        Units = units;
        ReturnSequences = returnSequences;
        Variant = variant;
        Init = init;
    }

    public static string ConfigTypeName => "GRU";

    public override string TypeName => ConfigTypeName;

    /// <summary>H, the size of the hidden state.</summary>
    public int Units { get; }

    /// <summary>Output every step's state (batch, time, H) rather than the last one (batch, H).</summary>
    public bool ReturnSequences { get; }

    public GruVariant Variant { get; }

    public WeightInit Init { get; }

    /// <summary>The state after the last step of the most recent Forward, (batch, H).</summary>
    public Tensor FinalState => _finalState ?? throw new InvalidOperationException("Call Forward before reading FinalState.");

    /// <summary>dLoss/dh0 after Backward, when Forward was given an initial state; otherwise null.</summary>
    public Tensor? InitialStateGradient { get; private set; }

    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["units"] = Units.ToString(CultureInfo.InvariantCulture),
        ["return_sequences"] = ReturnSequences ? "true" : "false",
        ["variant"] = Variant == GruVariant.ResetAfter ? "reset_after" : "reset_before",
        ["init"] = Init == WeightInit.Keras ? "keras" : "pytorch",
    };

    public static Layer FromConfig(LayerConfig config) => new Gru(
        config.PositiveInt("units"),
        config.Bool("return_sequences"),
        config.Choice("variant", ("reset_after", GruVariant.ResetAfter), ("reset_before", GruVariant.ResetBefore)),
        config.Choice("init", ("keras", WeightInit.Keras), ("pytorch", WeightInit.PyTorch)));

    public override Tensor Forward(Tensor input, bool training = false) => Forward(input, null, training);

    /// <summary>Runs the sequence. input (B, T, I); initialState (B, H) or null for zeros.</summary>
    public Tensor Forward(Tensor input, Tensor? initialState, bool training = false)
    {
        int batch = CheckInput(input);
        int steps = input.Shape[1];
        int inputSize = InputShape[1];
        int h = Units;
        if (initialState is not null && (initialState.Rank != 2 || initialState.Shape[0] != batch || initialState.Shape[1] != h))
        {
            throw new ArgumentException(
                $"GRU initial state must be (batch {batch}, units {h}), got {Tensor.FormatShape(initialState.Shape)}.", nameof(initialState));
        }

        _work.Prepare(batch, steps, inputSize, h, Variant);
        var k = Kernel;
        var states = _work.States.AsSpan();
        if (initialState is null)
        {
            states[..(batch * h)].Clear();
        }
        else
        {
            initialState.Data.AsSpan().CopyTo(states);
        }

        // x (B,T,I) → time-major (T,B,I), so each step's rows are contiguous for the GEMM and the epilogue.
        BatchToTimeMajor(input.Data, _work.InputsTimeMajor, batch, steps, inputSize);

        // Input projection for all steps at once: (T·B, I) · kernel (I, 3H) + bias → gx (T·B, 3H).
        var gx = _work.InputGates.AsSpan();
        BroadcastRows(_bias!.Values, gx, steps * batch);
        Gemm.Multiply(false, false, steps * batch, 3 * h, inputSize, 1f, _work.InputsTimeMajor, inputSize, k.Values, 3 * h, 1f, gx, 3 * h);

        for (int t = 0; t < steps; t++)
        {
            if (Variant == GruVariant.ResetAfter)
            {
                StepResetAfter(t, batch, h);
            }
            else
            {
                StepResetBefore(t, batch, h);
            }
        }

        _hasCache = training;
        InitialStateGradient = null;
        _work.HadInitialState = initialState is not null;

        var final = new Tensor(batch, h);
        states.Slice(steps * batch * h, batch * h).CopyTo(final.Data);
        _finalState = final;
        if (!ReturnSequences)
        {
            return final.Clone();
        }

        var output = new Tensor(batch, steps, h);
        TimeToBatchMajor(states[(batch * h)..], output.Data, batch, steps, h);
        return output;
    }

    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (!_hasCache)
        {
            throw new InvalidOperationException("GRU Backward needs a Forward with training: true first.");
        }

        int batch = _work.Batch, steps = _work.Steps, inputSize = _work.InputSize, h = Units;
        int[] expected = ReturnSequences ? [batch, steps, h] : [batch, h];
        if (!outputGradient.Shape.AsSpan().SequenceEqual(expected))
        {
            throw new ArgumentException(
                $"GRU output gradient must be {Tensor.FormatShape(expected)}, got {Tensor.FormatShape(outputGradient.Shape)}.", nameof(outputGradient));
        }

        var dOutputs = _work.OutputGradientsTimeMajor.AsSpan(0, steps * batch * h);
        var dh = _work.StateGradient.AsSpan(0, batch * h);
        if (ReturnSequences)
        {
            BatchToTimeMajor(outputGradient.Data, dOutputs, batch, steps, h);
            dh.Clear();
        }
        else
        {
            outputGradient.Data.AsSpan().CopyTo(dh);
        }

        for (int t = steps - 1; t >= 0; t--)
        {
            if (ReturnSequences)
            {
                Add(dOutputs.Slice(t * batch * h, batch * h), dh);
            }

            if (Variant == GruVariant.ResetAfter)
            {
                BackStepResetAfter(t, batch, h, dh);
            }
            else
            {
                BackStepResetBefore(t, batch, h, dh);
            }
        }

        // Weight gradients as GEMMs over all steps: kernel += xᵀ·dgx, recurrent_kernel += h_prevᵀ·dgh.
        int rows = steps * batch;
        var dgx = _work.InputGateGradients.AsSpan();
        var dgh = _work.RecurrentGateGradients.AsSpan();
        var previous = _work.States.AsSpan(0, rows * h);
        Gemm.Multiply(true, false, inputSize, 3 * h, rows, 1f, _work.InputsTimeMajor, inputSize, dgx, 3 * h, 1f, _kernel!.Gradients, 3 * h);
        AddColumnSums(dgx, rows, 3 * h, _bias!.Gradients);
        var dU = _recurrentKernel!.Gradients;
        if (Variant == GruVariant.ResetAfter)
        {
            Gemm.Multiply(true, false, h, 3 * h, rows, 1f, previous, h, dgh, 3 * h, 1f, dU, 3 * h);
            AddColumnSums(dgh, rows, 3 * h, _recurrentBias!.Gradients);
        }
        else
        {
            Gemm.Multiply(true, false, h, 2 * h, rows, 1f, previous, h, dgh, 3 * h, 1f, dU, 3 * h);
            Gemm.Multiply(true, false, h, h, rows, 1f, _work.ResetStates, h, dgh[(2 * h)..], 3 * h, 1f, dU[(2 * h)..], 3 * h);
        }

        // dx (T·B, I) = dgx · kernelᵀ, then back to batch-major (B, T, I).
        var dxTimeMajor = _work.InputsGradientTimeMajor.AsSpan();
        Gemm.Multiply(false, true, rows, inputSize, 3 * h, 1f, dgx, 3 * h, _kernel.Values, 3 * h, 0f, dxTimeMajor, inputSize);
        var dx = new Tensor(batch, steps, inputSize);
        TimeToBatchMajor(dxTimeMajor, dx.Data, batch, steps, inputSize);

        InitialStateGradient = _work.HadInitialState ? new Tensor(dh.ToArray(), batch, h) : null;
        return dx;
    }

    protected override bool AcceptsAnySequenceLength => true;

    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length != 2 || inputShape[1] < 1)
        {
            throw new ArgumentException($"GRU expects per-sample input (time, features), got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        int inputSize = inputShape[1], h = Units;
        _kernel = AddParameter("kernel", inputSize, 3 * h);
        _recurrentKernel = AddParameter("recurrent_kernel", h, 3 * h);
        _bias = AddParameter("bias", 3 * h);
        _recurrentBias = Variant == GruVariant.ResetAfter ? AddParameter("recurrent_bias", 3 * h) : null;

        if (Init == WeightInit.Keras)
        {
            WeightInitializers.GlorotUniform(_kernel.Values, inputSize, 3 * h, random);
            WeightInitializers.Orthogonal(_recurrentKernel.Values, h, 3 * h, random);
        }
        else
        {
            float limit = 1f / MathF.Sqrt(h);
            foreach (var p in Parameters)
            {
                WeightInitializers.Uniform(p.Values, limit, random);
            }
        }

        return ReturnSequences ? [inputShape[0], h] : [h];
    }

    private Parameter Kernel => _kernel ?? throw new InvalidOperationException("GRU layer is not built yet.");

    // One step, reset after: gh = h_prev·U + b_h; z, r = σ(gx + gh); n = tanh(gx_n + r ⊙ gh_n).
    private void StepResetAfter(int t, int batch, int h)
    {
        int h3 = 3 * h, block = batch * h;
        var hPrev = _work.States.AsSpan(t * block, block);
        var hNext = _work.States.AsSpan((t + 1) * block, block);
        var gh = _work.StepGates.AsSpan(0, batch * h3);
        BroadcastRows(_recurrentBias!.Values, gh, batch);
        Gemm.Multiply(false, false, batch, h3, h, 1f, hPrev, h, _recurrentKernel!.Values, h3, 1f, gh, h3);

        var z = _work.UpdateGates.AsSpan(t * block, block);
        var r = _work.ResetGates.AsSpan(t * block, block);
        var n = _work.Candidates.AsSpan(t * block, block);
        var hn = _work.RecurrentCandidates.AsSpan(t * block, block);
        var gxStep = _work.InputGates.AsSpan(t * batch * h3, batch * h3);
        UpdateAndResetGates(gxStep, gh, z, r, batch, h);
        for (int b = 0; b < batch; b++)
        {
            var gxRow = gxStep.Slice(b * h3, h3);
            var ghRow = gh.Slice(b * h3, h3);
            for (int j = 0; j < h; j++)
            {
                int i = (b * h) + j;
                hn[i] = ghRow[(2 * h) + j];
                n[i] = gxRow[(2 * h) + j] + (r[i] * hn[i]);
            }
        }

        Activations.Tanh(n, n);
        MixState(z, hPrev, n, hNext);
    }

    // One step, reset before: z, r = σ(gx + h_prev·U_zr); n = tanh(gx_n + (r ⊙ h_prev)·U_n).
    private void StepResetBefore(int t, int batch, int h)
    {
        int h3 = 3 * h, block = batch * h;
        var hPrev = _work.States.AsSpan(t * block, block);
        var hNext = _work.States.AsSpan((t + 1) * block, block);
        var gh = _work.StepGates.AsSpan(0, batch * h3);
        var u = _recurrentKernel!.Values;
        Gemm.Multiply(false, false, batch, 2 * h, h, 1f, hPrev, h, u, h3, 0f, gh, h3);

        var z = _work.UpdateGates.AsSpan(t * block, block);
        var r = _work.ResetGates.AsSpan(t * block, block);
        var n = _work.Candidates.AsSpan(t * block, block);
        var rh = _work.ResetStates.AsSpan(t * block, block);
        var gxStep = _work.InputGates.AsSpan(t * batch * h3, batch * h3);
        UpdateAndResetGates(gxStep, gh, z, r, batch, h);
        for (int i = 0; i < block; i++)
        {
            rh[i] = r[i] * hPrev[i];
        }

        // (r ⊙ h_prev)·U_n lands in the n block of gh, then gets the input part added.
        Gemm.Multiply(false, false, batch, h, h, 1f, rh, h, u[(2 * h)..], h3, 0f, gh[(2 * h)..], h3);
        for (int b = 0; b < batch; b++)
        {
            var gxRow = gxStep.Slice(b * h3, h3);
            var ghRow = gh.Slice(b * h3, h3);
            for (int j = 0; j < h; j++)
            {
                n[(b * h) + j] = gxRow[(2 * h) + j] + ghRow[(2 * h) + j];
            }
        }

        Activations.Tanh(n, n);
        MixState(z, hPrev, n, hNext);
    }

    // dh holds dLoss/dh_t on entry and dLoss/dh_{t-1} on exit.
    private void BackStepResetAfter(int t, int batch, int h, Span<float> dh)
    {
        int h3 = 3 * h, block = batch * h;
        var hPrev = _work.States.AsSpan(t * block, block);
        var z = _work.UpdateGates.AsSpan(t * block, block);
        var r = _work.ResetGates.AsSpan(t * block, block);
        var n = _work.Candidates.AsSpan(t * block, block);
        var hn = _work.RecurrentCandidates.AsSpan(t * block, block);
        var dgx = _work.InputGateGradients.AsSpan(t * batch * h3, batch * h3);
        var dgh = _work.RecurrentGateGradients.AsSpan(t * batch * h3, batch * h3);
        for (int b = 0; b < batch; b++)
        {
            int row = b * h3;
            for (int j = 0; j < h; j++)
            {
                int i = (b * h) + j;
                float g = dh[i];
                float dz = g * (hPrev[i] - n[i]);
                float dn = g * (1f - z[i]);
                float dnPre = dn * (1f - (n[i] * n[i]));
                float dr = dnPre * hn[i];
                float dzPre = dz * z[i] * (1f - z[i]);
                float drPre = dr * r[i] * (1f - r[i]);
                dgx[row + j] = dzPre;
                dgx[row + h + j] = drPre;
                dgx[row + (2 * h) + j] = dnPre;
                dgh[row + j] = dzPre;
                dgh[row + h + j] = drPre;
                dgh[row + (2 * h) + j] = dnPre * r[i];
                dh[i] = g * z[i];
            }
        }

        Gemm.Multiply(false, true, batch, h, h3, 1f, dgh, h3, _recurrentKernel!.Values, h3, 1f, dh, h);
    }

    private void BackStepResetBefore(int t, int batch, int h, Span<float> dh)
    {
        int h3 = 3 * h, block = batch * h;
        var hPrev = _work.States.AsSpan(t * block, block);
        var z = _work.UpdateGates.AsSpan(t * block, block);
        var r = _work.ResetGates.AsSpan(t * block, block);
        var n = _work.Candidates.AsSpan(t * block, block);
        var dgx = _work.InputGateGradients.AsSpan(t * batch * h3, batch * h3);
        var dgh = _work.RecurrentGateGradients.AsSpan(t * batch * h3, batch * h3);
        var dResetState = _work.StepStateGradient.AsSpan(0, block);
        var u = _recurrentKernel!.Values;

        for (int b = 0; b < batch; b++)
        {
            int row = b * h3;
            for (int j = 0; j < h; j++)
            {
                int i = (b * h) + j;
                float dnPre = dh[i] * (1f - z[i]) * (1f - (n[i] * n[i]));
                dgx[row + (2 * h) + j] = dnPre;
                dgh[row + (2 * h) + j] = dnPre;
            }
        }

        // d(r ⊙ h_prev) = dn_pre · U_nᵀ.
        Gemm.Multiply(false, true, batch, h, h, 1f, dgh[(2 * h)..], h3, u[(2 * h)..], h3, 0f, dResetState, h);
        for (int b = 0; b < batch; b++)
        {
            int row = b * h3;
            for (int j = 0; j < h; j++)
            {
                int i = (b * h) + j;
                float g = dh[i];
                float dzPre = g * (hPrev[i] - n[i]) * z[i] * (1f - z[i]);
                float drPre = dResetState[i] * hPrev[i] * r[i] * (1f - r[i]);
                dgx[row + j] = dzPre;
                dgx[row + h + j] = drPre;
                dgh[row + j] = dzPre;
                dgh[row + h + j] = drPre;
                dh[i] = (g * z[i]) + (dResetState[i] * r[i]);
            }
        }

        Gemm.Multiply(false, true, batch, h, 2 * h, 1f, dgh, h3, u, h3, 1f, dh, h);
    }

    // z = σ(gx_z + gh_z), r = σ(gx_r + gh_r); gx and gh rows are (3H) with blocks z, r, n.
    private static void UpdateAndResetGates(ReadOnlySpan<float> gx, ReadOnlySpan<float> gh, Span<float> z, Span<float> r, int batch, int h)
    {
        int h3 = 3 * h;
        for (int b = 0; b < batch; b++)
        {
            var gxRow = gx.Slice(b * h3, h3);
            var ghRow = gh.Slice(b * h3, h3);
            var zRow = z.Slice(b * h, h);
            var rRow = r.Slice(b * h, h);
            for (int j = 0; j < h; j++)
            {
                zRow[j] = gxRow[j] + ghRow[j];
                rRow[j] = gxRow[h + j] + ghRow[h + j];
            }
        }

        Activations.Sigmoid(z, z);
        Activations.Sigmoid(r, r);
    }

    // h' = z ⊙ h + (1 − z) ⊙ n, written as n + z ⊙ (h − n).
    private static void MixState(ReadOnlySpan<float> z, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> n, Span<float> hNext)
    {
        for (int i = 0; i < hNext.Length; i++)
        {
            hNext[i] = n[i] + (z[i] * (hPrev[i] - n[i]));
        }
    }

    private static void BroadcastRows(ReadOnlySpan<float> row, Span<float> matrix, int rows)
    {
        for (int i = 0; i < rows; i++)
        {
            row.CopyTo(matrix.Slice(i * row.Length, row.Length));
        }
    }

    private static void AddColumnSums(ReadOnlySpan<float> matrix, int rows, int cols, Span<float> sums)
    {
        for (int i = 0; i < rows; i++)
        {
            var row = matrix.Slice(i * cols, cols);
            for (int j = 0; j < cols; j++)
            {
                sums[j] += row[j];
            }
        }
    }

    private static void Add(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] += source[i];
        }
    }

    // (B, T, F) → (T, B, F).
    private static void BatchToTimeMajor(ReadOnlySpan<float> source, Span<float> destination, int batch, int steps, int features)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                source.Slice(((b * steps) + t) * features, features).CopyTo(destination.Slice(((t * batch) + b) * features, features));
            }
        }
    }

    // (T, B, F) → (B, T, F).
    private static void TimeToBatchMajor(ReadOnlySpan<float> source, Span<float> destination, int batch, int steps, int features)
    {
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                source.Slice(((t * batch) + b) * features, features).CopyTo(destination.Slice(((b * steps) + t) * features, features));
            }
        }
    }
}
