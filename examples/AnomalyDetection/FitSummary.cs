using System.Diagnostics;
using System.Globalization;
using Gated.Models;
using Gated.Tensors;
using Gated.Training;

namespace Gated.Examples.AnomalyDetection;

/// <summary>What one early-stopped training run measured; BestEpoch is the one-based epoch whose weights were kept.</summary>
internal readonly record struct FitSummary(int Epochs, int BestEpoch, double BestValidationLoss, double Seconds)
{
    /// <summary>
    /// Builds, compiles (Adam, MSE) and fits <paramref name="model"/> on x → y with the example's settings: the last
    /// 10 % of the samples for val_loss, early stopping with the best weights restored. Both detectors train this way.
    /// </summary>
    public static FitSummary Fit(Sequential model, Tensor x, Tensor y, AnomalyOptions options)
    {
        var clock = Stopwatch.StartNew();
        model.Build(x.Shape[1..], options.Seed);
        model.Compile(new Adam(options.LearningRate), Loss.MeanSquaredError);
        var stopping = new EarlyStopping("val_loss", patience: options.Patience, restoreBestWeights: true);
        var history = model.Fit(x, y, options.Epochs, options.BatchSize, validationSplit: 0.1, shuffle: true, seed: options.Seed, callbacks: [stopping]);
        return new FitSummary(history.Epochs, (stopping.BestEpoch ?? (history.Epochs - 1)) + 1, stopping.Best ?? double.NaN, clock.Elapsed.TotalSeconds);
    }

    public string Format() => string.Create(
        CultureInfo.InvariantCulture, $"{Epochs} epochs (kept epoch {BestEpoch}, val_loss {BestValidationLoss:F4}), {Seconds:F1} s");
}
