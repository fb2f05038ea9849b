namespace Gated.Tests.Reference;

/// <summary>
/// The time loop of a recurrent layer written the slow, obvious way in double precision, one sample and one step
/// at a time; a subclass supplies one cell step forward and back. What it computes, for sample b:
///     processing step s reads time t = s, or t = T − 1 − s with goBackwards (Keras's go_backwards);
///     real step:   states_{s+1} = cell(x_t ⊙ m_x, states_s, h_s ⊙ m_h), output_s = h_{s+1};
///     padded step: states_{s+1} = states_s, output_s = 0 (mask[b, t] = 0, or t ≥ lengths[b]), or with
///                  zeroOutputForMask false output_s = output_r of the last real step r &lt; s (0 when there is none);
/// m_x (B, I) and m_h (B, H) are the already-scaled dropout masks of the sequence (1 when off). The output is
/// (B, T, H) in processing order with returnSequences, else the final h (B, H). Backward is plain BPTT through
/// those equations; gradients of the final states may be given. Weights use Gated's names and (Keras) layouts.
/// </summary>
public abstract class ReferenceRecurrent
{
    private readonly Dictionary<string, double[]> _weights;
    private int _batch, _steps;
    private ReferenceRun _run = new();
    private double[] _x = [];                     // (B, T, I) as given, time order
    private bool[] _valid = [];                   // (B, T) processing order
    private double[][][] _states = [];            // [b][s] all states concatenated (StateCount·H), s = 0..T
    private object?[][] _caches = [];             // [b][s] the cell's cache of a real step
    private readonly double[] _kernel, _recurrentKernel, _bias;
    private double[] _dKernel = [], _dRecurrentKernel = [], _dBias = [];

    protected ReferenceRecurrent(int inputSize, int units, int gateCount, int stateCount, bool returnSequences, bool goBackwards, IReadOnlyDictionary<string, double[]> weights)
    {
        InputSize = inputSize;
        Units = units;
        GateCount = gateCount;
        StateCount = stateCount;
        ReturnSequences = returnSequences;
        GoBackwards = goBackwards;
        _weights = weights.ToDictionary(p => p.Key, p => (double[])p.Value.Clone());
        Expect("kernel", inputSize * gateCount * units);
        Expect("recurrent_kernel", units * gateCount * units);
        Expect("bias", gateCount * units);
        if (_weights.ContainsKey("recurrent_bias"))
        {
            Expect("recurrent_bias", gateCount * units);
        }

        (_kernel, _recurrentKernel, _bias) = (_weights["kernel"], _weights["recurrent_kernel"], _weights["bias"]);
    }

    public int InputSize { get; }

    public int Units { get; }

    public int GateCount { get; }

    public int StateCount { get; }

    public bool ReturnSequences { get; }

    public bool GoBackwards { get; }

    /// <summary>The weights by Gated parameter name; writable for finite differences.</summary>
    public IReadOnlyDictionary<string, double[]> Weights => _weights;

    public double[][] FinalStates { get; private set; } = [];            // per state kind, (B, H)

    public double[] InputGradient { get; private set; } = [];            // (B, T, I)

    public double[][]? InitialStateGradients { get; private set; }       // per state kind (B, H), when initial states were given

    public Dictionary<string, double[]> ParameterGradients { get; private set; } = [];

    /// <summary>x (B, T, I) → (B, T, H) in processing order with returnSequences, else (B, H).</summary>
    public double[] Forward(double[] x, int batch, int steps, ReferenceRun? run = null)
    {
        run ??= new ReferenceRun();
        int I = InputSize, H = Units;
        if (x.Length != batch * steps * I)
        {
            throw new ArgumentException("x must be (B, T, I).", nameof(x));
        }

        _batch = batch;
        _steps = steps;
        _run = run;
        _x = (double[])x.Clone();
        _valid = Validity(run, batch, steps);
        _states = new double[batch][][];
        _caches = new object?[batch][];
        var output = new double[ReturnSequences ? batch * steps * H : batch * H];
        FinalStates = new double[StateCount][];
        for (int k = 0; k < StateCount; k++)
        {
            FinalStates[k] = new double[batch * H];
        }

        for (int b = 0; b < batch; b++)
        {
            _states[b] = new double[steps + 1][];
            _caches[b] = new object?[steps];
            _states[b][0] = new double[StateCount * H];
            for (int k = 0; k < StateCount && run.InitialStates is not null; k++)
            {
                Array.Copy(run.InitialStates[k], b * H, _states[b][0], k * H, H);
            }

            for (int s = 0; s < steps; s++)
            {
                var previous = _states[b][s];
                if (!_valid[(b * steps) + s])
                {
                    _states[b][s + 1] = (double[])previous.Clone();
                    int source = RepeatedStep(b, s);
                    for (int j = 0; j < H && ReturnSequences && source >= 0; j++)
                    {
                        output[(((b * steps) + s) * H) + j] = _states[b][source + 1][j];
                    }

                    continue;
                }

                var next = new double[StateCount * H];
                _caches[b][s] = StepForward(DroppedInput(b, s), previous, DroppedState(b, previous), next);
                _states[b][s + 1] = next;
                for (int j = 0; j < H && ReturnSequences; j++)
                {
                    output[(((b * steps) + s) * H) + j] = next[j];
                }
            }

            for (int k = 0; k < StateCount; k++)
            {
                Array.Copy(_states[b][steps], k * H, FinalStates[k], b * H, H);
            }
        }

        return ReturnSequences ? output : (double[])FinalStates[0].Clone();
    }

