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
public sealed class TutorialForecaster
{
    private TutorialForecaster(Sequential model, IScaler scaler, int window, int horizon, string? column)
    {
        Model = model;
        Scaler = scaler;
        Window = window;
        Horizon = horizon;
        Column = column;
    }

    /// <summary>The trained network: stacked recurrent cells and a Dense head (<see cref="StackedRecurrent"/>), on scaled values.</summary>
    public Sequential Model { get; }

    /// <summary>Fitted on the training part of the series only.</summary>
    public IScaler Scaler { get; }

    /// <summary>How many past values a forecast reads.</summary>
    public int Window { get; }

    /// <summary>How many steps after the window's end the forecast lies.</summary>
    public int Horizon { get; }

    /// <summary>The name of the series (e.g. the CSV column) it was trained on, if known.</summary>
    public string? Column { get; }

    /// <summary>
    /// Splits the series chronologically (<see cref="TutorialSplit"/>: the last TestFraction of windows is the test
    /// set), fits the scaler on the values the training windows see, trains, and scores the test set against the
    /// persistence baseline. Invalid options, or a series too short for them, throw <see cref="InvalidOptionException"/>.
    /// </summary>
    /// <param name="series">The values, oldest first; all finite.</param>
    /// <param name="options">The recipe.</param>
    /// <param name="column">The series' name (e.g. its CSV column), saved with the model; optional.</param>
    /// <param name="callback">Told about every epoch and batch (e.g. a progress bar); optional.</param>
    /// <param name="model">The network to train, as <see cref="BuildModel"/> made it for these options (for example
    /// after printing its summary); null builds it.</param>
    public static (TutorialForecaster Forecaster, TutorialResult Result) Train(
        ReadOnlySpan<float> series, TutorialOptions options, string? column = null, FitCallback? callback = null, Sequential? model = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var split = TutorialSplit.Of(series.Length, options);
        split.ThrowIfUnusable(column is null ? null : $"column '{column}'");
        int window = options.Window, horizon = options.Horizon;
        foreach (float v in series)
        {
            if (!float.IsFinite(v))
            {
                throw new ArgumentException("The series holds NaN or infinite values.", nameof(series));
            }
        }

        if (model is not null && (model.InputShape is not [var steps, 1] || steps != window || model.OutputShape is not [1]))
        {
            throw new ArgumentException($"The model reads {Tensor.FormatShape(model.InputShape)}; these options need ({window}, 1) → (1).", nameof(model));
        }

        var scaler = ScalerFactory.Create(options.Scaler);
        scaler.Fit(series[..split.FitValues]);
        var scaled = new float[series.Length];
        scaler.Transform(series, scaled);
        var (inputs, targets) = SlidingWindows.Create(scaled, window, horizon);
        var trainInputs = inputs.SliceBatch(0, split.FitWindows);
        var trainTargets = targets.SliceBatch(0, split.FitWindows);
        var testInputs = inputs.SliceBatch(split.FitWindows, split.TestWindows);

        model ??= BuildModel(options);
        model.Compile(new Adam(options.LearningRate), Loss.MeanSquaredError);
        var clock = Stopwatch.StartNew();
        var history = model.Fit(trainInputs, trainTargets, options.Epochs, options.BatchSize, options.ValidationSplit, shuffle: true, options.Seed, callback is null ? null : [callback]);
        double trainSeconds = clock.Elapsed.TotalSeconds;

        var forecaster = new TutorialForecaster(model, scaler, window, horizon, column);
        var predicted = model.Predict(testInputs, options.BatchSize).Data;
        scaler.InverseTransform(predicted, predicted);
        int firstTarget = split.FirstTestTarget;
        var actual = series.Slice(firstTarget, split.TestWindows).ToArray();
        var persistence = series.Slice(firstTarget - horizon, split.TestWindows).ToArray();
        var result = new TutorialResult
        {
            History = history,
            TrainWindows = split.TrainWindows,
            ValidationWindows = split.ValidationWindows,
            TestWindows = split.TestWindows,
            FirstTestTarget = firstTarget,
            TestActual = actual,
            TestPredicted = predicted,
            TestPersistence = persistence,
            TrainSeconds = trainSeconds,
            NextValue = forecaster.PredictNext(series),
        };
        return (forecaster, result);
    }

