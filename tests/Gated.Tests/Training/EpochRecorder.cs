using Gated.Training;

namespace Gated.Tests.Training;

/// <summary>A callback that keeps each epoch's logs and a copy of the weights at its end.</summary>
internal sealed class EpochRecorder : FitCallback
{
    public List<EpochLogs> Logs { get; } = [];

    public List<float[]> Weights { get; } = [];

    public List<float> LearningRates { get; } = [];

    public override void OnEpochEnd(EpochLogs logs)
    {
        Logs.Add(logs);
        Weights.Add(Model!.ParameterValues.ToArray());
        LearningRates.Add(Trainer!.Optimizer!.LearningRate);
    }
}
