using System.Text.Json.Serialization;

namespace Gated.Layers;

/// <summary>
/// Source-generated JSON for a layer configuration nested inside another's (Bidirectional's inner layer), so it
/// needs no reflection (trimming, Native AOT). Default options: the text matches what the reflection serializer wrote.
/// </summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class LayerConfigJson : JsonSerializerContext;
