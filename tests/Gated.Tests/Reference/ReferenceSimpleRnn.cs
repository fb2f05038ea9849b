namespace Gated.Tests.Reference;

/// <summary>
/// The Elman RNN in double precision: h' = act(W x + U h + b), act tanh or ReLU (PyTorch nn.RNN, Keras SimpleRNN).
/// b is bias, plus recurrent_bias when given (PyTorch's b_ih + b_hh). Weights in Gated's layout: kernel (I, H),
/// recurrent_kernel (H, H), bias (H), recurrent_bias (H) optional.
/// </summary>
public sealed class ReferenceSimpleRnn(int inputSize, int units, IReadOnlyDictionary<string, double[]> weights, bool relu = false, bool returnSequences = true, bool goBackwards = false)
    : ReferenceRecurrent(inputSize, units, 1, 1, returnSequences, goBackwards, weights)
{
    public bool Relu { get; } = relu;

    /// <summary>The smallest |pre-activation| of any real step since construction: how far ReLU stays from its kink, for finite differences.</summary>
    public double SmallestPreActivation { get; private set; } = double.PositiveInfinity;

    protected override object StepForward(double[] x, double[] previous, double[] recurrentInput, double[] next)
    {
        var cache = new Cache(x, recurrentInput, new double[Units]);
        for (int j = 0; j < Units; j++)
        {
            double a = InputPart(x, 0, j) + RecurrentPart(recurrentInput, 0, j);
            if (Weights.TryGetValue("recurrent_bias", out var rb))
            {
                a += rb[j];
            }

            SmallestPreActivation = Math.Min(SmallestPreActivation, Math.Abs(a));
            cache.Output[j] = next[j] = Relu ? Math.Max(a, 0) : Math.Tanh(a);
        }

        return cache;
    }

    protected override void StepBackward(object state, double[] dNext, double[] dx, double[] dPrevious, double[] dRecurrentInput)
    {
        var cache = (Cache)state;
        for (int j = 0; j < Units; j++)
        {
            double y = cache.Output[j];
            double da = Relu ? (y > 0 ? dNext[j] : 0) : dNext[j] * (1 - (y * y));
            BackInputPart(cache.X, 0, j, da, dx);
            BackRecurrentPart(cache.RecurrentInput, 0, j, da, dRecurrentInput);
            if (ParameterGradients.TryGetValue("recurrent_bias", out var drb))
            {
                drb[j] += da;
            }
        }
    }

    private sealed record Cache(double[] X, double[] RecurrentInput, double[] Output);
}
