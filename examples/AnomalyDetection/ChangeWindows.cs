using Gated.Tensors;

namespace Gated.Examples.AnomalyDetection;

/// <summary>Sliding windows over the channels' standardised changes, the input of both the forecaster and the autoencoder.</summary>
internal static class ChangeWindows
{
    /// <summary>
    /// (count, w, C): window i holds series[c][end + i − w + 1 .. end + i], the w values up to and including index
    /// end + i, for each channel c.
    /// </summary>
    public static Tensor Ending(float[][] series, int end, int count, int w)
    {
        int channels = series.Length;
        var windows = new Tensor(count, w, channels);
        for (int i = 0; i < count; i++)
        {
            int from = end + i - w + 1;
            for (int t = 0; t < w; t++)
            {
                for (int c = 0; c < channels; c++)
                {
                    windows.Data[(((i * w) + t) * channels) + c] = series[c][from + t];
                }
            }
        }

        return windows;
    }
}
