namespace Gated.Training;

/// <summary>What one epoch measured: "loss", "val_loss" and each metric with its "val_" twin, as Keras names them.</summary>
public sealed class EpochLogs
{
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);

    public EpochLogs(int epoch, double seconds)
    {
        Epoch = epoch;
        Seconds = seconds;
    }

    /// <summary>Zero-based epoch index.</summary>
    public int Epoch { get; }

    public double Seconds { get; }

    public IReadOnlyDictionary<string, double> Values => _values;

    public double Loss => _values["loss"];

    public double? ValidationLoss => _values.TryGetValue("val_loss", out double v) ? v : null;

    public double this[string name] => _values.TryGetValue(name, out double v)
        ? v
        : throw new KeyNotFoundException($"No '{name}' in this epoch's logs; present: {string.Join(", ", _values.Keys)}.");

    public bool TryGet(string name, out double value) => _values.TryGetValue(name, out value);

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
