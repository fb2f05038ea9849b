namespace Gated.Training;

/// <summary>What one epoch measured: "loss", "val_loss" and each metric with its "val_" twin, as Keras names them.</summary>
public sealed class EpochLogs
{
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);

    /// <summary>Empty logs for a zero-based epoch that took seconds.</summary>
    public EpochLogs(int epoch, double seconds)
    {
        Epoch = epoch;
        Seconds = seconds;
    }

    /// <summary>Zero-based epoch index.</summary>
    public int Epoch { get; }

    /// <summary>Wall-clock duration of the epoch, validation included.</summary>
    public double Seconds { get; }

    /// <summary>Every logged value by name.</summary>
    public IReadOnlyDictionary<string, double> Values => _values;

    /// <summary>The sample-weighted mean training loss.</summary>
    public double Loss => _values["loss"];

    /// <summary>The validation loss; null when Fit had no validation data.</summary>
    public double? ValidationLoss => _values.TryGetValue("val_loss", out double v) ? v : null;

    /// <summary>The value logged under name; KeyNotFoundException naming the keys present when there is none.</summary>
    public double this[string name] => _values.TryGetValue(name, out double v)
        ? v
        : throw new KeyNotFoundException($"No '{name}' in this epoch's logs; present: {string.Join(", ", _values.Keys)}.");

    /// <summary>The value logged under name, if any.</summary>
    public bool TryGet(string name, out double value) => _values.TryGetValue(name, out value);

    /// <summary>Logs value under name, replacing an earlier one.</summary>
    public void Set(string name, double value) => _values[name] = value;

    /// <summary>A copy with the epoch's duration filled in.</summary>
    public EpochLogs WithSeconds(double seconds)
    {
        var copy = new EpochLogs(Epoch, seconds);
        foreach (var (name, value) in _values)
        {
            copy.Set(name, value);
        }

        return copy;
    }
}
