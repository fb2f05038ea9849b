namespace Gated.Training;

/// <summary>
/// Adam (Kingma &amp; Ba) as torch.optim.Adam computes it: m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g²,
/// p −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε). Defaults are Keras's (ε = 1e-7). State: "m", "v".
/// </summary>
public sealed class Adam : Optimizer
{
    private static readonly string[] Buffers = ["m", "v"];

    /// <summary>Adam with a fixed learning rate; β₁, β₂ and ε as in the formula above.</summary>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : this(learningRate, null, beta1, beta2, epsilon)
    {
    }

    /// <summary>Adam whose learning rate follows a schedule.</summary>
    public Adam(LearningRateSchedule schedule, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : this(0f, schedule ?? throw new ArgumentNullException(nameof(schedule)), beta1, beta2, epsilon)
    {
    }

    private Adam(float learningRate, LearningRateSchedule? schedule, float beta1, float beta2, float epsilon)
        : base(learningRate, schedule)
    {
        CheckUnitInterval(beta1, nameof(beta1));
        CheckUnitInterval(beta2, nameof(beta2));
        CheckPositive(epsilon, nameof(epsilon));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <inheritdoc/>
    public override string Name => "adam";

    /// <summary>Decay of the first-moment estimate m (β₁).</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second-moment estimate v (β₂).</summary>
    public float Beta2 { get; }

    /// <summary>Added to √v/√(1−β₂ᵗ) so the step stays finite (ε).</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => Buffers;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() =>
        ConfigWith(("beta_1", Format(Beta1)), ("beta_2", Format(Beta2)), ("epsilon", Format(Epsilon)));

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, float learningRate) =>
        AdamKernel.Step(parameters, gradients, State(0), State(1), step, learningRate, Beta1, Beta2, Epsilon);
}
