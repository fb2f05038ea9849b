using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Tensors;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

/// <summary>The classification losses and accuracies inside a real Fit: logs under Keras's names, and learning happens.</summary>
public sealed class ClassificationFitTests
{
    [Fact]
    public void SparseCrossEntropyLearnsThreeClasses()
    {
        var (x, y) = TinyProblem.ThreeClasses(samples: 90);
        var model = TinyProblem.Model(seed: 3, outputs: 3);
        model.Compile(new Adam(0.03f), Loss.SparseSoftmaxCrossEntropy, new SparseCategoricalAccuracy());
        var history = model.Fit(x, y, epochs: 25, batchSize: 10, validationSplit: 0.2, seed: 1);

        Assert.Equal(["accuracy", "loss", "val_accuracy", "val_loss"], history.Keys.Order(StringComparer.Ordinal));
        Assert.True(history.Loss[^1] < 0.6 * history.Loss[0], $"loss {history.Loss[0]:g4} → {history.Loss[^1]:g4}");
        Assert.True(history.Get("accuracy")[^1] > 0.7, $"accuracy {history.Get("accuracy")[^1]:g4}");

        // Targets with a trailing axis of 1 are the same problem.
        var column = new Tensor((float[])y.Data.Clone(), y.Shape[0], 1);
        Assert.Equal(model.Evaluate(x, y), model.Evaluate(x, column));
    }

    [Fact]
    public void SparseCrossEntropyScoresEveryStepOfASequenceOutput()
    {
        // Per-step class: whether the running feature difference is positive, (N, T) targets for (N, T, 2) logits.
        var (x, _) = TinyProblem.Regression(samples: 40, seed: 8);
        var y = new Tensor(40, TinyProblem.Steps);
        for (int n = 0; n < 40; n++)
        {
            float sum = 0;
            for (int t = 0; t < TinyProblem.Steps; t++)
            {
                int at = ((n * TinyProblem.Steps) + t) * TinyProblem.Features;
                sum += x.Data[at] - x.Data[at + 1];
                y.Data[(n * TinyProblem.Steps) + t] = sum > 0 ? 1f : 0f;
            }
        }

        var model = new Sequential(new Layer[] { new Gru(6, returnSequences: true), new Dense(2) });
        model.Build([TinyProblem.Steps, TinyProblem.Features], seed: 5);
        model.Compile(new Adam(0.03f), Loss.SparseSoftmaxCrossEntropy, new SparseCategoricalAccuracy());
        var history = model.Fit(x, y, epochs: 20, batchSize: 8, seed: 2);
        Assert.True(history.Loss[^1] < 0.6 * history.Loss[0], $"loss {history.Loss[0]:g4} → {history.Loss[^1]:g4}");
        Assert.True(history.Get("accuracy")[^1] > 0.8, $"accuracy {history.Get("accuracy")[^1]:g4}");
    }

    [Fact]
    public void BinaryCrossEntropyFromLogitsLearnsTheSign()
    {
        var (x, y) = TinyProblem.Binary(samples: 60);
        var model = TinyProblem.Model(seed: 4);
        model.Compile(new RmsProp(0.01f), Loss.BinaryCrossEntropyFromLogits, new BinaryAccuracy(fromLogits: true));
        var history = model.Fit(x, y, epochs: 20, batchSize: 10, validationSplit: 0.25, seed: 3);
        Assert.True(history.Loss[^1] < 0.7 * history.Loss[0], $"loss {history.Loss[0]:g4} → {history.Loss[^1]:g4}");
        Assert.True(history.Get("val_accuracy")[^1] > 0.75, $"val_accuracy {history.Get("val_accuracy")[^1]:g4}");
    }

    [Fact]
    public void BadClassTargetsStopFitWithThePosition()
    {
        var (x, y) = TinyProblem.ThreeClasses();
        y.Data[7] = 3f;
        var model = TinyProblem.Model(outputs: 3);
        model.Compile(new Adam(), Loss.SparseSoftmaxCrossEntropy);
        var e = Assert.Throws<ArgumentException>(() => model.Evaluate(x, y, batchSize: 100));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("targets[7] is 3", e.Message, StringComparison.Ordinal);
    }
}
