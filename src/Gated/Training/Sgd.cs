namespace Gated.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum, as torch.optim.SGD: b = μb + g, p −= lr·b
/// (the same trajectory as Keras's v = μv − lr·g, p += v while the learning rate is constant).
/// With nesterov (PyTorch's formula): b = μb + g, g' = g + μb, p −= lr·g' (Keras's v = μv − lr·g,
/// p += μv − lr·g is again the same while the rate is constant). State: "momentum" when μ &gt; 0.
/// </summary>
public sealed class Sgd : Optimizer
{
    private static readonly string[] MomentumBuffer = ["momentum"];

    /// <summary>SGD with a fixed learning rate, optional momentum and Nesterov's variant.</summary>
    public Sgd(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false)
        : this(learningRate, null, momentum, nesterov)
    {
    }

    /// <summary>SGD whose learning rate follows a schedule.</summary>
    public Sgd(LearningRateSchedule schedule, float momentum = 0f, bool nesterov = false)
        : this(0f, schedule ?? throw new ArgumentNullException(nameof(schedule)), momentum, nesterov)
    {
    }

    private Sgd(float learningRate, LearningRateSchedule? schedule, float momentum, bool nesterov)
        : base(learningRate, schedule)
    {
        if (!(momentum >= 0 && momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        }

        if (nesterov && momentum == 0)
        {
            throw new ArgumentException("Nesterov momentum needs a momentum above 0.", nameof(nesterov));
        }

        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <inheritdoc/>
    public override string Name => "sgd";

    /// <summary>Momentum μ; 0 for plain SGD.</summary>
    public float Momentum { get; }

    /// <summary>Whether the update uses Nesterov's look-ahead gradient.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => Momentum == 0 ? [] : MomentumBuffer;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() =>
        ConfigWith(("momentum", Format(Momentum)), ("nesterov", Format(Nesterov)));

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, float learningRate)
    {
        float lr = learningRate;
        if (Momentum == 0)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] -= lr * gradients[i];
            }

            return;
        }

        var velocity = State(0);
        float mu = Momentum;
        if (Nesterov)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                float g = gradients[i];
                float b = velocity[i] = (mu * velocity[i]) + g;
                parameters[i] -= lr * (g + (mu * b));
            }

            return;
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            float b = velocity[i] = (mu * velocity[i]) + gradients[i];
            parameters[i] -= lr * b;
        }
    }
}
