using System.Globalization;
using Gated.Training;

namespace Gated.Examples.Sentiment;

/// <summary>One line per epoch with loss and accuracy on the training and validation parts.</summary>
internal sealed class EpochPrinter : FitCallback
{
    private int _epochs;

    public override void OnTrainBegin(int epochs, int batchesPerEpoch, int trainSamples, int validationSamples) => _epochs = epochs;

    public override void OnEpochEnd(EpochLogs logs) => Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"  epoch {logs.Epoch + 1,2}/{_epochs}  loss {logs.Loss:F4}  accuracy {logs["accuracy"]:F4}  val_loss {logs["val_loss"]:F4}  val_accuracy {logs["val_accuracy"]:F4}  {logs.Seconds,5:F1}s"));
}
