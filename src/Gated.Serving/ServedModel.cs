using System.Collections.Concurrent;
using System.Text.Json;
using Gated.Forecasting;
using Gated.Models;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Time;

namespace Gated.Serving;

/// <summary>
/// One model behind the server: loaded once, answered from a pool of predictors that share its weights (each used by
/// one request at a time, so predictions run in parallel and equal a lone call's bit for bit), and, for a forecaster,
/// its forecasting recipe.
/// </summary>
internal sealed class ServedModel
{
    private readonly ConcurrentBag<Predictor> _predictors = [];

    private ServedModel(string name, string path, ModelFormat format, Sequential model, Forecaster? forecaster)
    {
        Name = name;
        Path = path;
        Format = format;
        Model = model;
        Forecaster = forecaster;
        InputSize = JsonTensors.Size(model.InputShape);
        OutputSize = JsonTensors.Size(model.OutputShape);
        // A stream reads one timestep: the features of a (time, features) input, or one token of an Embedding's (time).
        StepShape = model.InputShape.Length >= 2 ? model.InputShape[1..] : [];
    }

    public string Name { get; }

    public string Path { get; }

    public ModelFormat Format { get; }

    public Sequential Model { get; }

    /// <summary>Set when the file is a forecaster of the default recipe: it also answers :forecast.</summary>
    public Forecaster? Forecaster { get; }

    public int InputSize { get; }

    public int OutputSize { get; }

    /// <summary>The shape of one timestep a session reads.</summary>
    public int[] StepShape { get; }

    /// <summary>Loads any model file the library reads; a forecaster's Gated file keeps its recipe.</summary>
    public static ServedModel Load(string name, string path)
    {
        var format = ModelFormats.Detect(path);
        if (format == ModelFormat.Gated && Forecaster.IsForecaster(GatedModelFile.Load(path).Metadata))
        {
            var forecaster = Forecaster.Load(path);
            return new ServedModel(name, path, format, forecaster.Model, forecaster);
        }

        return new ServedModel(name, path, format, ModelFormats.Load(path), null);
    }

    /// <summary>Runs count instances (flat, count × InputSize) through a pooled predictor.</summary>
    public float[] Predict(float[] input, int count)
    {
        var output = new float[checked(count * OutputSize)];
        var predictor = Rent();
        try
        {
            predictor.Predict(input, count, output);
        }
        finally
        {
            _predictors.Add(predictor);
        }

        return output;
    }

    /// <summary>A stream of one sequence with state of its own (a session owns it until it ends).</summary>
    public ModelStream CreateStream() => Model.CreateStream(1);

    /// <summary>The forecast after the history in a :forecast body.</summary>
    public ForecastOutput Forecast(JsonElement body)
    {
        var forecaster = Forecaster ?? throw RequestException.BadRequest($"model '{Name}' is not a forecaster; use :predict");
        var data = ForecastRequest.Read(body, forecaster, Name);
        try
        {
            return forecaster.Forecast(data)[0];
        }
        catch (ArgumentException e)
        {
            throw RequestException.BadRequest(e.Message);
        }
    }

    /// <summary>GET /v1/models/NAME: TensorFlow Serving's version status, and what the model reads and writes.</summary>
    public void WriteStatus(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("model_version_status");
        writer.WriteStartObject();
        writer.WriteString("version", "1");
        writer.WriteString("state", "AVAILABLE");
        writer.WriteStartObject("status");
        writer.WriteString("error_code", "OK");
        writer.WriteString("error_message", "");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartObject("metadata");
        writer.WriteString("name", Name);
        writer.WriteString("format", Format.ToString());
        WriteShape(writer, "input_shape", Model.InputShape);
        WriteShape(writer, "output_shape", Model.OutputShape);
        writer.WriteNumber("parameters", Model.ParameterCount);
        writer.WriteStartArray("layers");
        foreach (var layer in Model.Layers)
        {
            writer.WriteStartObject();
            writer.WriteString("type", layer.TypeName);
            WriteShape(writer, "output_shape", layer.OutputShape);
            writer.WriteNumber("parameters", layer.ParameterCount);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (Forecaster is { } f)
        {
            writer.WriteStartObject("forecaster");
            writer.WriteString("target", f.Schema.TargetName);
            writer.WriteStartArray("covariates");
            foreach (string c in f.Schema.CovariateNames)
            {
                writer.WriteStringValue(c);
            }

            writer.WriteEndArray();
            writer.WriteString("frequency", f.Schema.Frequency.Name);
            writer.WriteString("calendar", CalendarFeatures.Format(f.Calendar));
            writer.WriteNumber("window", f.Options.Window);
            writer.WriteNumber("horizon", f.Options.Horizon);
            writer.WriteStartArray("quantiles");
            foreach (float q in f.Quantiles)
            {
                writer.WriteNumberValue(q);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteShape(Utf8JsonWriter writer, string name, int[] shape)
    {
        writer.WriteStartArray(name);
        writer.WriteNullValue();
        foreach (int d in shape)
        {
            writer.WriteNumberValue(d);
        }

        writer.WriteEndArray();
    }

    private Predictor Rent() => _predictors.TryTake(out var predictor) ? predictor : Model.CreatePredictor();
}
