using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Models;

public sealed class SequentialTests
{
    [Theory]
    [InlineData(GruVariant.ResetAfter, 2)]
    [InlineData(GruVariant.ResetBefore, 1)]
    public void SummaryCountsMatchTheDesignFormulas(GruVariant variant, int biasesPerGate)
    {
        var model = new Sequential(new Gru(50, returnSequences: true, variant), new Gru(50, variant: variant), new Dense(1));
        model.Build([100, 1]);

        // 3H(I + H + 2) with reset after, 3H(I + H + 1) with reset before; Dense F·U + U.
        long first = 3 * 50 * (1 + 50 + biasesPerGate);
        long second = 3 * 50 * (50 + 50 + biasesPerGate);
        long total = first + second + 51;
        Assert.Equal(total, model.ParameterCount);
        string summary = model.Summary();
        Assert.Contains($"gru (GRU)", summary, StringComparison.Ordinal);
        Assert.Contains("(None, 100, 50)", summary, StringComparison.Ordinal);
        Assert.Contains("gru_1 (GRU)", summary, StringComparison.Ordinal);
        Assert.Contains("(None, 50)", summary, StringComparison.Ordinal);
        Assert.Contains($"{first:N0}", summary, StringComparison.Ordinal);
        Assert.Contains($"{second:N0}", summary, StringComparison.Ordinal);
        Assert.Contains($"Total params: {total:N0}", summary, StringComparison.Ordinal);
        Assert.Equal(variant == GruVariant.ResetAfter ? 23_301 : 23_001, total);
    }

    [Fact]
    public void KerasInitialisationGivesGlorotKernelsOrthogonalRecurrentAndZeroBiases()
    {
        var gru = new Gru(8);
        gru.Build([5, 3], new SeededRandom(4));
        float limit = MathF.Sqrt(6f / (3 + 24));
        Assert.All(gru.Parameters[0].Values.ToArray(), v => Assert.InRange(v, -limit, limit));
        Assert.All(gru.Parameters[2].Values.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(gru.Parameters[3].Values.ToArray(), v => Assert.Equal(0f, v));

        // recurrent_kernel is (8, 24): rows orthonormal.
        var u = gru.Parameters[1].Values.ToArray();
        for (int a = 0; a < 8; a++)
        {
            for (int b = 0; b < 8; b++)
            {
                double dot = 0;
                for (int j = 0; j < 24; j++)
                {
                    dot += u[(a * 24) + j] * u[(b * 24) + j];
                }

                Assert.Equal(a == b ? 1.0 : 0.0, dot, 5);
            }
        }
    }

    [Fact]
    public void PyTorchInitialisationDrawsEverythingFromTheUnitsBound()
    {
        var gru = new Gru(16, init: WeightInit.PyTorch);
        gru.Build([4, 2], new SeededRandom(1));
        float bound = 1f / MathF.Sqrt(16);
        foreach (var p in gru.Parameters)
        {
            float[] values = p.Values.ToArray();
            Assert.All(values, v => Assert.InRange(v, -bound, bound));
            Assert.True(values.Max() > bound * 0.8f && values.Min() < -bound * 0.8f, p.Name);
        }
    }

    [Fact]
    public void ParametersLiveInOneFlatBufferInLayerOrder()
    {
        var model = new Sequential(new Gru(3), new Dense(2));
        model.Build([4, 2], seed: 9);
        var gru = model.Layers[0];
        gru.Parameters[1].Values[0] = 123f;
        int offset = gru.Parameters[0].Length;
        Assert.Equal(123f, model.ParameterValues[offset]);
        Assert.Equal(model.ParameterCount, model.Layers.Sum(l => l.ParameterCount));
    }

    [Fact]
    public void FitValidatesOnTheLastSamplesAndReportsSampleWeightedLosses()
    {
        var (x, y) = Problem(50, seed: 2);
        var model = NewModel();
        var history = model.Fit(x, y, epochs: 2, batchSize: 16, validationSplit: 0.2, shuffle: true, seed: 5);
        Assert.Equal(2, history.Epochs);
        Assert.Equal(2, history.ValidationLoss.Count);

        // Keras semantics: validation is the last 20% (10 samples), evaluated after the epoch.
        double expected = model.Evaluate(x.SliceBatch(40, 10), y.SliceBatch(40, 10), batchSize: 3);
        Assert.Equal(expected, history.ValidationLoss[^1], 6);
    }

    [Fact]
    public void TrainingReducesTheLossOnALearnableProblem()
    {
        var (x, y) = Problem(64, seed: 3);
        var model = NewModel();
        double before = model.Evaluate(x, y);
        var history = model.Fit(x, y, epochs: 30, batchSize: 16, seed: 1);
        double after = model.Evaluate(x, y);
        Assert.True(after < before * 0.2, $"loss {before} → {after}");
        Assert.True(history.Loss[^1] < history.Loss[0]);
    }

    [Fact]
    public void FitRejectsASplitThatLeavesNoTrainingData()
    {
        // Keras's rule: floor(n · (1 − split)) samples train; with one sample and a split of 0.5 none would.
        var (x, y) = Problem(1, seed: 1);
        var model = NewModel();
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, validationSplit: 0.5));
        Assert.Equal("validationSplit", e.ParamName);
    }

    [Fact]
    public void MismatchedTargetsNameTheArgument()
    {
        var (x, _) = Problem(8, seed: 1);
        var model = NewModel();
        var e = Assert.Throws<ArgumentException>(() => model.TrainOnBatch(x, new Tensor(7, 1)));
        Assert.Equal("y", e.ParamName);
    }

    [Fact]
    public void TokenModelsAcceptAnySequenceLengthAndFollowItInTheirOutput()
    {
        var model = new Sequential(new Embedding(10, 4), new Gru(5, returnSequences: true), new TimeDistributed(new Dense(10)));
        model.Build([100], seed: 3);
        var tokens = new Tensor([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var output = model.Predict(tokens);
        Assert.Equal([2, 3, 10], output.Shape);

        // The first step's output cannot depend on later steps, so it matches a one-step run.
        var first = model.Predict(new Tensor([1f, 4f], 2, 1));
        for (int b = 0; b < 2; b++)
        {
            for (int c = 0; c < 10; c++)
            {
                Assert.Equal(first[b, 0, c], output[b, 0, c], 6);
            }
        }
    }

    private static Sequential NewModel()
    {
        var model = new Sequential(new Gru(8), new Dense(1));
        model.Build([6, 1], seed: 7);
        model.Compile(new Adam(0.02f), Loss.MeanSquaredError);
        return model;
    }

    // Target: the mean of the sequence, which a GRU learns quickly.
    private static (Tensor X, Tensor Y) Problem(int samples, ulong seed)
    {
        var random = new SeededRandom(seed);
        var x = new Tensor(samples, 6, 1);
        var y = new Tensor(samples, 1);
        for (int i = 0; i < samples; i++)
        {
            float sum = 0;
            for (int t = 0; t < 6; t++)
            {
                float v = random.NextUniform(-1, 1);
                x[i, t, 0] = v;
                sum += v;
            }

            y[i, 0] = sum / 6;
        }

        return (x, y);
    }
}
