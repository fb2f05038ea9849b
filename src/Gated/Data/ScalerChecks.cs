namespace Gated.Data;

/// <summary>Argument checks shared by the scalers.</summary>
internal static class ScalerChecks
{
    /// <summary>Throws unless every value is finite and there is at least one.</summary>
    public static void CheckFitValues(ReadOnlySpan<float> values, string paramName)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("cannot fit a scaler on no values", paramName);
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException($"values[{i}] is {values[i]}; a scaler must be fitted on finite values", paramName);
            }
        }
    }

    /// <summary>
    /// Requires equal lengths and either the same memory or no overlap: the loops read src[i] then write dst[i],
    /// which is safe in place but not when dst starts partway into src.
    /// </summary>
    public static void CheckPair(ReadOnlySpan<float> src, Span<float> dst)
    {
        if (dst.Length != src.Length)
        {
            throw new ArgumentException($"dst has {dst.Length} elements but src has {src.Length}", nameof(dst));
        }

        if (src.Overlaps(dst, out int offset) && offset != 0)
        {
            throw new ArgumentException("dst partly overlaps src; pass the same span for in-place use or separate memory", nameof(dst));
        }
    }

    public static double Get(IReadOnlyDictionary<string, double> state, string kind, string key)
    {
        if (!state.TryGetValue(key, out double value))
        {
            throw new ArgumentException(
                $"the {kind} scaler state lacks '{key}'; it has: {string.Join(", ", state.Keys)}", nameof(state));
        }

        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"the {kind} scaler state has {key} = {value}; it must be finite", nameof(state));
        }

        return value;
    }
}
