using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Gated.IO;
using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Time;
using Gated.Training;

namespace Gated.Forecasting;

/// <summary>
/// A global recurrent forecaster: one network over every series of a <see cref="TimeSeriesSet"/>, reading a window
/// of the target, the covariates and calendar features, forecasting steps 1..H directly (or one step, fed back) as
/// points or as non-crossing quantiles. <see cref="Train"/> fits it and scores it against the naive baselines on the
/// test period; <see cref="Forecast(TimeSeriesSet)"/> forecasts after the data ends; <see cref="Save"/> and
/// <see cref="Load"/> keep everything a forecast needs in one file.
/// </summary>
public sealed class Forecaster
{
    private const string SingleSeriesKey = "";

    private readonly Dictionary<string, SeriesScaling> _scalings;
    private readonly WindowEncoder _encoder;

    private Forecaster(Sequential model, ForecastOptions options, CalendarFeature calendar, ForecasterSchema schema, Dictionary<string, SeriesScaling> scalings)
    {
        Model = model;
        Options = options;
        Calendar = calendar;
        Schema = schema;
        _scalings = scalings;
        _encoder = new WindowEncoder(options.Window, schema.CovariateNames.Count, calendar, schema.Frequency);
    }

    /// <summary>The trained network: stacked recurrent layers, Dense(steps × quantiles), and MonotoneQuantiles when forecasting quantiles.</summary>
    public Sequential Model { get; }

    /// <summary>The recipe it was trained with.</summary>
    public ForecastOptions Options { get; }

    /// <summary>The calendar features it reads (the recipe's, or the frequency's when the recipe left them to it).</summary>
    public CalendarFeature Calendar { get; }

    /// <summary>The columns and frequency it was trained on, which the data it forecasts from must have.</summary>
    public ForecasterSchema Schema { get; }

    /// <summary>The scaling of each series it was trained on, fitted on that series' training part.</summary>
    public IReadOnlyDictionary<string, SeriesScaling> Scalings => _scalings;

    /// <summary>The quantile levels it forecasts; empty for a point forecaster.</summary>
    public IReadOnlyList<float> Quantiles => Options.TrainedQuantiles;

    private int OutputSteps => Options.Strategy == ForecastStrategy.Direct ? Options.Horizon : 1;

    private int QuantileCount => Math.Max(1, Quantiles.Count);

    /// <summary>
    /// Splits every series in time (the last <see cref="ForecastOptions.TestFraction"/> of its points are the test
    /// period), fits scalers and the network on the training part, and scores the model and the baselines on every
    /// test origin (and every backtest fold). Options that do not fit the data throw <see cref="InvalidOptionException"/>.
    /// </summary>
    /// <param name="data">The series.</param>
    /// <param name="options">The recipe.</param>
    /// <param name="callback">Told about every epoch and batch (a progress bar); optional.</param>
    public static (Forecaster Forecaster, ForecastReport Report) Train(TimeSeriesSet data, ForecastOptions options, FitCallback? callback = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        return ForecastEvaluation.Run(data, options, callback);
    }

