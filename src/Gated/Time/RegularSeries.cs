namespace Gated.Time;

/// <summary>A series on a regular grid, as <see cref="TimeGrid.Regularize"/> returns it.</summary>
/// <param name="Times">One time per row, one step apart.</param>
/// <param name="Columns">The values, column by column: <c>Columns[c][row]</c>, each as long as <paramref name="Times"/>.</param>
/// <param name="FilledCount">How many rows were inserted to fill gaps.</param>
/// <param name="Filled">Per row, whether it was inserted (true) or came from the file (false).</param>
public sealed record RegularSeries(DateTimeOffset[] Times, float[][] Columns, int FilledCount, bool[] Filled);