    /// <summary>dy like the last Forward's output; finalStateGradients (per state kind, (B, H), entries may be null) add to the final states. Sets every gradient (not accumulated).</summary>
    public void Backward(double[] dy, IReadOnlyList<double[]?>? finalStateGradients = null)
    {
        int B = _batch, T = _steps, I = InputSize, H = Units, S = StateCount;
        if (dy.Length != (ReturnSequences ? B * T * H : B * H))
        {
            throw new ArgumentException("dy must match the last Forward's output.", nameof(dy));
        }

        InputGradient = new double[B * T * I];
        ParameterGradients = _weights.ToDictionary(p => p.Key, p => new double[p.Value.Length]);
        (_dKernel, _dRecurrentKernel, _dBias) = (ParameterGradients["kernel"], ParameterGradients["recurrent_kernel"], ParameterGradients["bias"]);
        InitialStateGradients = _run.InitialStates is null ? null : Enumerable.Range(0, S).Select(_ => new double[B * H]).ToArray();
        for (int b = 0; b < B; b++)
        {
            var dStates = new double[S * H];   // dLoss/d(states after the current step)
            for (int k = 0; k < S && finalStateGradients is not null; k++)
            {
                if (k < finalStateGradients.Count && finalStateGradients[k] is double[] given)
                {
                    Array.Copy(given, b * H, dStates, k * H, H);
                }
            }

            if (!ReturnSequences)
            {
                for (int j = 0; j < H; j++)
                {
                    dStates[j] += dy[(b * H) + j];
                }
            }

            for (int s = T - 1; s >= 0; s--)
            {
                if (!_valid[(b * T) + s])
                {
                    continue;   // the states pass through a padded step unchanged, and so do their gradients
                }

                for (int j = 0; j < H && ReturnSequences; j++)
                {
                    dStates[j] += dy[(((b * T) + s) * H) + j];
                }

                // Every padded step that repeats this step's output adds its output gradient here.
                for (int later = s + 1; later < T && ReturnSequences; later++)
                {
                    if (!_valid[(b * T) + later] && RepeatedStep(b, later) == s)
                    {
                        for (int j = 0; j < H; j++)
                        {
                            dStates[j] += dy[(((b * T) + later) * H) + j];
                        }
                    }
                }

                var dx = new double[I];
                var dPrevious = new double[S * H];
                var dRecurrentInput = new double[H];
                StepBackward(_caches[b][s]!, dStates, dx, dPrevious, dRecurrentInput);
                int t = TimeOf(s);
                for (int i = 0; i < I; i++)
                {
                    InputGradient[(((b * T) + t) * I) + i] += dx[i] * InputMask(b, i);
                }

                for (int j = 0; j < H; j++)
                {
                    dPrevious[j] += dRecurrentInput[j] * RecurrentMask(b, j);
                }

                dStates = dPrevious;
            }

            for (int k = 0; k < S && InitialStateGradients is not null; k++)
            {
                Array.Copy(dStates, k * H, InitialStateGradients[k], b * H, H);
            }
        }
    }

    /// <summary>
    /// One real step of one sample. x (I) after input dropout; previous holds the states (StateCount·H: h, then
    /// c); recurrentInput is h ⊙ m_h, what the recurrent kernel sees. Writes next; returns what StepBackward needs.
    /// </summary>
    protected abstract object StepForward(double[] x, double[] previous, double[] recurrentInput, double[] next);

