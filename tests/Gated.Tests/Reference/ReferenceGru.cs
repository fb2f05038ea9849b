namespace Gated.Tests.Reference;

/// <summary>
/// The GRU of DESIGN.md written the slow, obvious way in double precision: one sample, one step, one unit at a
/// time, forward and backpropagation through time, for checking the fast float Gru.
///     z_t = σ(W_z x_t + b_iz + U_z h_{t-1} + b_hz)
///     r_t = σ(W_r x_t + b_ir + U_r h_{t-1} + b_hr)
///     n_t = tanh(W_n x_t + b_in + r_t ⊙ (U_n h_{t-1} + b_hn))     reset after
///     n_t = tanh(W_n x_t + b_n + U_n (r_t ⊙ h_{t-1}))            reset before (no recurrent bias)
///     h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ n_t
/// Weights in Gated's (Keras) layout with gate blocks z, r, n: kernel (I, 3H), recurrent_kernel (H, 3H),
/// bias (3H), recurrent_bias (3H, reset after only).
/// </summary>
public sealed class ReferenceGru
{
    private const int Z = 0, R = 1, N = 2;

    private int _batch, _steps;
    private bool _returnSequences, _hasInitialState;
    private double[] _x = [];   // (B, T, I)
    private double[] _h = [];   // (B, T+1, H); [b, 0] is h0
    private double[] _z = [];   // (B, T, H)
    private double[] _r = [];   // (B, T, H)
    private double[] _n = [];   // (B, T, H)
    private double[] _hn = [];  // (B, T, H) reset after: U_n h_{t-1} + b_hn

    public ReferenceGru(int inputSize, int units, bool resetAfter, double[] kernel, double[] recurrentKernel, double[] bias, double[]? recurrentBias)
    {
        if (kernel.Length != inputSize * 3 * units || recurrentKernel.Length != units * 3 * units || bias.Length != 3 * units)
        {
            throw new ArgumentException("Weights do not match (I, 3H), (H, 3H), (3H).");
        }

        if (resetAfter != (recurrentBias is not null) || (recurrentBias is not null && recurrentBias.Length != 3 * units))
        {
            throw new ArgumentException("Reset after takes a recurrent bias (3H); reset before takes none.", nameof(recurrentBias));
        }

        InputSize = inputSize;
        Units = units;
        ResetAfter = resetAfter;
        Kernel = kernel;
        RecurrentKernel = recurrentKernel;
        Bias = bias;
        RecurrentBias = recurrentBias;
    }

    public int InputSize { get; }

    public int Units { get; }

    public bool ResetAfter { get; }

    public double[] Kernel { get; }            // (I, 3H)

    public double[] RecurrentKernel { get; }   // (H, 3H)

    public double[] Bias { get; }              // (3H)

    public double[]? RecurrentBias { get; }    // (3H) or null

    public double[] FinalState { get; private set; } = [];         // (B, H)

    public double[] InputGradient { get; private set; } = [];      // (B, T, I)

    public double[]? InitialStateGradient { get; private set; }    // (B, H) when an initial state was given

    public double[] KernelGradient { get; private set; } = [];

    public double[] RecurrentKernelGradient { get; private set; } = [];

    public double[] BiasGradient { get; private set; } = [];

    public double[]? RecurrentBiasGradient { get; private set; }

    /// <summary>The parameter gradients under Gated's parameter names.</summary>
    public Dictionary<string, double[]> ParameterGradients()
    {
        var result = new Dictionary<string, double[]>
        {
            ["kernel"] = KernelGradient,
            ["recurrent_kernel"] = RecurrentKernelGradient,
            ["bias"] = BiasGradient,
        };
        if (RecurrentBiasGradient is not null)
        {
            result["recurrent_bias"] = RecurrentBiasGradient;
        }

        return result;
    }

