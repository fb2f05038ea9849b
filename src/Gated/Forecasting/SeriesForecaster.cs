using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Gated.Data;
using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Training;

namespace Gated.Forecasting;

/// <summary>
/// Forecasts one series from its last Window values: a stacked GRU and a Dense head trained on scaled sliding
/// windows. Keeps everything a prediction needs (model, fitted scaler, window, horizon) and saves it as one file.
/// </summary>
public sealed class SeriesForecaster
{
    private const string WindowKey = "gated.forecast.window";
    private const string HorizonKey = "gated.forecast.horizon";
    private const string ColumnKey = "gated.forecast.column";
    private const string ScalerKey = "gated.forecast.scaler";
    private const string ScalerStateKey = "gated.forecast.scaler_state";

    private SeriesForecaster(Sequential model, IScaler scaler, int window, int horizon, string? column)
    {
        Model = model;
        Scaler = scaler;
        Window = window;
        Horizon = horizon;
        Column = column;
    }

    public Sequential Model { get; }

    /// <summary>Fitted on the training part of the series only.</summary>
    public IScaler Scaler { get; }

    public int Window { get; }

    public int Horizon { get; }

    /// <summary>The name of the series (e.g. the CSV column) it was trained on, if known.</summary>
    public string? Column { get; }

    /// <summary>
    /// Splits the series chronologically (the last TestFraction of windows is the test set), fits the scaler on
    /// the values the training windows see, trains, and scores the test set against the persistence baseline.
    /// </summary>
    public static (SeriesForecaster Forecaster, ForecastResult Result) Train(
        ReadOnlySpan<float> series, ForecastOptions options, string? column = null, FitCallback? callback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int window = options.Window, horizon = options.Horizon;
        int windows = series.Length - window - horizon + 1;
        int trainAndValidation = (int)Math.Floor(windows * (1 - options.TestFraction));
        int test = windows - trainAndValidation;
        int validation = trainAndValidation - (int)Math.Floor(trainAndValidation * (1 - options.ValidationSplit));
        if (windows < 2 || trainAndValidation - validation < 1 || test < 1 || (options.ValidationSplit > 0 && validation < 1))
        {
            throw new ArgumentException(
                $"window {window} and horizon {horizon} leave {Math.Max(windows, 0)} windows in a series of {series.Length} values; "
                + "that is too few to split into training, validation and test sets.",
                nameof(series));
        }

        foreach (float v in series)
        {
            if (!float.IsFinite(v))
            {
                throw new ArgumentException("The series holds NaN or infinite values.", nameof(series));
            }
        }

        var scaler = ScalerFactory.Create(options.Scaler);
        scaler.Fit(series[..(trainAndValidation + window + horizon - 1)]);
        var scaled = new float[series.Length];
        scaler.Transform(series, scaled);
        var (inputs, targets) = SlidingWindows.Create(scaled, window, horizon);
        var trainInputs = inputs.SliceBatch(0, trainAndValidation);
        var trainTargets = targets.SliceBatch(0, trainAndValidation);
        var testInputs = inputs.SliceBatch(trainAndValidation, test);

        var model = BuildModel(options);
        model.Compile(new Adam(options.LearningRate), Loss.MeanSquaredError);
        var clock = Stopwatch.StartNew();
        var history = model.Fit(trainInputs, trainTargets, options.Epochs, options.BatchSize, options.ValidationSplit, shuffle: true, options.Seed, callback is null ? null : [callback]);
        double trainSeconds = clock.Elapsed.TotalSeconds;

        var forecaster = new SeriesForecaster(model, scaler, window, horizon, column);
        var predicted = model.Predict(testInputs, options.BatchSize).Data;
        scaler.InverseTransform(predicted, predicted);
        int firstTarget = trainAndValidation + window + horizon - 1;
        var actual = series.Slice(firstTarget, test).ToArray();
        var persistence = series.Slice(firstTarget - horizon, test).ToArray();
        var result = new ForecastResult
        {
            History = history,
            TrainWindows = trainAndValidation - validation,
            ValidationWindows = validation,
            TestWindows = test,
            FirstTestTarget = firstTarget,
            TestActual = actual,
            TestPredicted = predicted,
            TestPersistence = persistence,
            TrainSeconds = trainSeconds,
            NextValue = forecaster.PredictNext(series),
        };
        return (forecaster, result);
    }

