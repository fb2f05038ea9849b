using System.Globalization;
using Gated.Training;

namespace Gated.Cli;

/// <summary>
/// Keras-style progress: a bar per epoch with the running loss, redrawn in place on a terminal; when output is
/// redirected, one line per finished epoch so logs stay readable.
/// </summary>
internal sealed class ProgressBar(TextWriter output, bool interactive) : FitCallback
{
    private const int Width = 30;
    private int _epochs;
    private int _batches;
    private DateTime _epochStart;
    private DateTime _lastDraw;

    public override void OnTrainBegin(int epochs, int batchesPerEpoch, int trainSamples, int validationSamples)
    {
        _epochs = epochs;
        _batches = batchesPerEpoch;
    }

    public override void OnEpochBegin(int epoch)
    {
        _epochStart = DateTime.UtcNow;
        _lastDraw = DateTime.MinValue;
    }

    public override void OnBatchEnd(int epoch, int batch, double meanLoss)
    {
        var now = DateTime.UtcNow;
        if (!interactive || (now - _lastDraw).TotalMilliseconds < 100)
        {
            return;
        }

        _lastDraw = now;
        output.Write("\r" + Line(epoch, batch + 1, (now - _epochStart).TotalSeconds, $"loss: {meanLoss:F5}"));
    }

    public override void OnEpochEnd(EpochLogs logs)
    {
        string values = string.Join(" - ", logs.Values.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: {p.Value:F5}")));
        output.WriteLine((interactive ? "\r" : "") + Line(logs.Epoch, _batches, logs.Seconds, values));
    }

    private string Line(int epoch, int done, double seconds, string losses)
    {
        int filled = _batches == 0 ? Width : done * Width / _batches;
        string bar = new string('=', filled) + (filled < Width ? ">" + new string('.', Width - filled - 1) : "");
        string width = _epochs.ToString(CultureInfo.InvariantCulture);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Epoch {(epoch + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width.Length)}/{width} [{bar}] {done,4}/{_batches} - {seconds,5:F1}s - {losses}");
    }
}
