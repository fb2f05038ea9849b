namespace Gated.Training;

/// <summary>What Fit measured, one entry per epoch under Keras's names: loss, val_loss, metrics, val_metrics.</summary>
public sealed class History
{
    private readonly Dictionary<string, List<double>> _values = new(StringComparer.Ordinal);
    private readonly List<double> _seconds = [];

    /// <summary>The sample-weighted mean training loss of each epoch.</summary>
    public IReadOnlyList<double> Loss => Get("loss");

    /// <summary>Empty when Fit had no validation data.</summary>
    public IReadOnlyList<double> ValidationLoss => Get("val_loss");

    /// <summary>Wall-clock duration of each epoch.</summary>
    public IReadOnlyList<double> EpochSeconds => _seconds;

    /// <summary>How many epochs ran.</summary>
    public int Epochs => _seconds.Count;

    /// <summary>Every logged name ("loss", "val_loss", metrics).</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>The per-epoch values of one log entry; empty if it was never logged.</summary>
    public IReadOnlyList<double> Get(string name) => _values.TryGetValue(name, out var list) ? list : [];

    internal void Add(EpochLogs logs)
    {
        foreach (var (name, value) in logs.Values)
        {
            if (!_values.TryGetValue(name, out var list))
            {
                _values[name] = list = [];
            }

            list.Add(value);
        }

        _seconds.Add(logs.Seconds);
    }
}
