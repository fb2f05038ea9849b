namespace Gated.Training;

/// <summary>
/// Adam (Kingma &amp; Ba) as torch.optim.Adam computes it: m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g²,
/// p −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε). Defaults are Keras's (ε = 1e-7).
/// </summary>
public sealed class Adam : Optimizer
{
    private float[] _m = [];
    private float[] _v = [];

    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : base(learningRate)
    {
        CheckUnitInterval(beta1, nameof(beta1));
        CheckUnitInterval(beta2, nameof(beta2));
        if (!float.IsFinite(epsilon) || epsilon <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be a positive finite number.");
        }

        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    public override string Name => "adam";

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
    {
        if (_m.Length != parameters.Length)
        {
            _m = new float[parameters.Length];
            _v = new float[parameters.Length];
        }

        double correction1 = 1 - Math.Pow(Beta1, step);
        double correction2 = 1 - Math.Pow(Beta2, step);
        float stepSize = (float)(LearningRate / correction1);
        float rootCorrection2 = (float)Math.Sqrt(correction2);
        float b1 = Beta1, b2 = Beta2, eps = Epsilon;
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradients[i];
            float m = _m[i] = (b1 * _m[i]) + ((1 - b1) * g);
            float v = _v[i] = (b2 * _v[i]) + ((1 - b2) * g * g);
            parameters[i] -= stepSize * m / ((MathF.Sqrt(v) / rootCorrection2) + eps);
        }
    }

    private static void CheckUnitInterval(float value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be in [0, 1).");
        }
    }
}
