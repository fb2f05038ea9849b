using System.Text.Json.Serialization;

namespace Gated.Forecasting;

/// <summary>
/// Source-generated JSON for what the forecasters keep in a model file's metadata, so saving and loading need no
/// reflection (trimming, Native AOT). Default options: the text matches what the reflection serializer wrote.
/// </summary>
[JsonSerializable(typeof(SavedOptions))]
[JsonSerializable(typeof(ForecasterSchema.Saved))]
[JsonSerializable(typeof(Dictionary<string, SeriesScaling>))]
[JsonSerializable(typeof(Dictionary<string, double>))]
internal sealed partial class ForecastingJson : JsonSerializerContext;
