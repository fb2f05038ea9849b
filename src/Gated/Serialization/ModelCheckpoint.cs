using System.Globalization;
using Gated.Models;
using Gated.Training;

namespace Gated.Serialization;

/// <summary>
/// Writes a <see cref="TrainingCheckpoint"/> (weights, optimizer state, shuffling state) at the end of every epoch,
/// or with saveBestOnly only when the monitored value beats the best so far (strictly: &lt; in mode "min",
/// &gt; in "max", as Keras). "{epoch}" in the path becomes the 1-based epoch number, so each epoch can keep its
/// own file; without it the file is overwritten. Files are written atomically (temporary name, then rename).
/// It lives here rather than in Gated.Training because it writes files. A <see cref="Sequential"/> is saved as a
/// TrainingCheckpoint; a functional <see cref="Model"/> as a Gated model file of its graph and weights (what
/// <see cref="GatedModelFile.LoadFunctional"/> reads; its optimizer and shuffling state are not kept yet).
/// </summary>
public sealed class ModelCheckpoint : FitCallback
{
    private readonly bool _higherIsBetter;
    private readonly List<string> _saved = [];

    /// <summary>A checkpoint callback writing to path ("{epoch}" allowed), monitoring monitor when saveBestOnly.</summary>
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

    /// <summary>The log entry compared with <see cref="Best"/> when <see cref="SaveBestOnly"/> is on.</summary>
    public string Monitor { get; }

    /// <summary>Whether only epochs that beat the best monitored value so far are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Resolved direction: "min" or "max".</summary>
    public string Mode { get; }

    /// <summary>Best monitored value saved so far (only tracked with saveBestOnly).</summary>
    public double Best { get; private set; }

    /// <summary>Every file written, in order.</summary>
    public IReadOnlyList<string> SavedPaths => _saved;

    /// <summary>The file for a zero-based epoch.</summary>
    public string PathFor(int epoch) => Path.Replace("{epoch}", (epoch + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Saves the model as it stands after this epoch, if every epoch is saved or this one is the best.</summary>
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

        string path = PathFor(logs.Epoch);
        switch (Model)
        {
            case Sequential sequential:
                TrainingCheckpoint.Save(path, sequential);
                break;
            case Model functional:
                // Weights and graph (GatedModelFile.LoadFunctional reads it); a functional model's run state is not saved yet.
                GatedModelFile.Save(path, functional);
                break;
            case null:
                throw new InvalidOperationException("ModelCheckpoint needs the model; Fit sets Trainer before training.");
            default:
                throw new NotSupportedException($"ModelCheckpoint saves Sequential and functional models; this one is a {Model.GetType().Name}.");
        }

        _saved.Add(path);
    }
}
