namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>
/// A run of batch rows [Start, Start + Count) that one thread carries through a whole sequence. Rows of a
/// batch never mix inside the time loop, so slices need no synchronisation between steps.
/// </summary>
internal readonly record struct BatchSlice(int Start, int Count)
{
    public static BatchSlice All(int batch) => new(0, batch);

    /// <summary>Slice `index` of `parts` near-equal slices of `batch` rows (the first ones one row longer).</summary>
    public static BatchSlice Part(int batch, int parts, int index)
    {
        int size = batch / parts, extra = batch % parts;
        int start = (index * size) + Math.Min(index, extra);
        return new BatchSlice(start, size + (index < extra ? 1 : 0));
    }

    public int End => Start + Count;
}
