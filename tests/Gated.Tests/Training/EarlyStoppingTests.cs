using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

/// <summary>EarlyStopping on scripted epoch logs (Keras 3's rules worked by hand) and inside a real Fit.</summary>
public sealed class EarlyStoppingTests
{
    [Fact]
    public void PatienceZeroStopsAtTheFirstEpochThatDoesNotImprove()
    {
        var stop = Run(new EarlyStopping(), "val_loss", 1.0, 0.9, 0.95, 0.5);
        Assert.Equal(2, stop.StoppedEpoch);
        Assert.Equal(1, stop.BestEpoch);
        Assert.Equal(0.9, stop.Best);
    }

    [Fact]
    public void MinDeltaDecidesWhatCountsAsAnImprovement()
    {
        // 0.97 and 0.96 improve on 1.0 by less than 0.05, so wait reaches patience 2 at epoch 2.
        var stop = Run(new EarlyStopping(minDelta: -0.05, patience: 2), "val_loss", 1.0, 0.97, 0.96, 0.5);
        Assert.Equal(0.05, stop.MinDelta);
        Assert.Equal(2, stop.StoppedEpoch);
        Assert.Equal(0, stop.BestEpoch);

        var loose = Run(new EarlyStopping(patience: 2), "val_loss", 1.0, 0.97, 0.96, 0.5);
        Assert.Null(loose.StoppedEpoch);
        Assert.Equal(3, loose.BestEpoch);
    }

    [Fact]
    public void AutoModeMaximisesAccuracies()
    {
        var stop = Run(new EarlyStopping(monitor: "val_accuracy", patience: 1), "val_accuracy", 0.5, 0.7, 0.6, 0.65);
        Assert.Equal("max", stop.Mode);
        Assert.Equal(2, stop.StoppedEpoch);
        Assert.Equal(0.7, stop.Best);
        Assert.Equal("min", new EarlyStopping(monitor: "val_accuracy", mode: "min").Mode);
        Assert.Equal("min", new EarlyStopping(monitor: "val_rmse").Mode);
    }

    [Fact]
    public void ImprovementsThatMissTheBaselineDoNotResetTheWait()
    {
        // Without a baseline the wait restarts at each improvement; with one it keeps counting, so the
        // first epoch that does not improve (wait 3 ≥ patience 2) stops training.
        var withBaseline = Run(new EarlyStopping(patience: 2, baseline: 0.5), "val_loss", 0.9, 0.8, 0.85, 0.1);
        Assert.Equal(2, withBaseline.StoppedEpoch);
        Assert.Equal(0.8, withBaseline.Best);

        var without = Run(new EarlyStopping(patience: 2), "val_loss", 0.9, 0.8, 0.85, 0.1);
        Assert.Null(without.StoppedEpoch);

        // Improvements that beat the baseline reset the wait as usual.
        var beaten = Run(new EarlyStopping(patience: 1, baseline: 0.5), "val_loss", 0.4, 0.3, 0.2);
        Assert.Null(beaten.StoppedEpoch);
        Assert.Equal(0, beaten.Wait);
    }

    [Fact]
    public void NeverStopsAfterTheFirstEpochAndSkipsWarmUpEpochs()
    {
        var warm = Run(new EarlyStopping(patience: 0, startFromEpoch: 2), "val_loss", 1, 2, 3, 4);
        Assert.Equal(3, warm.StoppedEpoch);
        Assert.Equal(2, warm.BestEpoch);
        Assert.Equal(3.0, warm.Best);
    }

    [Fact]
    public void AMissingMonitoredValueFailsLoudly()
    {
        var stop = new EarlyStopping();
        stop.OnTrainBegin(3, 1, 10, 0);
        var logs = new EpochLogs(0, 0);
        logs.Set("loss", 0.3);
        logs.Set("rmse", 0.5);
        var e = Assert.Throws<InvalidOperationException>(() => stop.OnEpochEnd(logs));
        Assert.Contains("'val_loss'", e.Message, StringComparison.Ordinal);
        Assert.Contains("present: loss, rmse", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.Equal("mode", Assert.Throws<ArgumentException>(() => new EarlyStopping(mode: "best")).ParamName);
        Assert.Equal("patience", Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(patience: -1)).ParamName);
        Assert.Equal("monitor", Assert.Throws<ArgumentException>(() => new EarlyStopping(monitor: " ")).ParamName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RestoresTheBestWeightsWhetherItStoppedEarlyOrNot(bool stopsEarly)
    {
        var model = TinyProblem.Model();
        model.Compile(new Sgd(), Loss.MeanSquaredError);
        var stop = new EarlyStopping(patience: stopsEarly ? 1 : 5, restoreBestWeights: true) { Trainer = model.Trainer };
        stop.OnTrainBegin(4, 1, 10, 2);
        double[] losses = [0.8, 0.5, 0.7, 0.9];
        var weightsAt = new List<float[]>();
        for (int epoch = 0; epoch < losses.Length && !stop.StopTraining; epoch++)
        {
            model.ParameterValues.Fill(epoch + 1);   // stands for this epoch's training
            weightsAt.Add(TinyProblem.Weights(model));
            stop.OnEpochEnd(Logs(epoch, "val_loss", losses[epoch]));
        }

        Assert.Equal(stopsEarly ? 3 : 4, weightsAt.Count);
        Assert.Equal(stopsEarly ? 2 : null, stop.StoppedEpoch);
        stop.OnTrainEnd();
        Assert.True(stop.RestoredBestWeights);
        Assert.Equal(weightsAt[1], TinyProblem.Weights(model));
    }

    [Fact]
    public void InsideFitItStopsAndRestoresTheBestEpoch()
    {
        var (x, y) = TinyProblem.Regression();
        var model = TinyProblem.Model();
        model.Compile(new Adam(0.01f), Loss.MeanSquaredError);

        // No later epoch can improve val_loss by 10, so training stops after epoch 2 (index 1), and the
        // weights go back to the end of epoch 1 (the first epoch is the best known).
        var stop = new EarlyStopping(minDelta: 10, patience: 1, restoreBestWeights: true);
        var recorder = new EpochRecorder();
        var history = model.Fit(x, y, epochs: 6, batchSize: 8, validationSplit: 0.2, seed: 4, callbacks: [recorder, stop]);
        Assert.Equal(2, history.Epochs);
        Assert.Equal(1, stop.StoppedEpoch);
        Assert.Equal(0, stop.BestEpoch);
        Assert.NotEqual(recorder.Weights[0], recorder.Weights[1]);
        Assert.Equal(recorder.Weights[0], TinyProblem.Weights(model));

        // The same instance can serve a second Fit: its state starts over.
        model.Fit(x, y, epochs: 2, batchSize: 8, validationSplit: 0.2, seed: 4, callbacks: [stop]);
        Assert.Equal(1, stop.StoppedEpoch);
    }

    private static EarlyStopping Run(EarlyStopping stop, string key, params double[] values)
    {
        stop.OnTrainBegin(values.Length, 1, 10, 2);
        for (int epoch = 0; epoch < values.Length && !stop.StopTraining; epoch++)
        {
            stop.OnEpochEnd(Logs(epoch, key, values[epoch]));
        }

        return stop;
    }

    internal static EpochLogs Logs(int epoch, string key, double value)
    {
        var logs = new EpochLogs(epoch, 0.1);
        logs.Set("loss", 1.0);
        logs.Set(key, value);
        return logs;
    }
}
