using Gated.Data;
using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Tensors;

namespace Gated.Examples.AnomalyDetection;

/// <summary>
/// The recipe for one mote: a small GRU learns to forecast the next reading from the changes over the previous
/// window on the mote's first readings (no labels used), then every reading is scored by how far it lies from its forecast.
/// A recurrent autoencoder trained on the same readings is scored by how badly it reconstructs the window ending at
/// each reading (<see cref="AutoencoderDetector"/>). Three baselines are scored on the same readings with the same rule:
/// the persistence residual (the change since the last reading), the reading's own level, and the autoencoder's score
/// with no model (the mean square of the window's standardised changes).
/// </summary>
internal static class MoteDetector
{
    public static MoteScores Run(SensorReadings mote, AnomalyOptions options)
    {
        int n = mote.Count, w = options.Window;
        int trainCount = (int)(n * options.TrainFraction);
        if (trainCount - w - 1 < 20)
        {
            throw new ArgumentException($"mote {mote.MoteId[0]} has {n} readings; --train-fraction {options.TrainFraction} and --window {w} leave fewer than 20 training windows");
        }

        float[][] raw = options.Channels.Select(c => c == "temperature" ? mote.Temperature : mote.Humidity).ToArray();
        int channels = raw.Length;

        // The GRU reads and forecasts changes between readings, not levels: a level model trained on the first
        // readings drifts once the weather leaves their range, while changes look alike all along. Scaled on the
        // training part only, so nothing after it leaks into training.
        var scalers = new StandardScaler[channels];
        var changes = new float[channels][];
        for (int c = 0; c < channels; c++)
        {
            var change = new float[n];
            for (int i = 1; i < n; i++)
            {
                change[i] = raw[c][i] - raw[c][i - 1];
            }

            scalers[c] = new StandardScaler();
            scalers[c].Fit(change.AsSpan(1, trainCount - 1));
            changes[c] = new float[n];
            scalers[c].Transform(change, changes[c]);
        }

        // Window i: the changes into readings i+1 .. i+w (w, C) → the change into reading j = i+w+1 (C).
        int first = w + 1;
        int windows = n - first;
        var inputs = ChangeWindows.Ending(changes, w, windows, w);
        var targets = new Tensor(windows, channels);
        for (int i = 0; i < windows; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                targets.Data[(i * channels) + c] = changes[c][i + first];
            }
        }

        int trainWindows = trainCount - first;
        var model = new Sequential(new Gru(options.Units), new Dense(channels));
        var forecasterFit = FitSummary.Fit(model, inputs.SliceBatch(0, trainWindows), targets.SliceBatch(0, trainWindows), options);

        var predicted = model.Predict(inputs, batchSize: 256).Data;
        var gruResiduals = new float[channels][];
        var persistenceResiduals = new float[channels][];
        var levels = new float[channels][];
        var temperatureForecast = new float[n];
        Array.Fill(temperatureForecast, float.NaN);
        var step = new float[1];
        for (int c = 0; c < channels; c++)
        {
            gruResiduals[c] = new float[n];
            persistenceResiduals[c] = new float[n];
            levels[c] = new float[n];

            // Every method scores readings w+1 .. n−1 only, so all five are counted over the same readings.
            for (int j = 0; j < n; j++)
            {
                if (j < first)
                {
                    gruResiduals[c][j] = persistenceResiduals[c][j] = levels[c][j] = float.NaN;
                    continue;
                }

                scalers[c].InverseTransform([predicted[((j - first) * channels) + c]], step);
                float forecast = raw[c][j - 1] + step[0];
                gruResiduals[c][j] = raw[c][j] - forecast;
                persistenceResiduals[c][j] = raw[c][j] - raw[c][j - 1];
                levels[c][j] = raw[c][j];
                if (c == 0)
                {
                    temperatureForecast[j] = forecast;
                }
            }
        }

        var (reconstructionErrors, windowMeanSquares, autoencoderFit) = AutoencoderDetector.Run(changes, first, trainCount, options);

        return new MoteScores
        {
            MoteId = mote.MoteId[0],
            Indoor = mote.Indoor[0],
            Reading = mote.Reading,
            Labelled = mote.IsAnomaly,
            Temperature = mote.Temperature,
            Humidity = mote.Humidity,
            TrainCount = trainCount,
            TemperatureForecast = temperatureForecast,
            GruScores = DeviationScores.FromResiduals(gruResiduals, trainCount),
            PersistenceScores = DeviationScores.FromResiduals(persistenceResiduals, trainCount),
            LevelScores = DeviationScores.FromResiduals(levels, trainCount),
            AutoencoderScores = DeviationScores.FromResiduals(reconstructionErrors, trainCount),
            WindowScores = DeviationScores.FromResiduals(windowMeanSquares, trainCount),
            ForecasterFit = forecasterFit,
            AutoencoderFit = autoencoderFit,
            GruRmse = LaterNormalRmse(gruResiduals[0], mote.IsAnomaly, trainCount),
            PersistenceRmse = LaterNormalRmse(persistenceResiduals[0], mote.IsAnomaly, trainCount),
        };
    }

    // RMSE of the residuals after the training part, over readings not labelled anomalous: forecast skill on normal data.
    private static double LaterNormalRmse(float[] residuals, bool[] labelled, int from)
    {
        double sum = 0;
        int count = 0;
        for (int i = from; i < residuals.Length; i++)
        {
            if (!labelled[i] && float.IsFinite(residuals[i]))
            {
                sum += (double)residuals[i] * residuals[i];
                count++;
            }
        }

        return count == 0 ? double.NaN : Math.Sqrt(sum / count);
    }
}
