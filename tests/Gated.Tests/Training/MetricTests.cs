using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

/// <summary>Each metric on fixed values, pooled exactly across uneven batches (not a mean of batch scores).</summary>
public sealed class MetricTests
{
    [Fact]
    public void BinaryAccuracyThresholdsProbabilitiesAtOneHalf()
    {
        var metric = new BinaryAccuracy();
        Assert.Equal("accuracy", metric.Name);
        Assert.Equal(0, metric.Result());

        // 0.5 is not above the threshold, so it predicts 0 (Keras compares with >).
        metric.Update([0.9f, 0.5f, 0.2f], [1f, 1f, 0f], samples: 3);     // 2 of 3
        metric.Update([0.7f], [0f], samples: 1);                          // 0 of 1
        Assert.Equal(2.0 / 4, metric.Result(), 15);                       // not (2/3 + 0)/2
        metric.Reset();
        metric.Update([0.6f, 0.1f], [1f, 0f], samples: 1);
        Assert.Equal(1.0, metric.Result());
    }

    [Fact]
    public void BinaryAccuracyOnLogitsThresholdsAtZero()
    {
        var metric = new BinaryAccuracy(fromLogits: true);
        Assert.Equal(0f, metric.Threshold);
        metric.Update([0.1f, -0.1f, 0f, 3f], [1f, 0f, 1f, 0f], samples: 2);
        Assert.Equal(0.5, metric.Result(), 15);
        Assert.Equal(0.3f, new BinaryAccuracy(threshold: 0.3f).Threshold);
    }

    [Fact]
    public void BinaryAccuracyRefusesTargetsOtherThanZeroOrOne()
    {
        var e = Assert.Throws<ArgumentException>(() => new BinaryAccuracy().Update([0.5f, 0.5f], [1f, 0.5f], 2));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("targets[1]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SparseCategoricalAccuracyComparesTheArgmaxWithTheClass()
    {
        var metric = new SparseCategoricalAccuracy();
        Assert.Equal("accuracy", metric.Name);

        // Rows of 3 classes; the tie in the last row goes to the first largest (class 0).
        metric.Update([0.1f, 2f, 0.3f, 5f, -1f, 4f, 1f, 1f, 0f], [1f, 2f, 0f], samples: 3);   // 2 of 3
        metric.Update([-3f, -2f, -1f], [2f], samples: 1);                                      // 1 of 1
        Assert.Equal(3.0 / 4, metric.Result(), 15);
    }

    [Fact]
    public void SparseCategoricalAccuracyCountsEveryStepOfASequence()
    {
        // (N=1, T=2, C=2) predictions with (1, 2) targets: each step is one position.
        var metric = new SparseCategoricalAccuracy();
        metric.Update([0f, 1f, 1f, 0f], [1f, 1f], samples: 1);
        Assert.Equal(0.5, metric.Result(), 15);
        Assert.Throws<ArgumentException>(() => metric.Update([0f, 1f, 1f], [1f, 1f], samples: 1));
        var e = Assert.Throws<ArgumentException>(() => metric.Update([0f, 1f, 1f, 0f], [1f, 2f], samples: 1));
        Assert.Equal("targets", e.ParamName);
    }

    [Fact]
    public void RootMeanSquaredErrorPoolsSquaresAcrossBatches()
    {
        var metric = new RootMeanSquaredErrorMetric();
        Assert.Equal("rmse", metric.Name);
        metric.Update([1f, 5f], [4f, 1f], samples: 2);   // squares 9, 16
        metric.Update([0f], [1f], samples: 1);           // 1
        Assert.Equal(Math.Sqrt(26.0 / 3), metric.Result(), 15);
        Assert.Equal(ErrorScores.RootMeanSquaredError([1f, 5f, 0f], [4f, 1f, 1f]), metric.Result(), 15);
    }

    [Fact]
    public void MeanAbsoluteErrorPoolsAcrossBatches()
    {
        var metric = new MeanAbsoluteErrorMetric();
        Assert.Equal("mae", metric.Name);
        metric.Update([1f, 5f], [4f, 1f], samples: 2);
        metric.Update([0f], [1f], samples: 1);
        Assert.Equal(8.0 / 3, metric.Result(), 15);
        metric.Reset();
        Assert.Equal(0, metric.Result());
    }

    [Fact]
    public void ElementwiseMetricsCheckTheirArguments()
    {
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => new MeanAbsoluteErrorMetric().Update([1f], [1f, 2f], 1)).ParamName);
        Assert.Equal("samples", Assert.Throws<ArgumentException>(() => new RootMeanSquaredErrorMetric().Update([1f, 2f, 3f], [1f, 2f, 3f], 2)).ParamName);
        Assert.Equal("samples", Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryAccuracy().Update([1f], [1f], 0)).ParamName);
    }
}