    /// <summary>
    /// dNext: dLoss/d(next states). Writes dx (dLoss/d(dropped x)), dPrevious (through paths other than the
    /// recurrent input) and dRecurrentInput; adds the parameter gradients.
    /// </summary>
    protected abstract void StepBackward(object cache, double[] dNext, double[] dx, double[] dPrevious, double[] dRecurrentInput);

    protected static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));

    protected double[] W(string name) => _weights[name];

    protected double[] Grad(string name) => ParameterGradients[name];

    /// <summary>kernel[i, gate·H + j].</summary>
    protected double Kernel(int i, int gate, int j) => _kernel[(i * GateCount * Units) + (gate * Units) + j];

    /// <summary>recurrent_kernel[k, gate·H + j].</summary>
    protected double RecurrentKernel(int k, int gate, int j) => _recurrentKernel[(k * GateCount * Units) + (gate * Units) + j];

    /// <summary>x · kernel[:, gate·H + j] + bias[gate·H + j].</summary>
    protected double InputPart(double[] x, int gate, int j)
    {
        double sum = _bias[(gate * Units) + j];
        for (int i = 0; i < InputSize; i++)
        {
            sum += x[i] * Kernel(i, gate, j);
        }

        return sum;
    }

    /// <summary>h · recurrent_kernel[:, gate·H + j], without bias.</summary>
    protected double RecurrentPart(double[] h, int gate, int j)
    {
        double sum = 0;
        for (int k = 0; k < Units; k++)
        {
            sum += h[k] * RecurrentKernel(k, gate, j);
        }

        return sum;
    }

    /// <summary>Backward of InputPart for a pre-activation gradient da: kernel, bias and dx.</summary>
    protected void BackInputPart(double[] x, int gate, int j, double da, double[] dx)
    {
        int column = (gate * Units) + j;
        _dBias[column] += da;
        for (int i = 0; i < InputSize; i++)
        {
            _dKernel[(i * GateCount * Units) + column] += x[i] * da;
            dx[i] += Kernel(i, gate, j) * da;
        }
    }

    /// <summary>Backward of RecurrentPart: recurrent_kernel and dh.</summary>
    protected void BackRecurrentPart(double[] h, int gate, int j, double da, double[] dh)
    {
        int column = (gate * Units) + j;
        for (int k = 0; k < Units; k++)
        {
            _dRecurrentKernel[(k * GateCount * Units) + column] += h[k] * da;
            dh[k] += RecurrentKernel(k, gate, j) * da;
        }
    }

    private void Expect(string name, int length)
    {
        if (!_weights.TryGetValue(name, out var values) || values.Length != length)
        {
            throw new ArgumentException($"{GetType().Name} needs {name} of {length} values.");
        }
    }

    // The real step whose output padded step s repeats (the last real one before it), or −1 for a zero output.
    private int RepeatedStep(int b, int s)
    {
        if (_run.ZeroOutputForMask)
        {
            return -1;
        }

        for (int r = s - 1; r >= 0; r--)
        {
            if (_valid[(b * _steps) + r])
            {
                return r;
            }
        }

        return -1;
    }

    private int TimeOf(int s) => GoBackwards ? _steps - 1 - s : s;

    private double InputMask(int b, int i) => _run.InputDropoutMask is { } m ? m[(b * InputSize) + i] : 1;

    private double RecurrentMask(int b, int j) => _run.RecurrentDropoutMask is { } m ? m[(b * Units) + j] : 1;

    private double[] DroppedInput(int b, int s)
    {
        var x = new double[InputSize];
        int t = TimeOf(s);
        for (int i = 0; i < InputSize; i++)
        {
            x[i] = _x[(((b * _steps) + t) * InputSize) + i] * InputMask(b, i);
        }

        return x;
    }

    private double[] DroppedState(int b, double[] states)
    {
        var h = new double[Units];
        for (int j = 0; j < Units; j++)
        {
            h[j] = states[j] * RecurrentMask(b, j);
        }

        return h;
    }

    // Real steps (B, T) in processing order, from the mask (time order) or lengths (real steps first).
    private bool[] Validity(ReferenceRun run, int batch, int steps)
    {
        var valid = new bool[batch * steps];
        for (int b = 0; b < batch; b++)
        {
            for (int s = 0; s < steps; s++)
            {
                int t = TimeOf(s);
                valid[(b * steps) + s] = run.Mask is { } mask ? mask[(b * steps) + t] != 0 : run.Lengths is not { } lengths || t < lengths[b];
            }
        }

        return valid;
    }
}
