namespace Gated.Plotting;

/// <summary>One named line: x and y of equal length (a non-finite value leaves a gap), and its CSS color.</summary>
internal sealed record ChartSeries(string Name, double[] X, float[] Y, string Color);