    /// <summary>
    /// The network of the recipe, built and seeded but not trained: <see cref="StackedRecurrent.Build"/> with Layers
    /// cells of Units over windows of (Window, 1). Invalid options throw <see cref="InvalidOptionException"/>.
    /// </summary>
    /// <param name="options">The recipe.</param>
    public static Sequential BuildModel(TutorialOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return StackedRecurrent.Build(options.Cell, options.Units, options.Layers, options.Window, features: 1, options.Seed, options.Variant);
    }

    /// <summary>The forecast for Horizon steps after the last value of the series, in the series' units.</summary>
    /// <param name="series">At least the last <see cref="Window"/> values, oldest first.</param>
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

    /// <summary>Null when <see cref="PredictWindows"/> accepts windows of this shape, otherwise why not, in one sentence.</summary>
    public string? CheckWindowShape(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return shape.Count is < 2 or > 3 || shape[1] != Window || (shape.Count == 3 && shape[2] != 1)
            ? $"The forecaster reads windows of {Window} values, (samples, {Window}) or (samples, {Window}, 1); got {Tensor.FormatShape(shape.ToArray())}."
            : null;
    }

    /// <summary>Forecasts for windows of raw values (N, Window, 1) or (N, Window): scaled in, model, scaled back; returns (N, 1).</summary>
    /// <param name="windows">The windows, in the series' units.</param>
    public Tensor PredictWindows(Tensor windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (CheckWindowShape(windows.Shape) is { } problem)
        {
            throw new ArgumentException(problem, nameof(windows));
        }

        var scaled = new float[windows.Length];
        Scaler.Transform(windows.Data, scaled);
        var prediction = Model.Predict(new Tensor(scaled, windows.Shape[0], Window, 1));
        Scaler.InverseTransform(prediction.Data, prediction.Data);
        return prediction;
    }

    /// <summary>Writes the model and everything a prediction needs (<see cref="ForecasterMetadata"/>) to one Gated file.</summary>
    /// <param name="path">The file to write (.safetensors), replaced whole or not at all.</param>
    public void Save(string path)
    {
        var metadata = new Dictionary<string, string>
        {
            [ForecasterMetadata.Window] = Window.ToString(CultureInfo.InvariantCulture),
            [ForecasterMetadata.Horizon] = Horizon.ToString(CultureInfo.InvariantCulture),
            [ForecasterMetadata.Scaler] = Scaler.Kind,
            [ForecasterMetadata.ScalerState] = JsonSerializer.Serialize(Scaler.GetState().ToDictionary(p => p.Key, p => p.Value), ForecastingJson.Default.DictionaryStringDouble),
        };
        if (Column is not null)
        {
            metadata[ForecasterMetadata.Column] = Column;
        }

        GatedModelFile.Save(path, Model, metadata);
    }

    /// <summary>Loads a file written by <see cref="Save"/>; a file that is not one throws ModelFormatException.</summary>
    /// <param name="path">The forecaster's model file.</param>
    public static TutorialForecaster Load(string path)
    {
        var (model, metadata) = GatedModelFile.Load(path);
        int window = ReadInt(metadata, ForecasterMetadata.Window, path);
        int horizon = ReadInt(metadata, ForecasterMetadata.Horizon, path);
        if (model.InputShape is not [var modelWindow, 1] || modelWindow != window || model.OutputShape is not [1])
        {
            throw new ModelFormatException($"{path}: not a forecasting model (input {Tensor.FormatShape(model.InputShape)}, window {window}).");
        }

        string kind = metadata.TryGetValue(ForecasterMetadata.Scaler, out string? k) ? k : throw new ModelFormatException($"{path}: no scaler saved with the model.");
        IScaler scaler;
        try
        {
            var state = JsonSerializer.Deserialize(metadata.GetValueOrDefault(ForecasterMetadata.ScalerState, "null"), ForecastingJson.Default.DictionaryStringDouble)
                ?? throw new ModelFormatException($"{path}: the scaler state is missing.");
            scaler = ScalerFactory.FromState(kind, state);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ModelFormatException($"{path}: the saved scaler is unusable ({e.Message}).", e);
        }

        return new TutorialForecaster(model, scaler, window, horizon, metadata.GetValueOrDefault(ForecasterMetadata.Column));
    }

    private static int ReadInt(IReadOnlyDictionary<string, string> metadata, string key, string path) =>
        metadata.TryGetValue(key, out string? text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ModelFormatException($"{path}: not a forecasting model ('{key}' is missing or invalid).");
}
