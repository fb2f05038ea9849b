namespace Gated.Plotting;

/// <summary>The plot area in pixels (y grows downwards) and the data ranges it shows; maps data to screen.</summary>
internal readonly record struct PlotScale(double Left, double Right, double Top, double Bottom, double XMin, double XMax, double YLo, double YHi)
{
    /// <summary>Width of the plot area in pixels.</summary>
    public double Width => Right - Left;

    /// <summary>Screen x of data x.</summary>
    public double X(double x) => Left + (x - XMin) / (XMax - XMin) * (Right - Left);

    /// <summary>Screen y of data y.</summary>
    public double Y(double y) => Bottom - (y - YLo) / (YHi - YLo) * (Bottom - Top);
}
