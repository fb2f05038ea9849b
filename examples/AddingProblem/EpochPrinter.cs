using System.Globalization;
using Gated.Training;

namespace Gated.Examples.Adding;

/// <summary>One line per epoch, so a long run shows it is alive and where each cell's loss stands.</summary>
internal sealed class EpochPrinter(string cell) : FitCallback
{
    private int _epochs;

    public override void OnTrainBegin(int epochs, int batchesPerEpoch, int trainSamples, int validationSamples) => _epochs = epochs;

    public override void OnEpochEnd(EpochLogs logs) => Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"  {cell,-9} epoch {logs.Epoch + 1,3}/{_epochs}  loss {logs.Loss:F5}  val_loss {logs.ValidationLoss:F5}  {logs.Seconds,5:F1}s"));
}
