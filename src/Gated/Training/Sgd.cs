namespace Gated.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum, as torch.optim.SGD: b = μb + g, p −= lr·b
/// (the same trajectory as Keras's v = μv − lr·g, p += v while the learning rate is constant).
/// </summary>
public sealed class Sgd : Optimizer
{
    private float[] _velocity = [];

    public Sgd(float learningRate = 0.01f, float momentum = 0f)
        : base(learningRate)
    {
        if (!(momentum >= 0 && momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        }

        Momentum = momentum;
    }

    public override string Name => "sgd";

    public float Momentum { get; }

    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
    {
        float lr = LearningRate;
        if (Momentum == 0)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] -= lr * gradients[i];
            }

            return;
        }

        if (_velocity.Length != parameters.Length)
        {
            _velocity = new float[parameters.Length];
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            float b = _velocity[i] = (Momentum * _velocity[i]) + gradients[i];
            parameters[i] -= lr * b;
        }
    }
}
