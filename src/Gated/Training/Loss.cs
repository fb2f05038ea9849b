namespace Gated.Training;

/// <summary>
/// A loss averaged over the batch (every element, or every sample for class targets), with its gradient with
/// respect to the predictions.
/// </summary>
public abstract class Loss
{
    /// <summary>mean((p − t)²), Keras's "mse".</summary>
    public static Loss MeanSquaredError { get; } = new MeanSquaredErrorLoss();

    /// <summary>mean(|p − t|), Keras's "mae".</summary>
    public static Loss MeanAbsoluteError { get; } = new MeanAbsoluteErrorLoss();

    /// <summary>Softmax cross-entropy of logits against integer class targets; see <see cref="SparseSoftmaxCrossEntropyLoss"/>.</summary>
    public static Loss SparseSoftmaxCrossEntropy { get; } = new SparseSoftmaxCrossEntropyLoss();

    /// <summary>Binary cross-entropy of probabilities (Keras clips them to [1e-7, 1 − 1e-7]); see <see cref="BinaryCrossEntropyLoss"/>.</summary>
    public static Loss BinaryCrossEntropy { get; } = new BinaryCrossEntropyLoss(fromLogits: false);

    /// <summary>Binary cross-entropy of logits, computed stably; see <see cref="BinaryCrossEntropyLoss"/>.</summary>
    public static Loss BinaryCrossEntropyFromLogits { get; } = new BinaryCrossEntropyLoss(fromLogits: true);

    /// <summary>Short name as Keras spells it: "mse", "mae", "huber", "binary_crossentropy", ...</summary>
    public abstract string Name { get; }

    /// <summary>The Huber loss with the given threshold; see <see cref="HuberLoss"/>.</summary>
    public static HuberLoss Huber(float delta = 1f) => new(delta);

    /// <summary>
    /// The loss Keras calls name ("mse", "huber", ...), or a pinball loss written as its ToString,
    /// "pinball(quantiles=0.1,0.5,0.9)"; ArgumentException (naming name) listing the known names otherwise.
    /// </summary>
    public static Loss FromName(string name) => PinballLoss.TryParse(name ?? throw new ArgumentNullException(nameof(name))) ?? name switch
    {
        "mse" or "mean_squared_error" => MeanSquaredError,
        "mae" or "mean_absolute_error" => MeanAbsoluteError,
        "huber" => Huber(),
        "sparse_categorical_crossentropy" => SparseSoftmaxCrossEntropy,
        "binary_crossentropy" => BinaryCrossEntropy,
        "binary_crossentropy_from_logits" => BinaryCrossEntropyFromLogits,
        _ => throw new ArgumentException(
            $"Unknown loss '{name}'; known: mse, mae, huber, sparse_categorical_crossentropy, binary_crossentropy, binary_crossentropy_from_logits, pinball(quantiles=q1,q2,…).",
            nameof(name)),
    };

    /// <summary>
    /// Returns the mean loss; when gradient is not empty, writes dLoss/dPrediction into it (same length as predictions).
    /// </summary>
    public double Compute(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradient)
    {
        CheckLengths(predictions.Length, targets.Length);
        if (!gradient.IsEmpty && gradient.Length != predictions.Length)
        {
            throw new ArgumentException("Gradient must be empty or as long as the predictions.", nameof(gradient));
        }

        if (predictions.IsEmpty)
        {
            throw new ArgumentException("Cannot compute a loss over zero values.", nameof(predictions));
        }

        return ComputeCore(predictions, targets, gradient);
    }

    /// <summary>The loss's <see cref="Name"/>, with its arguments when it has any: what checkpoints store.</summary>
    public override string ToString() => Name;

    /// <summary>
    /// Throws ArgumentException (naming "y") unless targets of this shape fit model outputs of outputShape; both
    /// include the batch axis. By default the shapes must be equal; sparse class targets override this.
    /// </summary>
    public virtual void CheckTargetShape(ReadOnlySpan<int> outputShape, ReadOnlySpan<int> targetShape)
    {
        if (!outputShape.SequenceEqual(targetShape))
        {
            throw new ArgumentException(
                $"Targets must have the model's output shape {Tensors.Tensor.FormatShape(outputShape)}, got {Tensors.Tensor.FormatShape(targetShape)}.", "y");
        }
    }

    /// <summary>
    /// Throws ArgumentException (naming "targets") unless this many targets fit this many predictions. By default
    /// the counts must be equal; sparse class targets override this.
    /// </summary>
    protected virtual void CheckLengths(int predictionCount, int targetCount)
    {
        if (predictionCount != targetCount)
        {
            throw new ArgumentException($"Predictions have {predictionCount} values but targets have {targetCount}.", "targets");
        }
    }

    /// <summary>The mean loss over checked, non-empty spans; fills gradient unless it is empty.</summary>
    protected abstract double ComputeCore(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradient);

    /// <summary>mean((p − t)²); gradient 2(p − t)/n.</summary>
    private sealed class MeanSquaredErrorLoss : Loss
    {
        public override string Name => "mse";

        protected override double ComputeCore(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradient)
        {
            double sum = 0;
            float scale = 2f / predictions.Length;
            for (int i = 0; i < predictions.Length; i++)
            {
                float diff = predictions[i] - targets[i];
                sum += (double)diff * diff;
                if (!gradient.IsEmpty)
                {
                    gradient[i] = scale * diff;
                }
            }

            return sum / predictions.Length;
        }
    }

    /// <summary>mean(|p − t|); gradient sign(p − t)/n, zero where they are equal.</summary>
    private sealed class MeanAbsoluteErrorLoss : Loss
    {
        public override string Name => "mae";

        protected override double ComputeCore(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradient)
        {
            double sum = 0;
            float scale = 1f / predictions.Length;
            for (int i = 0; i < predictions.Length; i++)
            {
                float diff = predictions[i] - targets[i];
                sum += Math.Abs(diff);
                if (!gradient.IsEmpty)
                {
                    gradient[i] = scale * MathF.Sign(diff);
                }
            }

            return sum / predictions.Length;
        }
    }
}
