using Gated.Tensors;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

/// <summary>The Trainer on a model that is not a Sequential: a hand-written linear model, its steps worked by hand.</summary>
public sealed class TrainerTests
{
    // x = [[1, 2], [3, −1]], y = [1, 0]; w = [0.5, −1], b = 0.25.
    // Predictions −1.25 and 2.75, errors −2.25 and 2.75, MSE (5.0625 + 7.5625) / 2 = 6.3125.
    // dLoss/dp = 2·error/2 = [−2.25, 2.75]; dw = −2.25·[1, 2] + 2.75·[3, −1] = [6, −7.25]; db = 0.5.
    // SGD at 0.1: w = [−0.1, −0.275], b = 0.2.
    private static readonly Tensor X = new([1f, 2f, 3f, -1f], 2, 2);
    private static readonly Tensor Y = new([1f, 0f], 2, 1);

    [Fact]
    public void OneSgdStepMatchesTheHandWorkedUpdate()
    {
        var (trainer, model) = Compiled();
        Assert.Equal(6.3125, trainer.Evaluate(X, Y), 12);

        float loss = trainer.TrainOnBatch(X, Y);
        Assert.Equal(6.3125f, loss);
        Assert.Equal([6f, -7.25f, 0.5f], model.ParameterGradients.ToArray());
        float[] expected = [-0.1f, -0.275f, 0.2f];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], model.ParameterValues[i], 6);
        }
    }

    [Fact]
    public void FitRunsTheSameStepsAsTrainOnBatchAndCallsBackWithTheModel()
    {
        var (fitted, fittedModel) = Compiled();
        var (stepped, steppedModel) = Compiled();
        var recorder = new EpochRecorder();
        var history = fitted.Fit(X, Y, epochs: 3, batchSize: 2, shuffle: false, callbacks: [recorder]);

        var losses = new List<double>();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            losses.Add(stepped.TrainOnBatch(X, Y));
            Assert.Equal(steppedModel.ParameterValues.ToArray(), recorder.Weights[epoch]);
        }

        Assert.Equal(losses, history.Loss);
        Assert.Equal(steppedModel.ParameterValues.ToArray(), fittedModel.ParameterValues.ToArray());
        Assert.Same(fittedModel, recorder.Model);
        Assert.Equal(3, fitted.TrainingRun!.CompletedEpochs);
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestWeightsOfAnyModel()
    {
        // A learning rate of 1 overshoots on this problem, so the loss grows from the first epoch on.
        var (trainer, model) = Compiled(learningRate: 1f);
        var recorder = new EpochRecorder();
        var stop = new EarlyStopping(monitor: "loss", patience: 1, restoreBestWeights: true);
        var history = trainer.Fit(X, Y, epochs: 5, batchSize: 2, shuffle: false, callbacks: [recorder, stop]);

        Assert.True(history.Loss[1] > history.Loss[0], $"losses {string.Join(", ", history.Loss)}");
        Assert.Equal(1, stop.StoppedEpoch);
        Assert.Equal(recorder.Weights[0], model.ParameterValues.ToArray());
    }

    [Fact]
    public void ALossThatStopsBeingFiniteEndsFitWithTrainingDivergedAndTheAdvice()
    {
        var (trainer, _) = Compiled(learningRate: 1e30f);
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(X, Y, epochs: 5, batchSize: 1, shuffle: false));

        Assert.IsAssignableFrom<ArithmeticException>(e);
        Assert.False(float.IsFinite(e.Loss));
        Assert.Equal((1, 2), (e.Epoch, e.Batch));
        Assert.Equal($"Training diverged: the loss became {e.Loss} in epoch 1, batch 2. Try a smaller learning rate or gradient clipping.", e.Message);
    }

    [Fact]
    public void BadBatchesAreRefusedByTheModelAndTheTrainer()
    {
        var (trainer, _) = Compiled();
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => trainer.TrainOnBatch(new Tensor(2, 3), Y)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => trainer.TrainOnBatch(X, new Tensor(3, 1))).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => trainer.TrainOnBatch(X, new Tensor(2, 2))).ParamName);
        Assert.Throws<InvalidOperationException>(() => new Trainer(new LinearModel(2)).Fit(X, Y));
    }

    private static (Trainer Trainer, LinearModel Model) Compiled(float learningRate = 0.1f)
    {
        var model = new LinearModel(2);
        float[] initial = [0.5f, -1f, 0.25f];
        initial.CopyTo(model.ParameterValues);
        var trainer = new Trainer(model);
        trainer.Compile(new Sgd(learningRate), Loss.MeanSquaredError);
        return (trainer, model);
    }
}
