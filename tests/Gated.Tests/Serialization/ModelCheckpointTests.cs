using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.Training;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Serialization;

/// <summary>ModelCheckpoint writes a TrainingCheckpoint every epoch, or only on improvement, named by epoch.</summary>
public sealed class ModelCheckpointTests
{
    [Fact]
    public void WritesOneRestorableCheckpointPerEpochInsideFit()
    {
        var (x, y) = TinyProblem.Regression();
        using var folder = new TempFolder();
        var model = TrainingCheckpointTests.Compiled(TinyProblem.Model(), "adam");
        var checkpoint = new ModelCheckpoint(Path.Combine(folder.Path, "epoch-{epoch}.safetensors"));
        var recorder = new EpochRecorder();
        model.Fit(x, y, epochs: 3, batchSize: 8, validationSplit: 0.2, seed: 1, callbacks: [checkpoint, recorder]);

        Assert.Equal(["epoch-1", "epoch-2", "epoch-3"], checkpoint.SavedPaths.Select(Path.GetFileNameWithoutExtension));
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var target = TrainingCheckpointTests.Compiled(TinyProblem.Model(seed: 50), "adam");
            TrainingCheckpoint.Restore(checkpoint.SavedPaths[epoch], target);
            Assert.Equal(recorder.Weights[epoch], TinyProblem.Weights(target));
            Assert.Equal(epoch + 1, target.TrainingRun!.CompletedEpochs);
        }
    }

    [Fact]
    public void SaveBestOnlyWritesOnlyWhenTheMonitoredValueImproves()
    {
        using var folder = new TempFolder();
        var model = TrainingCheckpointTests.Compiled(TinyProblem.Model(), "adam");
        var checkpoint = new ModelCheckpoint(Path.Combine(folder.Path, "{epoch}.safetensors"), saveBestOnly: true) { Trainer = model.Trainer };
        double[] losses = [1.0, 1.2, 0.8, 0.8, 0.9];
        for (int epoch = 0; epoch < losses.Length; epoch++)
        {
            checkpoint.OnEpochEnd(EarlyStoppingTests.Logs(epoch, "val_loss", losses[epoch]));
        }

        // Equal is not better (Keras compares strictly).
        Assert.Equal(["1", "3"], checkpoint.SavedPaths.Select(Path.GetFileNameWithoutExtension));
        Assert.Equal(0.8, checkpoint.Best);
        Assert.Equal(2, Directory.GetFiles(folder.Path).Length);

        var accuracy = new ModelCheckpoint(Path.Combine(folder.Path, "best.safetensors"), monitor: "val_accuracy", saveBestOnly: true) { Trainer = model.Trainer };
        Assert.Equal("max", accuracy.Mode);
        accuracy.OnEpochEnd(EarlyStoppingTests.Logs(0, "val_accuracy", 0.5));
        accuracy.OnEpochEnd(EarlyStoppingTests.Logs(1, "val_accuracy", 0.4));
        accuracy.OnEpochEnd(EarlyStoppingTests.Logs(2, "val_accuracy", 0.6));
        Assert.Equal(2, accuracy.SavedPaths.Count);
    }

    [Fact]
    public void OnlySaveBestOnlyNeedsTheMonitoredValue()
    {
        using var folder = new TempFolder();
        var model = TrainingCheckpointTests.Compiled(TinyProblem.Model(), "adam");
        var every = new ModelCheckpoint(folder.File("every.safetensors")) { Trainer = model.Trainer };
        every.OnEpochEnd(EarlyStoppingTests.Logs(0, "rmse", 1));
        Assert.Single(every.SavedPaths);

        var best = new ModelCheckpoint(folder.File("best.safetensors"), saveBestOnly: true) { Trainer = model.Trainer };
        var e = Assert.Throws<InvalidOperationException>(() => best.OnEpochEnd(EarlyStoppingTests.Logs(0, "rmse", 1)));
        Assert.Contains("'val_loss'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SavesTheBestEpochOfAFunctionalModel()
    {
        using var folder = new TempFolder();
        var (model, x) = Gated.Tests.Models.ModelTests.MergeGraph(seed: 2, samples: 12);
        var y = model.Predict(x).Select(t => new Tensor(t.Data.Select(v => v + 1f).ToArray(), t.Shape)).ToArray();
        model.Compile(new Adam(0.01f), [Loss.MeanSquaredError, Loss.MeanSquaredError]);
        var checkpoint = new ModelCheckpoint(folder.File("best.safetensors"), saveBestOnly: true);
        var history = model.Fit(x, y, epochs: 3, batchSize: 4, validationSplit: 0.25, callbacks: [checkpoint]);
        var (loaded, _) = GatedModelFile.LoadFunctional(folder.File("best.safetensors"));
        Assert.Equal(history.Get("val_loss").Min(), Evaluate(loaded, x, y), 5);
    }

    private static double Evaluate(Gated.Models.Model model, Tensor[] x, Tensor[] y)
    {
        model.Compile(new Adam(), [Loss.MeanSquaredError, Loss.MeanSquaredError]);
        return model.Evaluate(x.Select(t => t.SliceBatch(9, 3)).ToArray(), y.Select(t => t.SliceBatch(9, 3)).ToArray())["loss"];
    }

    [Fact]
    public void RefusesAModelThatIsNotSequential()
    {
        using var folder = new TempFolder();
        var trainer = new Trainer(new LinearModel(2));
        trainer.Compile(new Sgd(), Loss.MeanSquaredError);
        var checkpoint = new ModelCheckpoint(folder.File("linear.safetensors"));
        var e = Assert.Throws<NotSupportedException>(() => trainer.Fit(new Tensor(4, 2), new Tensor(4, 1), callbacks: [checkpoint]));
        Assert.Contains("LinearModel", e.Message, StringComparison.Ordinal);
        Assert.Empty(checkpoint.SavedPaths);
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => new ModelCheckpoint("")).ParamName);
        Assert.Equal("mode", Assert.Throws<ArgumentException>(() => new ModelCheckpoint("a", mode: "lowest")).ParamName);
        Assert.Equal("ckpt-12.bin", new ModelCheckpoint("ckpt-{epoch}.bin").PathFor(11));
    }
}
