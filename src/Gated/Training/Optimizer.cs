namespace Gated.Training;

/// <summary>
/// Updates a model's flat parameter buffer from its flat gradient buffer. Optional clipping by global norm
/// (Keras's global_clipnorm): when ‖g‖₂ over all parameters exceeds the limit, g is scaled to that norm.
/// </summary>
public abstract class Optimizer
{
    private float _learningRate;
    private float? _globalClipNorm;

    protected Optimizer(float learningRate)
    {
        LearningRate = learningRate;
    }

    public abstract string Name { get; }

    public float LearningRate
    {
        get => _learningRate;
        set
        {
            if (!float.IsFinite(value) || value <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "Learning rate must be a positive finite number.");
            }

            _learningRate = value;
        }
    }

    /// <summary>Largest allowed L2 norm of all gradients together; null means no clipping.</summary>
    public float? GlobalClipNorm
    {
        get => _globalClipNorm;
        init
        {
            if (value is float v && (!float.IsFinite(v) || v <= 0))
            {
                throw new ArgumentOutOfRangeException(nameof(GlobalClipNorm), v, "Clip norm must be a positive finite number.");
            }

            _globalClipNorm = value;
        }
    }

    /// <summary>How many updates have been applied.</summary>
    public long Iterations { get; private set; }

    /// <summary>Applies one update. Gradients may be scaled in place by clipping.</summary>
    public void Step(Span<float> parameters, Span<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"{parameters.Length} parameters but {gradients.Length} gradients.", nameof(gradients));
        }

        if (GlobalClipNorm is float limit)
        {
            ClipByGlobalNorm(gradients, limit);
        }

        Iterations++;
        Update(parameters, gradients, Iterations);
    }

    /// <summary>Scales g by limit/‖g‖ when ‖g‖ &gt; limit; returns the norm before clipping.</summary>
    public static double ClipByGlobalNorm(Span<float> gradients, float limit)
    {
        double squares = 0;
        foreach (float g in gradients)
        {
            squares += (double)g * g;
        }

        double norm = Math.Sqrt(squares);
        if (norm > limit)
        {
            float scale = (float)(limit / norm);
            for (int i = 0; i < gradients.Length; i++)
            {
                gradients[i] *= scale;
            }
        }

        return norm;
    }

    /// <summary>One update; step counts from 1.</summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step);
}
