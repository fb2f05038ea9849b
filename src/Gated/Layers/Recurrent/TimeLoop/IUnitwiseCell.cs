namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>
/// A cell whose unit j reads only column j of each gate block of the recurrent product gh = h·U (GRU reset after,
/// LSTM, SimpleRNN). The loop computes gh itself and may hand the cell any run of units: it splits large layers'
/// units among threads and runs the gate math in the GEMM's epilogue while gh is in cache.
/// </summary>
internal interface IUnitwiseCell : IRecurrentCell
{
    /// <summary>
    /// Gate math of step s for units `units` of the rows `rows`: gh holds those units' products h_s · U (no bias)
    /// from the first row on, rows ghRowStride apart, gate blocks units.Count apart within a row. Writes those
    /// units of the states at s + 1 and of the caches.
    /// </summary>
    void ForwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units, ReadOnlySpan<float> gh, int ghRowStride);

    /// <summary>
    /// The gate part of a step back for units `units` of the rows `rows`: w.StateGradients hold dLoss/d(states at
    /// s + 1) there on entry and the part of the gradient of the states at s that does not pass through U on exit;
    /// writes those units' columns of step s's gate gradients. The loop then adds dgates · Uᵀ.
    /// </summary>
    void BackwardUnits(RecurrentWorkspace w, int s, BatchSlice rows, UnitSlice units);
}
