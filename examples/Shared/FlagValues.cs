using System.Globalization;

namespace Gated.Examples.Shared;

/// <summary>Parses one flag's value for the examples; a bad value throws ArgumentException naming the flag.</summary>
internal static class FlagValues
{
    public static ulong Seed64(string flag, string value) =>
        ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)
            ? seed
            : throw new ArgumentException($"{flag} must be a non-negative integer, got '{value}'");

    public static int Int(string flag, string value, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min
            ? n
            : throw new ArgumentException($"{flag} must be an integer of at least {min}, got '{value}'");

    public static float Positive(string flag, string value) =>
        float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float x) && float.IsFinite(x) && x > 0
            ? x
            : throw new ArgumentException($"{flag} must be a positive number, got '{value}'");

    public static double Fraction(string flag, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x > 0 && x < 1
            ? x
            : throw new ArgumentException($"{flag} must be in (0, 1), got '{value}'");

    public static double Rate(string flag, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x >= 0 && x < 1
            ? x
            : throw new ArgumentException($"{flag} must be in [0, 1), got '{value}'");

    public static bool Bool(string flag, string value) => value.ToLowerInvariant() switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => throw new ArgumentException($"{flag} must be true or false, got '{value}'"),
    };
}
