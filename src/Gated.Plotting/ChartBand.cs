namespace Gated.Plotting;

/// <summary>
/// One named shaded interval: x, lower and upper of equal length with lower ≤ upper wherever both are finite (a
/// non-finite x, lower or upper leaves a gap), and its CSS fill color.
/// </summary>
internal sealed record ChartBand(string Name, double[] X, float[] Lower, float[] Upper, string Color);
