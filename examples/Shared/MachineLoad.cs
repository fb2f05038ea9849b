using System.Globalization;

namespace Gated.Examples.Shared;

/// <summary>Cores and load average, printed beside timings so a reader can judge them.</summary>
internal static class MachineLoad
{
    public static string Describe()
    {
        string cores = $"{Environment.ProcessorCount} cores";
        try
        {
            // /proc/loadavg: "1-min 5-min 15-min running/total last-pid"; absent outside Linux.
            string[] fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return string.Create(CultureInfo.InvariantCulture, $"{cores}, load average {fields[0]} {fields[1]} {fields[2]}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return cores;
        }
    }
}
