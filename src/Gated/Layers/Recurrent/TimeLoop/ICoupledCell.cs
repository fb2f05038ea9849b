namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>
/// A cell whose gate math sits between two products with U (GRU reset before: U_n multiplies r ⊙ h, and r needs
/// h·U_r first), so it takes whole steps of a batch slice and asks the loop for each product.
/// </summary>
internal interface ICoupledCell : IRecurrentCell
{
    /// <summary>
    /// Step s for the rows `rows`: reads w.InputGates at s, w.RecurrentInput(s) and the states at s; writes the
    /// states at s + 1 and the caches. Touches only the slice's rows (other threads own the rest).
    /// </summary>
    void Forward(RecurrentWorkspace w, int s, BatchSlice rows, RecurrentProducts products);

    /// <summary>
    /// Step s back for the rows `rows`: w.StateGradients hold dLoss/d(states at s + 1) on entry and, on exit, the
    /// gradient reaching the states at s directly (not through the recurrent input); w.RecurrentInputGradient gets
    /// dLoss/d(recurrent input at s). Writes the gate gradients of step s.
    /// </summary>
    void Backward(RecurrentWorkspace w, int s, BatchSlice rows, RecurrentProducts products);
}
