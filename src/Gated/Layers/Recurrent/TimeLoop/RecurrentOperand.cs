namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>
/// One product a cell takes with a column block of its recurrent kernel U (H, G·H) at every step:
/// left (B, H) · U[:, ColumnOffset..ColumnOffset+Columns] forward, or gradient (B, Columns) · U[:, ColumnOffset..]ᵀ
/// backward. The loop packs each operand once per Forward (or Backward) instead of once per step. A forward
/// operand's left side is the recurrent input h (LeftCache −1) or cache LeftCache (GRU reset before: r ⊙ h); the
/// weight gradient of its columns is (left over all steps)ᵀ · (the recurrent gate gradients of its columns).
/// </summary>
internal readonly record struct RecurrentOperand(int ColumnOffset, int Columns, bool Backward, int LeftCache = RecurrentOperand.RecurrentInput)
{
    /// <summary>The value of LeftCache for a product whose left side is the recurrent input.</summary>
    public const int RecurrentInput = -1;
}
