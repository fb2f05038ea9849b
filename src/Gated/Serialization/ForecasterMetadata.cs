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

    /// <summary>Which recipe wrote the file: <see cref="GlobalRecipe"/> for <c>Gated.Forecasting.Forecaster</c>; absent for the tutorial recipe's files.</summary>
    public const string Recipe = "gated.forecast.recipe";

    /// <summary>The <see cref="Recipe"/> value of <c>Gated.Forecasting.Forecaster</c>'s files.</summary>
    public const string GlobalRecipe = "global-v1";

    /// <summary>The forecaster's options as JSON.</summary>
    public const string Options = "gated.forecast.options";

    /// <summary>The calendar features read, as <c>Gated.Time.CalendarFeatures.Format</c> writes them.</summary>
    public const string Calendar = "gated.forecast.calendar";

    /// <summary>Columns, frequency and timestamp form of the training data, as JSON.</summary>
    public const string Schema = "gated.forecast.schema";

    /// <summary>Each series' fitted scaling, as a JSON object keyed by series ("" for a single series).</summary>
    public const string Scalings = "gated.forecast.scalings";

    /// <summary>What every forecaster key starts with.</summary>
    public const string Prefix = "gated.forecast.";

    /// <summary>
    /// The forecaster's recipe in a file's metadata: every key under <see cref="Prefix"/> (window, horizon, column,
    /// scaler or scalings, options, calendar, schema), without the architecture or anything else. An ONNX export carries
    /// these as its metadata_props.
    /// </summary>
    /// <param name="metadata">A model file's metadata.</param>
    public static Dictionary<string, string> Of(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.Where(p => p.Key.StartsWith(Prefix, StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    /// <summary>Whether a Gated file's metadata marks it as a forecaster (it records a window).</summary>
    /// <param name="metadata">The file's metadata.</param>
    public static bool IsForecaster(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.ContainsKey(Window);
    }
}
