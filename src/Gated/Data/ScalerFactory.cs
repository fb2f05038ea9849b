namespace Gated.Data;

/// <summary>Creates scalers by kind name, fresh or restored from <see cref="IScaler.GetState"/> (as model files store them).</summary>
public static class ScalerFactory
{
    /// <summary>The kinds this factory knows, in the spelling <see cref="IScaler.Kind"/> uses.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["minmax", "standard"];

    /// <summary>An unfitted scaler of <paramref name="kind"/> ("minmax" maps to [0, 1]).</summary>
    public static IScaler Create(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return kind switch
        {
            "minmax" => new MinMaxScaler(),
            "standard" => new StandardScaler(),
            _ => throw UnknownKind(kind),
        };
    }

    /// <summary>A fitted scaler of <paramref name="kind"/> with the numbers <see cref="IScaler.GetState"/> returned.</summary>
    public static IScaler FromState(string kind, IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(state);
        return kind switch
        {
            "minmax" => MinMaxScaler.FromState(state),
            "standard" => StandardScaler.FromState(state),
            _ => throw UnknownKind(kind),
        };
    }

    private static ArgumentException UnknownKind(string kind) =>
        new($"unknown scaler kind '{kind}'; known kinds: {string.Join(", ", Kinds)}", nameof(kind));
}