    /// <summary>The network of the recipe for data with this many covariates and this calendar, built and seeded but not trained.</summary>
    /// <param name="options">The recipe.</param>
    /// <param name="covariates">How many covariate columns the data has.</param>
    /// <param name="calendar">The calendar features read.</param>
    public static Sequential BuildModel(ForecastOptions options, int covariates, CalendarFeature calendar)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int steps = options.Strategy == ForecastStrategy.Direct ? options.Horizon : 1;
        int quantiles = Math.Max(1, options.TrainedQuantiles.Count);
        Layer? head = quantiles > 1 ? new MonotoneQuantiles(quantiles) : null;
        return StackedRecurrent.Build(
            options.Cell, options.Units, options.Layers, options.Window, 1 + covariates + CalendarFeatures.Width(calendar),
            options.Seed, options.Variant, outputs: steps * quantiles, head);
    }

    /// <summary>Fits scalers on each series' first trainLengths[s] points and trains the network on the windows inside them.</summary>
    internal static (Forecaster Forecaster, History History, double Seconds) Fit(
        TimeSeriesSet data, ForecastOptions options, CalendarFeature calendar, IReadOnlyList<int> trainLengths, FitCallback? callback)
    {
        var schema = ForecasterSchema.Of(data);
        var scalings = new Dictionary<string, SeriesScaling>(StringComparer.Ordinal);
        for (int s = 0; s < data.Series.Count; s++)
        {
            scalings[data.Series[s].Id ?? SingleSeriesKey] = SeriesScaling.Fit(data.Series[s], trainLengths[s], options.Strategy == ForecastStrategy.Direct ? options.Horizon : 1);
        }

        var forecaster = new Forecaster(BuildModel(options, schema.CovariateNames.Count, calendar), options, calendar, schema, scalings);
        var (inputs, targets) = forecaster.TrainingWindows(data, trainLengths);
        var model = forecaster.Model;
        Loss loss = forecaster.Quantiles.Count > 0 ? new PinballLoss(forecaster.Quantiles) : Loss.MeanSquaredError;
        model.Compile(new Adam(options.LearningRate), loss);
        var callbacks = new List<FitCallback>();
        if (options.ValidationFraction > 0)
        {
            callbacks.Add(new EarlyStopping("val_loss", patience: options.Patience, restoreBestWeights: true));
        }

        if (callback is not null)
        {
            callbacks.Add(callback);
        }

        var clock = Stopwatch.StartNew();
        var history = model.Fit(inputs, targets, options.MaxEpochs, options.BatchSize, options.ValidationFraction, shuffle: true, options.Seed, callbacks);
        return (forecaster, history, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The forecast of steps 1..H after the end of every series of <paramref name="data"/>, which must have the model's columns and frequency.</summary>
    /// <param name="data">At least <see cref="ForecastOptions.Window"/> points of each series; a series the model has not seen is scaled on its own history.</param>
    public IReadOnlyList<ForecastOutput> Forecast(TimeSeriesSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Schema.Check(data) is { } problem)
        {
            throw new ArgumentException(problem, nameof(data));
        }

        var outputs = new List<ForecastOutput>();
        foreach (var series in data.Series)
        {
            if (series.Length < Options.Window)
            {
                throw new ArgumentException($"{data.Source}: {Describe(series)} has {series.Length} points; the model reads the last {Options.Window}.", nameof(data));
            }

            var scaling = _scalings.TryGetValue(series.Id ?? SingleSeriesKey, out var known)
                ? known
                : SeriesScaling.Fit(series, series.Length, OutputSteps);
            var values = ForecastAt(series, scaling, [series.Length - 1]);
            outputs.Add(ToOutput(series, series.Length - 1, values[0]));
        }

        return outputs;
    }

    /// <summary>Forecasts for one series at each origin, in the series' units: [origin][step × quantiles + quantile].</summary>
    internal float[][] ForecastAt(TimeSeries series, SeriesScaling scaling, IReadOnlyList<int> origins)
    {
        int window = Options.Window, features = _encoder.Features, q = QuantileCount, horizon = Options.Horizon;
        var results = new float[origins.Count][];
        const int chunk = 1024;
        for (int start = 0; start < origins.Count; start += chunk)
        {
            int count = Math.Min(chunk, origins.Count - start);
            var input = new float[count * window * features];
            for (int i = 0; i < count; i++)
            {
                _encoder.Encode(series, scaling, origins[start + i], input.AsSpan(i * window * features, window * features));
            }

            if (Options.Strategy == ForecastStrategy.Direct)
            {
                var output = Model.Predict(new Tensor(input, count, window, features), Options.BatchSize).Data;
                for (int i = 0; i < count; i++)
                {
                    float last = series.Target[origins[start + i]];
                    var row = new float[horizon * q];
                    for (int h = 1; h <= horizon; h++)
                    {
                        for (int k = 0; k < q; k++)
                        {
                            int j = ((h - 1) * q) + k;
                            row[j] = scaling.UnscaleChange(h, last, output[(i * horizon * q) + j]);
                        }
                    }

                    results[start + i] = row;
                }

                continue;
            }

            // Recursive: each origin keeps its window of levels; every step appends the forecast and moves on a step.
            var levels = new float[count][];
            for (int i = 0; i < count; i++)
            {
                levels[i] = series.Target.AsSpan(origins[start + i] - window + 1, window).ToArray();
                results[start + i] = new float[horizon];
            }

            for (int h = 1; h <= horizon; h++)
            {
                if (h > 1)
                {
                    for (int i = 0; i < count; i++)
                    {
                        var lastTime = Schema.Frequency.Add(series.Times[origins[start + i]], h - 1);
                        _encoder.EncodeLevels(levels[i], lastTime, scaling, input.AsSpan(i * window * features, window * features));
                    }
                }

                var output = Model.Predict(new Tensor(input, count, window, features), Options.BatchSize).Data;
                for (int i = 0; i < count; i++)
                {
                    float next = scaling.UnscaleChange(1, levels[i][^1], output[i]);
                    results[start + i][h - 1] = next;
                    Array.Copy(levels[i], 1, levels[i], 0, window - 1);
                    levels[i][^1] = next;
                }
            }
        }

        return results;
    }

    /// <summary>One origin's forecast row as dates, point and quantiles.</summary>
    internal ForecastOutput ToOutput(TimeSeries series, int origin, float[] row)
    {
        int horizon = Options.Horizon, q = QuantileCount;
        var dates = new DateTimeOffset[horizon];
        var point = new float[horizon];
        var quantileValues = new float[Quantiles.Count][];
        for (int k = 0; k < Quantiles.Count; k++)
        {
            quantileValues[k] = new float[horizon];
        }

        int median = Quantiles.Count == 0 ? 0 : IndexOfMedian();
        for (int h = 1; h <= horizon; h++)
        {
            dates[h - 1] = Schema.Frequency.Add(series.Times[origin], h);
            point[h - 1] = row[((h - 1) * q) + median];
            for (int k = 0; k < Quantiles.Count; k++)
            {
                quantileValues[k][h - 1] = row[((h - 1) * q) + k];
            }
        }

        return new ForecastOutput(series.Id, series.Times[origin], dates, point, Quantiles, quantileValues);
    }

    /// <summary>Where 0.5 sits among <see cref="Quantiles"/> (it is always trained when there are quantiles).</summary>
    internal int IndexOfMedian()
    {
        for (int k = 0; k < Quantiles.Count; k++)
        {
            if (Quantiles[k] == 0.5f)
            {
                return k;
            }
        }

        throw new InvalidOperationException("Quantile forecasters always train the median.");
    }

    /// <summary>The scaling of a series the model was trained on.</summary>
    internal SeriesScaling ScalingOf(TimeSeries series) => _scalings[series.Id ?? SingleSeriesKey];

    /// <summary>Writes the network and everything a forecast needs (<see cref="ForecasterMetadata"/>) to one Gated file.</summary>
    /// <param name="path">The file to write (.safetensors), replaced whole or not at all.</param>
    public void Save(string path)
    {
        var metadata = new Dictionary<string, string>
        {
            [ForecasterMetadata.Recipe] = ForecasterMetadata.GlobalRecipe,
            [ForecasterMetadata.Window] = Options.Window.ToString(CultureInfo.InvariantCulture),
            [ForecasterMetadata.Horizon] = Options.Horizon.ToString(CultureInfo.InvariantCulture),
            [ForecasterMetadata.Column] = Schema.TargetName,
            [ForecasterMetadata.Options] = JsonSerializer.Serialize(SavedOptions.From(Options), ForecastingJson.Default.SavedOptions),
            [ForecasterMetadata.Calendar] = CalendarFeatures.Format(Calendar),
            [ForecasterMetadata.Schema] = JsonSerializer.Serialize(Schema.ToSaved(), ForecastingJson.Default.Saved),
            [ForecasterMetadata.Scalings] = JsonSerializer.Serialize(_scalings, ForecastingJson.Default.DictionaryStringSeriesScaling),
        };
        GatedModelFile.Save(path, Model, metadata);
    }

    /// <summary>Whether a Gated file's metadata holds a forecaster written by <see cref="Save"/> (rather than the tutorial recipe's).</summary>
    /// <param name="metadata">The file's metadata.</param>
    public static bool IsForecaster(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.TryGetValue(ForecasterMetadata.Recipe, out string? recipe) && recipe == ForecasterMetadata.GlobalRecipe;
    }

    /// <summary>Loads a file written by <see cref="Save"/>; a file that is not one throws <see cref="ModelFormatException"/>.</summary>
    /// <param name="path">The forecaster's model file.</param>
    public static Forecaster Load(string path)
    {
        var (model, metadata) = GatedModelFile.Load(path);
        if (!IsForecaster(metadata))
        {
            throw new ModelFormatException($"{path}: not a forecaster written by `gated forecast` (no '{ForecasterMetadata.Recipe}' = {ForecasterMetadata.GlobalRecipe} in its metadata).");
        }

        try
        {
            var options = (JsonSerializer.Deserialize(metadata[ForecasterMetadata.Options], ForecastingJson.Default.SavedOptions) ?? throw new JsonException("no options")).ToOptions();
            options.Validate();
            var calendar = CalendarFeatures.Parse(metadata[ForecasterMetadata.Calendar]);
            var schema = (JsonSerializer.Deserialize(metadata[ForecasterMetadata.Schema], ForecastingJson.Default.Saved) ?? throw new JsonException("no schema")).ToSchema();
            var scalings = JsonSerializer.Deserialize(metadata[ForecasterMetadata.Scalings], ForecastingJson.Default.DictionaryStringSeriesScaling) ?? throw new JsonException("no scalings");
            int steps = options.Strategy == ForecastStrategy.Direct ? options.Horizon : 1;
            int outputs = steps * Math.Max(1, options.TrainedQuantiles.Count);
            int features = 1 + schema.CovariateNames.Count + CalendarFeatures.Width(calendar);
            if (model.InputShape is not [var window, var f] || window != options.Window || f != features || model.OutputShape is not [var o] || o != outputs)
            {
                throw new ModelFormatException(
                    $"{path}: the network reads {Tensor.FormatShape(model.InputShape)} and writes {Tensor.FormatShape(model.OutputShape)}; its recipe needs ({options.Window}, {features}) → ({outputs}).");
            }

            foreach (var (key, scaling) in scalings)
            {
                if (scaling.StepScale.Length != steps || scaling.CovariateMean.Length != schema.CovariateNames.Count || scaling.CovariateScale.Length != schema.CovariateNames.Count)
                {
                    throw new ModelFormatException($"{path}: the saved scaling of series '{key}' does not fit the recipe.");
                }
            }

            return new Forecaster(model, options, calendar, schema, scalings);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or ArgumentException or FormatException or NotSupportedException)
        {
            throw new ModelFormatException($"{path}: the forecaster's saved recipe is unusable ({e.Message}).", e);
        }
    }

    private string Describe(TimeSeries series) => series.Id is null ? $"column '{Schema.TargetName}'" : $"series '{series.Id}'";

    /// <summary>Every training window (origins whose targets lie inside each series' training part), oldest first across series.</summary>
    private (Tensor Inputs, Tensor Targets) TrainingWindows(TimeSeriesSet data, IReadOnlyList<int> trainLengths)
    {
        int window = Options.Window, steps = OutputSteps, q = QuantileCount;
        var samples = new List<(int Series, int Origin)>();
        for (int s = 0; s < data.Series.Count; s++)
        {
            for (int origin = window - 1; origin + steps < trainLengths[s]; origin++)
            {
                samples.Add((s, origin));
            }
        }

        // Chronological order across series, so Fit's validation split (the last samples) is the latest period.
        samples.Sort((a, b) =>
        {
            int byTime = data.Series[a.Series].Times[a.Origin].CompareTo(data.Series[b.Series].Times[b.Origin]);
            return byTime != 0 ? byTime : a.Series.CompareTo(b.Series);
        });
        int features = _encoder.Features;
        var inputs = new Tensor(samples.Count, window, features);
        var targets = new Tensor(samples.Count, steps * q);
        for (int i = 0; i < samples.Count; i++)
        {
            var (s, origin) = samples[i];
            var series = data.Series[s];
            var scaling = ScalingOf(series);
            _encoder.Encode(series, scaling, origin, inputs.Data.AsSpan(i * window * features, window * features));
            float last = series.Target[origin];
            for (int h = 1; h <= steps; h++)
            {
                float change = scaling.ScaleChange(h, last, series.Target[origin + h]);
                targets.Data.AsSpan((i * steps * q) + ((h - 1) * q), q).Fill(change);
            }
        }

        return (inputs, targets);
    }
}
