using System.Text.Json.Serialization;

namespace Gated.Cli;

/// <summary>
/// Source-generated JSON for `gated bench --json` (a dictionary of numbers, strings and one nested dictionary), so
/// the command needs no reflection (trimming, Native AOT); every value type it holds is listed.
/// </summary>
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(string))]
internal sealed partial class BenchJson : JsonSerializerContext;
