using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.Training;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Serialization;

/// <summary>
/// A run interrupted after 2 epochs, saved, restored into a new model and continued to 4 must equal 4 epochs straight,
/// bit for bit (parameters, losses, val_losses); and a checkpoint that does not fit is refused before anything changes.
/// </summary>
public sealed class TrainingCheckpointTests
{
    public static TheoryData<string> Optimizers => new() { "adam", "sgd_momentum", "sgd_nesterov", "adamw", "rmsprop_full", "adam_schedule" };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void ResumingFromACheckpointContinuesBitForBit(string optimizer)
    {
        var (x, y) = TinyProblem.Regression(samples: 37);
        using var folder = new TempFolder();
        string path = folder.File("run.safetensors");

        var straight = Compiled(TinyProblem.Model(seed: 7), optimizer);
        var all = Fit(straight, x, y, epochs: 4);

        var first = Compiled(TinyProblem.Model(seed: 7), optimizer);
        var early = Fit(first, x, y, epochs: 2);
        TrainingCheckpoint.Save(path, first);

        // A different build seed: every weight must come from the checkpoint.
        var resumed = Compiled(TinyProblem.Model(seed: 99), optimizer);
        TrainingCheckpoint.Restore(path, resumed);
        Assert.Equal(TinyProblem.Weights(first), TinyProblem.Weights(resumed));
        Assert.Equal(first.Optimizer!.Iterations, resumed.Optimizer!.Iterations);
        var late = Fit(resumed, x, y, epochs: 4, initialEpoch: 2);

        Assert.Equal(all.Loss.Take(2), early.Loss);
        Assert.Equal(all.Loss.Skip(2), late.Loss);
        Assert.Equal(all.ValidationLoss.Skip(2), late.ValidationLoss);
        Assert.Equal(TinyProblem.Weights(straight), TinyProblem.Weights(resumed));
        Assert.Equal(4, resumed.TrainingRun!.CompletedEpochs);
    }

    [Fact]
    public void LayerRandomStreamsAndAChangedLearningRateAreRestored()
    {
        var (x, y) = TinyProblem.Regression(samples: 37);
        using var folder = new TempFolder();
        string path = folder.File("dropout.safetensors");

        // Dropout draws its masks from its own stream, so the resumed run needs that stream's state too.
        Sequential Build(ulong seed)
        {
            var model = new Sequential(new Layer[] { new Gru(4, returnSequences: true), new Dropout(0.3), new Gru(3), new Dense(1) });
            model.Build([TinyProblem.Steps, TinyProblem.Features], seed);
            model.Compile(new Adam(0.01f), Loss.MeanSquaredError);
            return model;
        }

        var straight = Build(7);
        Fit(straight, x, y, epochs: 2);
        straight.Optimizer!.LearningRate = 0.004f;   // as ReduceLROnPlateau would
        var all = Fit(straight, x, y, epochs: 4, initialEpoch: 2);

        var first = Build(7);
        Fit(first, x, y, epochs: 2);
        first.Optimizer!.LearningRate = 0.004f;
        TrainingCheckpoint.Save(path, first);

        var resumed = Build(1234);
        TrainingCheckpoint.Restore(path, resumed);
        Assert.Equal(0.004f, resumed.Optimizer!.LearningRate);
        var late = Fit(resumed, x, y, epochs: 4, initialEpoch: 2);
        Assert.Equal(all.Loss, late.Loss);
        Assert.Equal(TinyProblem.Weights(straight), TinyProblem.Weights(resumed));
    }

    [Fact]
    public void ACheckpointSavedBeforeTrainingHasNoRun()
    {
        using var folder = new TempFolder();
        string path = folder.File("fresh.safetensors");
        var model = Compiled(TinyProblem.Model(seed: 5), "adam");
        TrainingCheckpoint.Save(path, model);

        var target = Compiled(TinyProblem.Model(seed: 6), "adam");
        var (x, y) = TinyProblem.Regression();
        Fit(target, x, y, epochs: 1);
        TrainingCheckpoint.Restore(path, target);
        Assert.Null(target.TrainingRun);
        Assert.Equal(0, target.Optimizer!.Iterations);
        Assert.Equal(TinyProblem.Weights(model), TinyProblem.Weights(target));

        // It is still a model file for inference.
        var (loaded, _) = GatedModelFile.Load(path);
        Assert.Equal(TinyProblem.Weights(model), TinyProblem.Weights(loaded));
    }

    [Fact]
    public void CheckpointsForAnotherModelOptimizerOrLossAreRefused()
    {
        using var folder = new TempFolder();
        string path = Trained(folder, "adam");

        var wider = new Sequential(new Layer[] { new Gru(5), new Dense(1) });
        wider.Build([TinyProblem.Steps, TinyProblem.Features]);
        AssertRefused(path, Compiled(wider, "adam"), "layer 0 of the checkpoint's model is GRU(");
        var longer = new Sequential(new Layer[] { new Gru(4), new Dense(1) });
        longer.Build([TinyProblem.Steps + 1, TinyProblem.Features]);
        AssertRefused(path, Compiled(longer, "adam"), "takes input (5, 2), this model (6, 2)");
        AssertRefused(path, Compiled(TinyProblem.Model(), "sgd_momentum"), "optimizer 'adam'");
        var otherBeta = TinyProblem.Model();
        otherBeta.Compile(new Adam(0.01f, beta1: 0.8f), Loss.MeanSquaredError);
        AssertRefused(path, otherBeta, "beta_1=0.9");
        var otherLoss = TinyProblem.Model();
        otherLoss.Compile(new Adam(0.01f), Loss.Huber());
        AssertRefused(path, otherLoss, "loss 'mse'");
        AssertRefused(path, Compiled(TinyProblem.Model(), "adam_schedule"), "learning_rate_schedule");

        string plain = folder.File("plain.safetensors");
        GatedModelFile.Save(plain, TinyProblem.Model());
        AssertRefused(plain, Compiled(TinyProblem.Model(), "adam"), "not a training checkpoint");
    }

