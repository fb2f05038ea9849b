using System.Globalization;

namespace Gated.Training;

/// <summary>How the monitoring callbacks pick a direction and read the monitored value.</summary>
internal static class MonitorRule
{
    /// <summary>
    /// Resolves Keras's mode: "min", "max", or "auto" — "max" when the name contains "acc" (accuracy), else "min".
    /// An unknown mode throws (Keras warns and falls back to auto; we refuse to guess).
    /// </summary>
    public static string Resolve(string monitor, string mode, string modeParameter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor, nameof(monitor));
        return mode switch
        {
            "min" or "max" => mode,
            "auto" => monitor.Contains("acc", StringComparison.Ordinal) ? "max" : "min",
            _ => throw new ArgumentException($"Mode must be 'auto', 'min' or 'max', got '{mode}'.", modeParameter),
        };
    }

    /// <summary>The monitored value, or InvalidOperationException naming it and the keys present (Keras only warns).</summary>
    public static double Read(EpochLogs logs, string monitor, string callback)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (!logs.TryGet(monitor, out double value))
        {
            string present = logs.Values.Count == 0 ? "none" : string.Join(", ", logs.Values.Keys);
            throw new InvalidOperationException(
                $"{callback} monitors '{monitor}', which epoch {(logs.Epoch + 1).ToString(CultureInfo.InvariantCulture)}'s logs do not have; present: {present}. " +
                "Validation values (val_*) need validation data; metrics need to be compiled.");
        }

        return value;
    }
}
