namespace Gated.Serialization;

/// <summary>
/// The metadata keys a forecaster's Gated model file carries beside its weights (written by
/// <c>Gated.Forecasting.TutorialForecaster.Save</c>); whoever reads such a file reads these names, from here.
/// </summary>
public static class ForecasterMetadata
{
    /// <summary>Input length in steps, a positive integer.</summary>
    public const string Window = "gated.forecast.window";

    /// <summary>Steps ahead of the window's end that the forecast lies, a positive integer.</summary>
    public const string Horizon = "gated.forecast.horizon";

    /// <summary>The series' name (e.g. the CSV column) the model was trained on; optional.</summary>
    public const string Column = "gated.forecast.column";

    /// <summary>The scaler's kind (see <c>Gated.Data.ScalerFactory.Kinds</c>).</summary>
    public const string Scaler = "gated.forecast.scaler";

    /// <summary>The fitted scaler's state as a JSON object of numbers.</summary>
    public const string ScalerState = "gated.forecast.scaler_state";

    /// <summary>Whether a Gated file's metadata marks it as a forecaster (it records a window).</summary>
    /// <param name="metadata">The file's metadata.</param>
    public static bool IsForecaster(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.ContainsKey(Window);
    }
}