    [Fact]
    public void CorruptCheckpointsAreRefused()
    {
        using var folder = new TempFolder();
        string path = Trained(folder, "sgd_momentum");
        var good = GatedModelFile.Load(path);
        int parameters = (int)good.Model.ParameterCount;
        int order = good.State["run.order"].Data.Length;

        AssertTampered(folder, good, "bad iterations", m => m["gated.checkpoint.optimizer.iterations"] = "-3", null);
        AssertTampered(folder, good, "is not a generator state", m => m["gated.checkpoint.run.random"] = "0,0,0,0,0,0", null);
        AssertTampered(folder, good, "not a list of unsigned", m => m["gated.checkpoint.run.random"] = "1,2,x", null);
        AssertTampered(folder, good, "not a permutation", null, s => s["run.order"] = new([order], new float[order]));
        AssertTampered(folder, good, "has shape (3)", null, s => s["optimizer.momentum"] = new([3], new float[3]));
        AssertTampered(folder, good, "optimizer state does not fit", null, s => s.Remove("optimizer.momentum"));
        AssertTampered(folder, good, "'optimizer.learning_rate'", null, s => s["optimizer.learning_rate"] = new([1], [-1f]));
        AssertTampered(folder, good, "'stray' is not part", null, s => s["stray"] = new([1], [1f]));
        AssertTampered(folder, good, "format '2'", m => m["gated.checkpoint"] = "2", null);
        AssertTampered(folder, good, "names no layer", m => m["gated.checkpoint.layers.5.random"] = "1,2,3,4,0,0", null);
        AssertTampered(folder, good, "no random stream", m => m["gated.checkpoint.layers.0.random"] = "1,2,3,4,0,0", null);
        Assert.True(parameters > 0);

        byte[] bytes = File.ReadAllBytes(path);
        string truncated = folder.File("truncated.safetensors");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length - 9)]);
        AssertRefused(truncated, Compiled(TinyProblem.Model(), "sgd_momentum"), truncated);
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        using var folder = new TempFolder();
        string path = folder.File("a.safetensors");
        var uncompiled = TinyProblem.Model();
        Assert.Equal("model", Assert.Throws<ArgumentException>(() => TrainingCheckpoint.Save(path, uncompiled)).ParamName);
        Assert.Equal("model", Assert.Throws<ArgumentException>(() => TrainingCheckpoint.Restore(path, uncompiled)).ParamName);
        var unbuilt = new Sequential(new Dense(1));
        unbuilt.Compile(new Sgd(), Loss.MeanSquaredError);
        Assert.Equal("model", Assert.Throws<ArgumentException>(() => TrainingCheckpoint.Restore(path, unbuilt)).ParamName);
        Assert.Throws<FileNotFoundException>(() => TrainingCheckpoint.Restore(folder.File("missing.safetensors"), Compiled(TinyProblem.Model(), "adam")));
    }

    internal static Sequential Compiled(Sequential model, string optimizer)
    {
        Optimizer chosen = optimizer switch
        {
            "adam_schedule" => new Adam(new ExponentialDecay(0.02f, decaySteps: 3, decayRate: 0.7f)),
            _ => OptimizerStateTests.Create(optimizer),
        };
        model.Compile(chosen, Loss.MeanSquaredError);
        return model;
    }

    private static History Fit(Sequential model, Tensor x, Tensor y, int epochs, int initialEpoch = 0) =>
        model.Fit(x, y, epochs: epochs, batchSize: 6, validationSplit: 0.2, shuffle: true, seed: 3, initialEpoch: initialEpoch);

    private static string Trained(TempFolder folder, string optimizer)
    {
        var (x, y) = TinyProblem.Regression();
        var model = Compiled(TinyProblem.Model(), optimizer);
        Fit(model, x, y, epochs: 2);
        string path = folder.File(optimizer + ".safetensors");
        TrainingCheckpoint.Save(path, model);
        return path;
    }

    private static void AssertRefused(string path, Sequential model, string expected)
    {
        float[] before = TinyProblem.Weights(model);
        long iterations = model.Optimizer!.Iterations;
        var e = Assert.Throws<ModelFormatException>(() => TrainingCheckpoint.Restore(path, model));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, TinyProblem.Weights(model));
        Assert.Equal(iterations, model.Optimizer.Iterations);
    }

    private static void AssertTampered(
        TempFolder folder, GatedModelFile.LoadedModel good, string expected,
        Action<Dictionary<string, string>>? metadata, Action<Dictionary<string, SafeTensorsFile.Entry>>? state)
    {
        var meta = new Dictionary<string, string>(good.Metadata);
        var tensors = new Dictionary<string, SafeTensorsFile.Entry>(good.State);
        metadata?.Invoke(meta);
        state?.Invoke(tensors);
        string path = folder.File("tampered.safetensors");
        GatedModelFile.Save(path, good.Model, meta, tensors);
        AssertRefused(path, Compiled(TinyProblem.Model(), "sgd_momentum"), expected == "bad iterations" ? "not a count" : expected);
    }
}
