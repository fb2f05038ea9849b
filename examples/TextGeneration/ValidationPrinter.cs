using System.Globalization;
using Gated.Tensors;
using Gated.Training;

namespace Gated.Examples.TextGeneration;

/// <summary>
/// Evaluates the held-out end of the book after every epoch and prints its loss in nats and bits per character.
/// Done here rather than with Fit's validationSplit, which takes a fraction of the windows and so could not hold
/// out exactly the windows cut from the last part of the text.
/// </summary>
internal sealed class ValidationPrinter(Tensor inputs, Tensor targets, int batchSize) : FitCallback
{
    private readonly List<double> _losses = [];
    private int _epochs;

    /// <summary>Validation loss (nats per character) after each epoch.</summary>
    public IReadOnlyList<double> Losses => _losses;

    public override void OnTrainBegin(int epochs, int batchesPerEpoch, int trainSamples, int validationSamples)
    {
        _epochs = epochs;
        Console.WriteLine($"  {batchesPerEpoch} batches of {batchSize} windows per epoch");
    }

    public override void OnBatchEnd(int epoch, int batch, double meanLoss)
    {
        // A line every 100 batches, so a long epoch shows it is alive.
        if ((batch + 1) % 100 == 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    batch {batch + 1,4}  loss {meanLoss:F4}"));
        }
    }

    public override void OnEpochEnd(EpochLogs logs)
    {
        double validation = Trainer!.Evaluate(inputs, targets, batchSize);
        _losses.Add(validation);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  epoch {logs.Epoch + 1}/{_epochs}  loss {logs.Loss:F4} nats ({logs.Loss / Math.Log(2):F3} bpc)  val_loss {validation:F4} nats ({validation / Math.Log(2):F3} bpc)  {logs.Seconds:F1}s"));
    }
}
