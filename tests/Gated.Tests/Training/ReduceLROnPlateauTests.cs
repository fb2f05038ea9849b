using Gated.Models;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

/// <summary>ReduceLROnPlateau on scripted epoch logs (Keras's rules worked by hand) and inside a real Fit.</summary>
public sealed class ReduceLROnPlateauTests
{
    [Fact]
    public void HalvesTheRateAfterPatienceEpochsWithoutImprovement()
    {
        var (reduce, optimizer) = Run(new ReduceLROnPlateau(factor: 0.5, patience: 2, minDelta: 0), 1f, 1, 1, 1, 1, 1);
        Assert.Equal([(2, 0.5f), (4, 0.25f)], reduce.Reductions);
        Assert.Equal(0.25f, optimizer.LearningRate);
    }

    [Fact]
    public void CooldownHoldsTheWaitAtZero()
    {
        // After the reduction at epoch 2, epochs 3 and 4 count down the cooldown; the wait starts again at epoch 4.
        var (reduce, _) = Run(new ReduceLROnPlateau(factor: 0.5, patience: 2, minDelta: 0, cooldown: 2), 1f, 1, 1, 1, 1, 1, 1);
        Assert.Equal([2, 5], reduce.Reductions.Select(r => r.Epoch));
    }

    [Fact]
    public void MinDeltaAndModeDecideWhatCountsAsAnImprovement()
    {
        // 0.95 is not below 1 − 0.1, so it is a plateau epoch.
        var (lossRule, _) = Run(new ReduceLROnPlateau(patience: 1, minDelta: 0.1), 1f, 1.0, 0.95, 0.5);
        Assert.Equal([1], lossRule.Reductions.Select(r => r.Epoch));
        Assert.Equal(0.5, lossRule.Best);

        var (accuracy, _) = Run(new ReduceLROnPlateau(monitor: "val_accuracy", patience: 1, minDelta: 0), 1f, 0.5, 0.6, 0.55);
        Assert.Equal("max", accuracy.Mode);
        Assert.Equal([2], accuracy.Reductions.Select(r => r.Epoch));
    }

    [Fact]
    public void NeverGoesBelowTheMinimumRate()
    {
        var (reduce, optimizer) = Run(new ReduceLROnPlateau(factor: 0.1, patience: 1, minLearningRate: 0.05), 1f, 1, 1, 1, 1);
        Assert.Equal([(1, 0.1f), (2, 0.05f)], reduce.Reductions);
        Assert.Equal(0.05f, optimizer.LearningRate);
    }

    [Fact]
    public void RefusesAnOptimizerThatFollowsASchedule()
    {
        var model = TinyProblem.Model();
        model.Compile(new Adam(new ExponentialDecay(0.01f, 10, 0.5f)), Loss.MeanSquaredError);
        var reduce = new ReduceLROnPlateau { Trainer = model.Trainer };
        var e = Assert.Throws<InvalidOperationException>(() => reduce.OnTrainBegin(3, 1, 10, 2));
        Assert.Contains("ExponentialDecay(", e.Message, StringComparison.Ordinal);

        var (x, y) = TinyProblem.Regression();
        Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, epochs: 2, validationSplit: 0.2, callbacks: [new ReduceLROnPlateau()]));
    }

    [Fact]
    public void AMissingMonitoredValueFailsLoudly()
    {
        var reduce = Attach(new ReduceLROnPlateau(monitor: "val_rmse"), 1f).Reduce;
        var e = Assert.Throws<InvalidOperationException>(() => reduce.OnEpochEnd(EarlyStoppingTests.Logs(0, "val_loss", 1)));
        Assert.Contains("'val_rmse'", e.Message, StringComparison.Ordinal);
        Assert.Contains("present: loss, val_loss", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 1)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 0)).ParamName);
        Assert.Equal("cooldown", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(cooldown: -1)).ParamName);
        Assert.Equal("minLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(minLearningRate: -1)).ParamName);
        Assert.Equal("mode", Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(mode: "up")).ParamName);
    }

    [Fact]
    public void InsideFitItLowersTheOptimizersRate()
    {
        var (x, y) = TinyProblem.Regression();
        var model = TinyProblem.Model();
        var sgd = new Sgd(0.01f, momentum: 0.9f);
        model.Compile(sgd, Loss.MeanSquaredError);

        // No epoch after the first improves training loss by 100, and patience 0 reduces on each of them.
        var recorder = new EpochRecorder();
        model.Fit(x, y, epochs: 3, batchSize: 8, seed: 2, callbacks: [new ReduceLROnPlateau(monitor: "loss", patience: 0, minDelta: 100), recorder]);
        float once = (float)(0.01f * 0.1);
        float twice = (float)(once * 0.1);
        Assert.Equal([0.01f, once, twice], recorder.LearningRates);
        Assert.Equal(twice, sgd.LearningRate);
    }

    private static (ReduceLROnPlateau Reduce, Optimizer Optimizer) Run(ReduceLROnPlateau reduce, float learningRate, params double[] values)
    {
        var (callback, optimizer) = Attach(reduce, learningRate);
        for (int epoch = 0; epoch < values.Length; epoch++)
        {
            callback.OnEpochEnd(EarlyStoppingTests.Logs(epoch, callback.Monitor, values[epoch]));
        }

        return (callback, optimizer);
    }

    private static (ReduceLROnPlateau Reduce, Optimizer Optimizer) Attach(ReduceLROnPlateau reduce, float learningRate)
    {
        Sequential model = TinyProblem.Model();
        var optimizer = new Sgd(learningRate);
        model.Compile(optimizer, Loss.MeanSquaredError);
        reduce.Trainer = model.Trainer;
        reduce.OnTrainBegin(5, 1, 10, 2);
        return (reduce, optimizer);
    }
}