    /// <summary>x (B, T, I), h0 (B, H) or null for zeros → (B, T, H) when returnSequences, else (B, H).</summary>
    public double[] Forward(double[] x, int batch, int steps, double[]? h0, bool returnSequences)
    {
        int I = InputSize, H = Units;
        if (x.Length != batch * steps * I || (h0 is not null && h0.Length != batch * H))
        {
            throw new ArgumentException("x must be (B, T, I) and h0 (B, H).");
        }

        _batch = batch;
        _steps = steps;
        _returnSequences = returnSequences;
        _hasInitialState = h0 is not null;
        _x = (double[])x.Clone();
        _h = new double[batch * (steps + 1) * H];
        _z = new double[batch * steps * H];
        _r = new double[batch * steps * H];
        _n = new double[batch * steps * H];
        _hn = new double[batch * steps * H];

        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < H; j++)
            {
                _h[State(b, 0, j)] = h0 is null ? 0 : h0[(b * H) + j];
            }

            for (int t = 0; t < steps; t++)
            {
                // Update and reset gates first: reset before needs all of r_t before any n_t.
                for (int j = 0; j < H; j++)
                {
                    double az = InputPart(b, t, Z, j) + RecurrentPart(b, t, Z, j);
                    double ar = InputPart(b, t, R, j) + RecurrentPart(b, t, R, j);
                    if (ResetAfter)
                    {
                        az += RecurrentBias![(Z * H) + j];
                        ar += RecurrentBias[(R * H) + j];
                    }

                    _z[Gate(b, t, j)] = Sigmoid(az);
                    _r[Gate(b, t, j)] = Sigmoid(ar);
                }

                for (int j = 0; j < H; j++)
                {
                    double an = InputPart(b, t, N, j);
                    if (ResetAfter)
                    {
                        double hn = RecurrentPart(b, t, N, j) + RecurrentBias![(N * H) + j];
                        _hn[Gate(b, t, j)] = hn;
                        an += _r[Gate(b, t, j)] * hn;
                    }
                    else
                    {
                        for (int k = 0; k < H; k++)
                        {
                            an += _r[Gate(b, t, k)] * _h[State(b, t, k)] * U(k, N, j);
                        }
                    }

                    _n[Gate(b, t, j)] = Math.Tanh(an);
                }

                for (int j = 0; j < H; j++)
                {
                    double z = _z[Gate(b, t, j)];
                    _h[State(b, t + 1, j)] = (z * _h[State(b, t, j)]) + ((1 - z) * _n[Gate(b, t, j)]);
                }
            }
        }

        FinalState = new double[batch * H];
        var output = new double[returnSequences ? batch * steps * H : batch * H];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < H; j++)
            {
                FinalState[(b * H) + j] = _h[State(b, steps, j)];
                for (int t = 0; t < steps && returnSequences; t++)
                {
                    output[Gate(b, t, j)] = _h[State(b, t + 1, j)];
                }
            }
        }

        return returnSequences ? output : (double[])FinalState.Clone();
    }

    /// <summary>dy (B, T, H) or (B, H) like the last Forward's output; sets every *Gradient property (not accumulated).</summary>
    public void Backward(double[] dy)
    {
        int B = _batch, T = _steps, I = InputSize, H = Units;
        if (dy.Length != (_returnSequences ? B * T * H : B * H))
        {
            throw new ArgumentException("dy must match the last Forward's output.", nameof(dy));
        }

        InputGradient = new double[B * T * I];
        KernelGradient = new double[I * 3 * H];
        RecurrentKernelGradient = new double[H * 3 * H];
        BiasGradient = new double[3 * H];
        RecurrentBiasGradient = ResetAfter ? new double[3 * H] : null;
        InitialStateGradient = _hasInitialState ? new double[B * H] : null;

        var da = new double[3, H];   // dLoss/d(pre-activation) of gates z, r, n at one step
        for (int b = 0; b < B; b++)
        {
            var dh = new double[H];  // dLoss/dh_t, carried back through time
            if (!_returnSequences)
            {
                Array.Copy(dy, b * H, dh, 0, H);
            }

            for (int t = T - 1; t >= 0; t--)
            {
                if (_returnSequences)
                {
                    for (int j = 0; j < H; j++)
                    {
                        dh[j] += dy[Gate(b, t, j)];
                    }
                }

                var dhPrev = new double[H];
                for (int j = 0; j < H; j++)
                {
                    double z = _z[Gate(b, t, j)], n = _n[Gate(b, t, j)], hPrev = _h[State(b, t, j)];
                    da[Z, j] = dh[j] * (hPrev - n) * z * (1 - z);
                    da[N, j] = dh[j] * (1 - z) * (1 - (n * n));
                    dhPrev[j] = dh[j] * z;
                }

                // The reset gate and the recurrent side; dhr[g, j] is dLoss/d(U_g h + b_hg) (reset after).
                if (ResetAfter)
                {
                    var dhr = new double[3, H];
                    for (int j = 0; j < H; j++)
                    {
                        double r = _r[Gate(b, t, j)];
                        da[R, j] = da[N, j] * _hn[Gate(b, t, j)] * r * (1 - r);
                        dhr[Z, j] = da[Z, j];
                        dhr[R, j] = da[R, j];
                        dhr[N, j] = da[N, j] * r;
                    }

                    for (int g = 0; g < 3; g++)
                    {
                        for (int j = 0; j < H; j++)
                        {
                            RecurrentBiasGradient![(g * H) + j] += dhr[g, j];
                            for (int k = 0; k < H; k++)
                            {
                                RecurrentKernelGradient[(k * 3 * H) + (g * H) + j] += _h[State(b, t, k)] * dhr[g, j];
                                dhPrev[k] += U(k, g, j) * dhr[g, j];
                            }
                        }
                    }
                }
                else
                {
                    for (int k = 0; k < H; k++)
                    {
                        double r = _r[Gate(b, t, k)], hPrev = _h[State(b, t, k)];
                        double dResetState = 0;   // dLoss/d(r ⊙ h_{t-1})_k
                        for (int j = 0; j < H; j++)
                        {
                            dResetState += U(k, N, j) * da[N, j];
                            RecurrentKernelGradient[(k * 3 * H) + (N * H) + j] += r * hPrev * da[N, j];
                        }

                        da[R, k] = dResetState * hPrev * r * (1 - r);
                        dhPrev[k] += dResetState * r;
                    }

                    for (int g = Z; g <= R; g++)
                    {
                        for (int j = 0; j < H; j++)
                        {
                            for (int k = 0; k < H; k++)
                            {
                                RecurrentKernelGradient[(k * 3 * H) + (g * H) + j] += _h[State(b, t, k)] * da[g, j];
                                dhPrev[k] += U(k, g, j) * da[g, j];
                            }
                        }
                    }
                }

                // The input side, the same for both variants.
                for (int g = 0; g < 3; g++)
                {
                    for (int j = 0; j < H; j++)
                    {
                        BiasGradient[(g * H) + j] += da[g, j];
                        for (int i = 0; i < I; i++)
                        {
                            KernelGradient[(i * 3 * H) + (g * H) + j] += _x[Input(b, t, i)] * da[g, j];
                            InputGradient[Input(b, t, i)] += Kernel[(i * 3 * H) + (g * H) + j] * da[g, j];
                        }
                    }
                }

                dh = dhPrev;
            }

            if (InitialStateGradient is not null)
            {
                Array.Copy(dh, 0, InitialStateGradient, b * H, H);
            }
        }
    }

    private static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));

    // W_g x_t + b_g for unit j (b_ig for reset after, b_g for reset before).
    private double InputPart(int b, int t, int g, int j)
    {
        double sum = Bias[(g * Units) + j];
        for (int i = 0; i < InputSize; i++)
        {
            sum += _x[Input(b, t, i)] * Kernel[(i * 3 * Units) + (g * Units) + j];
        }

        return sum;
    }

    // U_g h_{t-1} for unit j, without bias.
    private double RecurrentPart(int b, int t, int g, int j)
    {
        double sum = 0;
        for (int k = 0; k < Units; k++)
        {
            sum += _h[State(b, t, k)] * U(k, g, j);
        }

        return sum;
    }

    private double U(int k, int g, int j) => RecurrentKernel[(k * 3 * Units) + (g * Units) + j];

    private int Input(int b, int t, int i) => (((b * _steps) + t) * InputSize) + i;

    private int Gate(int b, int t, int j) => (((b * _steps) + t) * Units) + j;

    private int State(int b, int t, int j) => (((b * (_steps + 1)) + t) * Units) + j;
}
