namespace Gated.Time;

/// <summary>What <see cref="TimeGrid.Regularize"/> does with missing steps between two rows.</summary>
public enum GapFill
{
    /// <summary>Nothing: a gap is an error that names its line.</summary>
    None,

    /// <summary>Each missing step repeats the last value before the gap, column by column.</summary>
    ForwardFill,

    /// <summary>Each missing step interpolates linearly, in step index, between the values on either side of the gap.</summary>
    Linear,
}