    /// <summary>The recurrent stack of the recipe: Layers cells of Units (all but the last return sequences), then Dense(1).</summary>
    public static Sequential BuildModel(ForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var layers = new List<Layer>();
        for (int i = 0; i < options.Layers; i++)
        {
            var recurrent = new RecurrentOptions { ReturnSequences = i < options.Layers - 1 };
            layers.Add(options.Cell switch
            {
                RecurrentKind.Gru => new Gru(options.Units, recurrent, options.Variant),
                RecurrentKind.Lstm => new Lstm(options.Units, recurrent),
                _ => new SimpleRnn(options.Units, recurrent),
            });
        }

        layers.Add(new Dense(1));
        var model = new Sequential(layers);
        model.Build([options.Window, 1], options.Seed);
        return model;
    }

    /// <summary>The forecast for Horizon steps after the last value of the series, in the series' units.</summary>
    public float PredictNext(ReadOnlySpan<float> series)
    {
        if (series.Length < Window)
        {
            throw new ArgumentException($"The model reads the last {Window} values but the series has {series.Length}.", nameof(series));
        }

        var last = new float[Window];
        Scaler.Transform(series[^Window..], last);
        var prediction = Model.Predict(new Tensor(last, 1, Window, 1)).Data;
        Scaler.InverseTransform(prediction, prediction);
        return prediction[0];
    }

    /// <summary>Forecasts for windows of raw values (N, Window, 1) or (N, Window): scaled in, model, scaled back; returns (N, 1).</summary>
    public Tensor PredictWindows(Tensor windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Rank is < 2 or > 3 || windows.Shape[1] != Window || (windows.Rank == 3 && windows.Shape[2] != 1))
        {
            throw new ArgumentException(
                $"The forecaster reads windows of {Window} values, (samples, {Window}) or (samples, {Window}, 1); got {Tensor.FormatShape(windows.Shape)}.", nameof(windows));
        }

        var scaled = new float[windows.Length];
        Scaler.Transform(windows.Data, scaled);
        var prediction = Model.Predict(new Tensor(scaled, windows.Shape[0], Window, 1));
        Scaler.InverseTransform(prediction.Data, prediction.Data);
        return prediction;
    }

    public void Save(string path)
    {
        var metadata = new Dictionary<string, string>
        {
            [WindowKey] = Window.ToString(CultureInfo.InvariantCulture),
            [HorizonKey] = Horizon.ToString(CultureInfo.InvariantCulture),
            [ScalerKey] = Scaler.Kind,
            [ScalerStateKey] = JsonSerializer.Serialize(Scaler.GetState().ToDictionary(p => p.Key, p => p.Value)),
        };
        if (Column is not null)
        {
            metadata[ColumnKey] = Column;
        }

        GatedModelFile.Save(path, Model, metadata);
    }

    /// <summary>Loads a file written by <see cref="Save"/>; a file that is not one throws ModelFormatException.</summary>
    public static SeriesForecaster Load(string path)
    {
        var (model, metadata) = GatedModelFile.Load(path);
        int window = ReadInt(metadata, WindowKey, path);
        int horizon = ReadInt(metadata, HorizonKey, path);
        if (model.InputShape is not [var modelWindow, 1] || modelWindow != window || model.OutputShape is not [1])
        {
            throw new ModelFormatException($"{path}: not a forecasting model (input {Tensor.FormatShape(model.InputShape)}, window {window}).");
        }

        string kind = metadata.TryGetValue(ScalerKey, out string? k) ? k : throw new ModelFormatException($"{path}: no scaler saved with the model.");
        IScaler scaler;
        try
        {
            var state = JsonSerializer.Deserialize<Dictionary<string, double>>(metadata.GetValueOrDefault(ScalerStateKey, "null"))
                ?? throw new ModelFormatException($"{path}: the scaler state is missing.");
            scaler = ScalerFactory.FromState(kind, state);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ModelFormatException($"{path}: the saved scaler is unusable ({e.Message}).", e);
        }

        return new SeriesForecaster(model, scaler, window, horizon, metadata.GetValueOrDefault(ColumnKey));
    }

    private static int ReadInt(IReadOnlyDictionary<string, string> metadata, string key, string path) =>
        metadata.TryGetValue(key, out string? text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ModelFormatException($"{path}: not a forecasting model ('{key}' is missing or invalid).");
}
