namespace Gated.Tests.Reference;

/// <summary>
/// The LSTM of Keras and PyTorch in double precision, one sample, one step, one unit at a time:
///     i = σ(W_i x + U_i h + b_i),  f = σ(W_f x + U_f h + b_f),  g = tanh(W_g x + U_g h + b_g),  o = σ(W_o x + U_o h + b_o)
///     c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
/// b is bias, plus recurrent_bias when given (PyTorch's b_ih + b_hh). Weights in Gated's layout, gate blocks
/// i, f, g, o: kernel (I, 4H), recurrent_kernel (H, 4H), bias (4H), recurrent_bias (4H) optional.
/// States: h, then c. The recurrent kernel sees h ⊙ m_h (recurrent dropout); c is never dropped.
/// </summary>
public sealed class ReferenceLstm(int inputSize, int units, IReadOnlyDictionary<string, double[]> weights, bool returnSequences = true, bool goBackwards = false)
    : ReferenceRecurrent(inputSize, units, 4, 2, returnSequences, goBackwards, weights)
{
    private const int InputGate = 0, ForgetGate = 1, Candidate = 2, OutputGate = 3;

    protected override object StepForward(double[] x, double[] previous, double[] recurrentInput, double[] next)
    {
        int H = Units;
        var cache = new Cache(x, recurrentInput, previous[H..], new double[4, H], new double[H]);
        for (int j = 0; j < H; j++)
        {
            for (int gate = 0; gate < 4; gate++)
            {
                double a = InputPart(x, gate, j) + RecurrentPart(recurrentInput, gate, j);
                if (Weights.TryGetValue("recurrent_bias", out var rb))
                {
                    a += rb[(gate * H) + j];
                }

                cache.Gates[gate, j] = gate == Candidate ? Math.Tanh(a) : Sigmoid(a);
            }

            double c = (cache.Gates[ForgetGate, j] * cache.CellPrevious[j]) + (cache.Gates[InputGate, j] * cache.Gates[Candidate, j]);
            cache.CellTanh[j] = Math.Tanh(c);
            next[j] = cache.Gates[OutputGate, j] * cache.CellTanh[j];
            next[H + j] = c;
        }

        return cache;
    }

    protected override void StepBackward(object state, double[] dNext, double[] dx, double[] dPrevious, double[] dRecurrentInput)
    {
        var cache = (Cache)state;
        int H = Units;
        for (int j = 0; j < H; j++)
        {
            double i = cache.Gates[InputGate, j], f = cache.Gates[ForgetGate, j], g = cache.Gates[Candidate, j], o = cache.Gates[OutputGate, j];
            double tc = cache.CellTanh[j], dh = dNext[j];
            double dc = dNext[H + j] + (dh * o * (1 - (tc * tc)));
            var da = new double[4];
            da[InputGate] = dc * g * i * (1 - i);
            da[ForgetGate] = dc * cache.CellPrevious[j] * f * (1 - f);
            da[Candidate] = dc * i * (1 - (g * g));
            da[OutputGate] = dh * tc * o * (1 - o);
            dPrevious[H + j] = dc * f;
            for (int gate = 0; gate < 4; gate++)
            {
                BackInputPart(cache.X, gate, j, da[gate], dx);
                BackRecurrentPart(cache.RecurrentInput, gate, j, da[gate], dRecurrentInput);
                if (ParameterGradients.TryGetValue("recurrent_bias", out var drb))
                {
                    drb[(gate * H) + j] += da[gate];
                }
            }
        }
    }

    private sealed record Cache(double[] X, double[] RecurrentInput, double[] CellPrevious, double[,] Gates, double[] CellTanh);
}
