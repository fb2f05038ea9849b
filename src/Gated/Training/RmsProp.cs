namespace Gated.Training;

/// <summary>
/// RMSprop (Hinton 2012) exactly as Keras 3's keras.optimizers.RMSprop updates:
///     v = ρv + (1−ρ)g²
///     centered: a = ρa + (1−ρ)g, d = v − a² + ε;   otherwise d = v + ε
///     Δ = lr·g / √d
///     momentum μ &gt; 0: b = μb + Δ, p −= b;   otherwise p −= Δ.
/// Unlike torch.optim.RMSprop, ε sits inside the square root (PyTorch divides by √v + ε, or √(v − a²) + ε), and the
/// learning rate is applied before the momentum buffer (PyTorch: b = μb + g/(√v + ε), p −= lr·b), which differs
/// once the rate changes. Defaults are Keras's: ρ = 0.9, μ = 0, ε = 1e-7 (PyTorch: α = 0.99, ε = 1e-8).
/// State: "velocity", then "momentum" when μ &gt; 0, then "average_gradient" when centered.
/// </summary>
public sealed class RmsProp : Optimizer
{
    private readonly string[] _buffers;

    /// <summary>RMSprop with a fixed learning rate; ρ, μ, ε and centering as in the formulas above.</summary>
    public RmsProp(float learningRate = 1e-3f, float rho = 0.9f, float momentum = 0f, float epsilon = 1e-7f, bool centered = false)
        : this(learningRate, null, rho, momentum, epsilon, centered)
    {
    }

    /// <summary>RMSprop whose learning rate follows a schedule.</summary>
    public RmsProp(LearningRateSchedule schedule, float rho = 0.9f, float momentum = 0f, float epsilon = 1e-7f, bool centered = false)
        : this(0f, schedule ?? throw new ArgumentNullException(nameof(schedule)), rho, momentum, epsilon, centered)
    {
    }

    private RmsProp(float learningRate, LearningRateSchedule? schedule, float rho, float momentum, float epsilon, bool centered)
        : base(learningRate, schedule)
    {
        CheckUnitInterval(rho, nameof(rho));
        CheckUnitInterval(momentum, nameof(momentum));
        CheckPositive(epsilon, nameof(epsilon));
        Rho = rho;
        Momentum = momentum;
        Epsilon = epsilon;
        Centered = centered;
        var buffers = new List<string> { "velocity" };
        if (momentum > 0)
        {
            buffers.Add("momentum");
        }

        if (centered)
        {
            buffers.Add("average_gradient");
        }

        _buffers = [.. buffers];
    }

    /// <inheritdoc/>
    public override string Name => "rmsprop";

    /// <summary>Decay of the squared-gradient average v (ρ).</summary>
    public float Rho { get; }

    /// <summary>Momentum μ; 0 for none.</summary>
    public float Momentum { get; }

    /// <summary>Added to v (or v − a²) inside the square root (ε).</summary>
    public float Epsilon { get; }

    /// <summary>Whether the gradient's mean a is subtracted (centered RMSprop).</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => _buffers;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => ConfigWith(
        ("rho", Format(Rho)), ("momentum", Format(Momentum)), ("epsilon", Format(Epsilon)), ("centered", Format(Centered)));

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, float learningRate)
    {
        float rho = Rho, oneMinusRho = 1 - Rho, mu = Momentum, eps = Epsilon, lr = learningRate;
        var velocity = State(0);
        var momentum = mu > 0 ? State(1) : [];
        var average = Centered ? State(_buffers.Length - 1) : [];
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradients[i];
            float v = velocity[i] = (rho * velocity[i]) + (oneMinusRho * g * g);
            float denominator;
            if (Centered)
            {
                float a = average[i] = (rho * average[i]) + (oneMinusRho * g);
                denominator = v - (a * a) + eps;
            }
            else
            {
                denominator = v + eps;
            }

            float increment = lr * g / MathF.Sqrt(denominator);
            if (mu > 0)
            {
                float b = momentum[i] = (mu * momentum[i]) + increment;
                parameters[i] -= b;
            }
            else
            {
                parameters[i] -= increment;
            }
        }
    }
}
