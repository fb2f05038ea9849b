namespace Gated.Layers.Recurrent;

/// <summary>
/// One product a cell takes with a column block of its recurrent kernel U (H, G·H) at every step:
/// state (B, H) · U[:, Offset..Offset+Columns] forward, or gradient (B, Columns) · U[:, Offset..]ᵀ backward.
/// The layer packs each operand once per Forward (or Backward) instead of once per step.
/// </summary>
internal readonly record struct RecurrentOperand(int ColumnOffset, int Columns, bool Backward);
