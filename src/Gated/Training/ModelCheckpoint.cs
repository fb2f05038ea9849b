using System.Globalization;
using Gated.Serialization;

namespace Gated.Training;

/// <summary>
/// Writes a <see cref="TrainingCheckpoint"/> (weights, optimizer state, shuffling state) at the end of every epoch,
/// or with saveBestOnly only when the monitored value beats the best so far (strictly: &lt; in mode "min",
/// &gt; in "max", as Keras). "{epoch}" in the path becomes the 1-based epoch number, so each epoch can keep its
/// own file; without it the file is overwritten. Files are written atomically (temporary name, then rename).
/// </summary>
public sealed class ModelCheckpoint : FitCallback
{
    private readonly bool _higherIsBetter;
    private readonly List<string> _saved = [];

    public ModelCheckpoint(string path, string monitor = "val_loss", bool saveBestOnly = false, string mode = "auto")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Mode = MonitorRule.Resolve(monitor, mode, nameof(mode));
        Path = path;
        Monitor = monitor;
        SaveBestOnly = saveBestOnly;
        _higherIsBetter = Mode == "max";

        // As Keras, best lives as long as the callback, so a second Fit only saves what beats the first.
        Best = _higherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>The path pattern; "{epoch}" is replaced by the 1-based epoch.</summary>
    public string Path { get; }

    public string Monitor { get; }

    public bool SaveBestOnly { get; }

    /// <summary>Resolved direction: "min" or "max".</summary>
    public string Mode { get; }

    /// <summary>Best monitored value saved so far (only tracked with saveBestOnly).</summary>
    public double Best { get; private set; }

    /// <summary>Every file written, in order.</summary>
    public IReadOnlyList<string> SavedPaths => _saved;

    /// <summary>The file for a zero-based epoch.</summary>
    public string PathFor(int epoch) => Path.Replace("{epoch}", (epoch + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public override void OnEpochEnd(EpochLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (SaveBestOnly)
        {
            double current = MonitorRule.Read(logs, Monitor, nameof(ModelCheckpoint));
            if (!(_higherIsBetter ? current > Best : current < Best))
            {
                return;
            }

            Best = current;
        }

        var model = Model ?? throw new InvalidOperationException("ModelCheckpoint needs the model; Fit sets Model before training.");
        string path = PathFor(logs.Epoch);
        TrainingCheckpoint.Save(path, model);
        _saved.Add(path);
    }
}
