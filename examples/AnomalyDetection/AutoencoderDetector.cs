using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Tensors;

namespace Gated.Examples.AnomalyDetection;

/// <summary>
/// The classic recurrent autoencoder: an encoder reads a window of the series into its last state, RepeatVector hands
/// that state to every step of a decoder, and TimeDistributed(Dense) turns the decoder's outputs back into readings.
/// Trained to reconstruct windows of normal data, it should reconstruct anomalous windows badly.
/// </summary>
internal static class AutoencoderDetector
{
    /// <summary>(batch, window, channels) → the same shape; the cell is --autoencoder's, GRU or LSTM.</summary>
    public static Sequential Build(AnomalyOptions options, int channels)
    {
        bool lstm = options.Autoencoder == "lstm";
        Layer Recurrent(bool sequences) => lstm ? new Lstm(options.Units, returnSequences: sequences) : new Gru(options.Units, returnSequences: sequences);
        return new Sequential(Recurrent(false), new RepeatVector(options.Window), Recurrent(true), new TimeDistributed(new Dense(channels)));
    }

    /// <summary>
    /// changes[c][i] is channel c's standardised change into reading i (i ≥ 1). Reading j's score for channel c is the
    /// mean squared reconstruction error of channel c over the window of the w changes into readings j−w+1 .. j: the
    /// window ending at j, so a reading is scored as soon as it arrives, like the forecast residual. Readings before
    /// <paramref name="first"/> get NaN; the windows ending before <paramref name="trainCount"/> train the model.
    /// MeanSquares is the same score for a reconstruction of all zeros (the training mean of the changes): the window's
    /// mean square, the control that shows what the model's reconstruction adds.
    /// </summary>
    public static (float[][] Errors, float[][] MeanSquares, FitSummary Fit) Run(float[][] changes, int first, int trainCount, AnomalyOptions options)
    {
        int n = changes[0].Length, w = options.Window, channels = changes.Length;
        if (first <= w)
        {
            throw new ArgumentOutOfRangeException(nameof(first), first, "the first scored reading needs w changes before it, from reading 1 on");
        }

        // Window i ends at reading j = first + i.
        int windows = n - first;
        var x = ChangeWindows.Ending(changes, first, windows, w);
        var model = Build(options, channels);
        var train = x.SliceBatch(0, trainCount - first);
        var fit = FitSummary.Fit(model, train, train, options);

        var reconstructed = model.Predict(x, batchSize: 256).Data;
        var errors = new float[channels][];
        var meanSquares = new float[channels][];
        for (int c = 0; c < channels; c++)
        {
            errors[c] = new float[n];
            meanSquares[c] = new float[n];
            Array.Fill(errors[c], float.NaN);
            Array.Fill(meanSquares[c], float.NaN);
            for (int i = 0; i < windows; i++)
            {
                double error = 0, square = 0;
                for (int t = 0; t < w; t++)
                {
                    int at = (((i * w) + t) * channels) + c;
                    double e = reconstructed[at] - x.Data[at];
                    error += e * e;
                    square += x.Data[at] * x.Data[at];
                }

                errors[c][first + i] = (float)(error / w);
                meanSquares[c][first + i] = (float)(square / w);
            }
        }

        return (errors, meanSquares, fit);
    }
}
