namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>Layout changes between batch-major (B, T, F) tensors and the loop's time-major (T, B, F) buffers.</summary>
internal static class TimeMajor
{
    /// <summary>(B, T, F) → (T, B, F), reversing time when the layer runs backwards.</summary>
    public static void FromBatchMajor(ReadOnlySpan<float> source, Span<float> destination, int batch, int steps, int features, bool reverse)
    {
        if (features == 1)
        {
            // One value per step (a univariate series): a plain transpose, not a copy call per value.
            for (int b = 0; b < batch; b++)
            {
                for (int t = 0; t < steps; t++)
                {
                    destination[((reverse ? steps - 1 - t : t) * batch) + b] = source[(b * steps) + t];
                }
            }

            return;
        }

        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                int s = reverse ? steps - 1 - t : t;
                source.Slice(((b * steps) + t) * features, features).CopyTo(destination.Slice(((s * batch) + b) * features, features));
            }
        }
    }

    /// <summary>(T, B, F) → (B, T, F); with reverse, processing step s lands at time T − 1 − s.</summary>
    public static void ToBatchMajor(ReadOnlySpan<float> source, Span<float> destination, int batch, int steps, int features, bool reverse)
    {
        if (features == 1)
        {
            for (int s = 0; s < steps; s++)
            {
                int t = reverse ? steps - 1 - s : s;
                for (int b = 0; b < batch; b++)
                {
                    destination[(b * steps) + t] = source[(s * batch) + b];
                }
            }

            return;
        }

        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            for (int b = 0; b < batch; b++)
            {
                source.Slice(((s * batch) + b) * features, features).CopyTo(destination.Slice(((b * steps) + t) * features, features));
            }
        }
    }
}
