using System.Text.Json;
using Gated.Data;
using Gated.Forecasting;
using Gated.Time;

namespace Gated.Serving;

/// <summary>
/// The body of POST /v1/models/NAME:forecast: the recent history of one series —
/// <c>{"timestamps": [...], "target": [...], "covariates": {"name": [...]}, "series": "id"}</c> (covariates when the
/// model reads them; series for a model trained on many) — as a <see cref="TimeSeriesSet"/> the forecaster checks.
/// </summary>
internal static class ForecastRequest
{
    private const string Source = "request";

    private static readonly string[] Fields = ["timestamps", "target", "covariates", "series"];

    public static TimeSeriesSet Read(JsonElement body, Forecaster forecaster, string model)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw RequestException.BadRequest("body: expected an object with \"timestamps\" and \"target\" (and \"covariates\" where the model reads them)");
        }

        foreach (var property in body.EnumerateObject())
        {
            if (!Fields.Contains(property.Name))
            {
                throw RequestException.BadRequest($"{property.Name}: unknown field; a forecast reads {string.Join(", ", Fields)}");
            }
        }

        var schema = forecaster.Schema;
        int window = forecaster.Options.Window;
        string[] stamps = Strings(Required(body, "timestamps"), "timestamps");
        float[] target = Numbers(Required(body, "target"), "target", stamps.Length);
        if (stamps.Length < window)
        {
            throw RequestException.BadRequest($"timestamps: {stamps.Length} points; model '{model}' reads the last {window}");
        }

        var covariates = new float[schema.CovariateNames.Count][];
        body.TryGetProperty("covariates", out var given);
        if (schema.CovariateNames.Count > 0 && given.ValueKind != JsonValueKind.Object)
        {
            throw RequestException.BadRequest($"covariates: expected an object with {string.Join(", ", schema.CovariateNames.Select(c => $"\"{c}\""))}, each an array of {stamps.Length} numbers");
        }

        if (given.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in given.EnumerateObject())
            {
                if (!schema.CovariateNames.Contains(property.Name))
                {
                    throw RequestException.BadRequest($"covariates.{property.Name}: the model reads no such covariate (it reads [{string.Join(", ", schema.CovariateNames)}])");
                }
            }
        }

        for (int c = 0; c < covariates.Length; c++)
        {
            string name = schema.CovariateNames[c];
            covariates[c] = given.TryGetProperty(name, out var values)
                ? Numbers(values, $"covariates.{name}", stamps.Length)
                : throw RequestException.BadRequest($"covariates.{name}: missing; expected an array of {stamps.Length} numbers");
        }

        string? series = null;
        if (body.TryGetProperty("series", out var id))
        {
            series = id.ValueKind == JsonValueKind.String ? id.GetString() : throw RequestException.BadRequest($"series: expected a string; got {JsonTensors.Describe(id)}");
        }

        if (schema.SeriesColumn is not null && series is null)
        {
            throw RequestException.BadRequest($"series: the model was trained on many series (column '{schema.SeriesColumn}'); name the series");
        }

        try
        {
            // Row i is "line" i + 1, so a message can name the index.
            int[] lines = [.. Enumerable.Range(1, stamps.Length)];
            var times = Timestamps.Parse(stamps, "timestamps", Source, out var kind, lines);
            var regular = TimeGrid.Regularize(times, [target, .. covariates], [schema.TargetName, .. schema.CovariateNames], schema.Frequency, GapFill.None, Source, kind, lines);
            return new TimeSeriesSet
            {
                Source = Source,
                TargetName = schema.TargetName,
                CovariateNames = schema.CovariateNames,
                TimeColumn = schema.TimeColumn,
                SeriesColumn = schema.SeriesColumn,
                Frequency = schema.Frequency,
                TimestampKind = kind,
                Series = [new TimeSeries(series, regular.Times, regular.Columns[0], regular.Columns[1..])],
            };
        }
        catch (DataFormatException e) when (e.Line is int line)
        {
            // The messages name rows as file lines; in a request they are indexes of "timestamps" (also in "(also on line N)").
            string prefix = $"{Source} line {line}: ";
            string problem = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
            problem = problem.Replace("; use --fill ffill or --fill linear to fill gaps", "; send evenly spaced timestamps", StringComparison.Ordinal);
            throw RequestException.BadRequest($"timestamps[{line - 1}]: {problem}");
        }
        catch (DataFormatException e)
        {
            throw RequestException.BadRequest(e.Message);
        }
    }

    private static JsonElement Required(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) ? value : throw RequestException.BadRequest($"{name}: missing");

    private static string[] Strings(JsonElement array, string field)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw RequestException.BadRequest($"{field}: expected an array of ISO 8601 timestamps; got {JsonTensors.Describe(array)}");
        }

        return [.. array.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw RequestException.BadRequest($"{field}[{i}]: expected an ISO 8601 timestamp string; got {JsonTensors.Describe(e)}"))];
    }

    private static float[] Numbers(JsonElement array, string field, int length)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() != length)
        {
            throw RequestException.BadRequest($"{field}: expected an array of {length} numbers (one per timestamp); got {JsonTensors.Describe(array)}");
        }

        var values = new float[length];
        JsonTensors.ReadOne(array, [length], values, field);
        return values;
    }
}
