using System.Globalization;
using Gated.Tensors;

namespace Gated.Training;

/// <summary>
/// Softmax cross-entropy of logits against integer class targets, as Keras's SparseCategoricalCrossentropy with
/// from_logits=True (Gated's "sparse_categorical_crossentropy" always takes logits: put no softmax before it).
/// Predictions (…, C) are logits; targets (…) or (…, 1) hold class indices as floats. Over the R = (length / C)
/// positions (N samples, or N·T steps for sequence outputs):
///     loss = (1/R) Σ_r [logsumexp(x_r) − x_r[t_r]],     dLoss/dx_r = (softmax(x_r) − onehot(t_r)) / R,
/// with logsumexp(x) = max(x) + log Σ_j exp(x_j − max(x)) so large logits neither overflow nor underflow.
/// With an ignored class (PyTorch's ignore_index; Keras's masked loss over padded steps), positions whose target is
/// that class add nothing and R counts only the others (a batch of nothing else has loss 0).
/// </summary>
public sealed class SparseSoftmaxCrossEntropyLoss : Loss
{
    /// <summary>A loss over every position, or ignoring the positions whose target is <paramref name="ignoreClass"/> (padding).</summary>
    /// <param name="ignoreClass">The class whose positions are left out (PAD = 0 in sequence targets); null for none.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ignoreClass"/> is negative.</exception>
    public SparseSoftmaxCrossEntropyLoss(int? ignoreClass = null)
    {
        if (ignoreClass is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ignoreClass), ignoreClass, "The ignored class must be a class index.");
        }

        IgnoreClass = ignoreClass;
    }

    /// <summary>The class whose positions the loss leaves out, or null.</summary>
    public int? IgnoreClass { get; }

    /// <inheritdoc/>
    public override string Name => "sparse_categorical_crossentropy";

    /// <summary>Targets have the output shape without its last (class) axis, or with that axis as 1.</summary>
    public override void CheckTargetShape(ReadOnlySpan<int> outputShape, ReadOnlySpan<int> targetShape)
    {
        bool ok = outputShape.Length >= 2 && (targetShape.SequenceEqual(outputShape[..^1])
            || (targetShape.Length == outputShape.Length && targetShape[^1] == 1 && targetShape[..^1].SequenceEqual(outputShape[..^1])));
        if (!ok)
        {
            throw new ArgumentException(
                $"Sparse class targets must have the output shape {Tensor.FormatShape(outputShape)} without its class axis " +
                $"{Tensor.FormatShape(outputShape[..^1])} or with it as 1, got {Tensor.FormatShape(targetShape)}.", "y");
        }
    }

    /// <inheritdoc/>
    protected override void CheckLengths(int predictionCount, int targetCount)
    {
        if (targetCount == 0 ? predictionCount != 0 : predictionCount % targetCount != 0)
        {
            throw new ArgumentException(
                $"{predictionCount} logits cannot be split into one row of classes per target ({targetCount} targets).", "targets");
        }
    }

    /// <inheritdoc/>
    protected override double ComputeCore(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradient)
    {
        int rows = targets.Length;
        int classes = predictions.Length / rows;
        CheckClassTargets(targets, classes);

        double sum = 0;
        int counted = rows;
        if (IgnoreClass is int ignored)
        {
            counted = 0;
            foreach (float t in targets)
            {
                counted += (int)t == ignored ? 0 : 1;
            }
        }

        double invRows = counted == 0 ? 0 : 1.0 / counted;
        for (int r = 0; r < rows; r++)
        {
            var x = predictions.Slice(r * classes, classes);
            if (IgnoreClass is int skip && (int)targets[r] == skip)
            {
                if (!gradient.IsEmpty)
                {
                    gradient.Slice(r * classes, classes).Clear();
                }

                continue;
            }

            float max = x[0];
            for (int j = 1; j < classes; j++)
            {
                max = Math.Max(max, x[j]);
            }

            double sumExp = 0;
            for (int j = 0; j < classes; j++)
            {
                sumExp += Math.Exp((double)x[j] - max);
            }

            int label = (int)targets[r];
            sum += max + Math.Log(sumExp) - x[label];
            if (!gradient.IsEmpty)
            {
                var g = gradient.Slice(r * classes, classes);
                for (int j = 0; j < classes; j++)
                {
                    double softmax = Math.Exp((double)x[j] - max) / sumExp;
                    g[j] = (float)((softmax - (j == label ? 1 : 0)) * invRows);
                }
            }
        }

        return sum * invRows;
    }

    /// <summary>Throws ArgumentException naming "targets" at the first target that is not an integer in [0, classes).</summary>
    internal static void CheckClassTargets(ReadOnlySpan<float> targets, int classes)
    {
        for (int r = 0; r < targets.Length; r++)
        {
            float t = targets[r];
            if (!(float.IsInteger(t) && t >= 0 && t < classes))
            {
                throw new ArgumentException(
                    $"targets[{r}] is {t.ToString(CultureInfo.InvariantCulture)}, not a class index in [0, {classes}).", "targets");
            }
        }
    }
}
