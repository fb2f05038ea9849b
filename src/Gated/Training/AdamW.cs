namespace Gated.Training;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov &amp; Hutter), as torch.optim.AdamW: first p *= 1 − lr·λ
/// (that is, p −= lr·λ·p), then the <see cref="Adam"/> step m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g²,
/// p −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε). The decay ignores the gradient, so it shrinks every weight alike.
/// Default weight decay λ = 0.01 as PyTorch (Keras's AdamW defaults to 0.004); ε = 1e-7 as Keras and our Adam
/// (PyTorch 1e-8). State: "m", "v".
/// </summary>
public sealed class AdamW : Optimizer
{
    private static readonly string[] Buffers = ["m", "v"];

    /// <summary>AdamW with a fixed learning rate; λ, β₁, β₂ and ε as in the formula above.</summary>
    public AdamW(float learningRate = 1e-3f, float weightDecay = 0.01f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : this(learningRate, null, weightDecay, beta1, beta2, epsilon)
    {
    }

    /// <summary>AdamW whose learning rate follows a schedule (the decay uses the scheduled rate too, as PyTorch's).</summary>
    public AdamW(LearningRateSchedule schedule, float weightDecay = 0.01f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : this(0f, schedule ?? throw new ArgumentNullException(nameof(schedule)), weightDecay, beta1, beta2, epsilon)
    {
    }

    private AdamW(float learningRate, LearningRateSchedule? schedule, float weightDecay, float beta1, float beta2, float epsilon)
        : base(learningRate, schedule)
    {
        if (!(float.IsFinite(weightDecay) && weightDecay >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be a non-negative finite number.");
        }

        CheckUnitInterval(beta1, nameof(beta1));
        CheckUnitInterval(beta2, nameof(beta2));
        CheckPositive(epsilon, nameof(epsilon));
        WeightDecay = weightDecay;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <inheritdoc/>
    public override string Name => "adamw";

    /// <summary>The decoupled weight decay λ: each update first scales every weight by 1 − lr·λ.</summary>
    public float WeightDecay { get; }

    /// <summary>Decay of the first-moment estimate m (β₁).</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second-moment estimate v (β₂).</summary>
    public float Beta2 { get; }

    /// <summary>Added to √v/√(1−β₂ᵗ) so the step stays finite (ε).</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => Buffers;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => ConfigWith(
        ("weight_decay", Format(WeightDecay)), ("beta_1", Format(Beta1)), ("beta_2", Format(Beta2)), ("epsilon", Format(Epsilon)));

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, float learningRate)
    {
        // PyTorch forms 1 − lr·λ in double and multiplies by it rounded to float.
        float keep = (float)(1 - ((double)learningRate * WeightDecay));
        if (keep != 1f)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] *= keep;
            }
        }

        AdamKernel.Step(parameters, gradients, State(0), State(1), step, learningRate, Beta1, Beta2, Epsilon);
    }
}
