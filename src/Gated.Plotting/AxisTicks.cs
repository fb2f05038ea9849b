using System.Globalization;

namespace Gated.Plotting;

/// <summary>"Round" ticks on a numeric axis: steps of 1, 2 or 5 × 10^k, and their labels.</summary>
internal static class AxisTicks
{
    // Layout is estimated without measuring text: an average sans-serif glyph at 12px is about 7px wide.
    public const double CharWidth = 7;

    /// <summary>
    /// A step of 1, 2 or 5 × 10^k near (max − min) / (target − 1), and bounds on multiples of it that cover
    /// [min, max]. (Heckbert's "nice numbers", minus his rounding of the range itself, which can double the
    /// step and leave half the axis empty.)
    /// </summary>
    public static (double Lo, double Hi, double Step) NiceTicks(double min, double max, int target)
    {
        double step = Nice((max - min) / Math.Max(1, target - 1));
        return (Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    /// <summary>The multiples of step in [lo, hi], with a little slack for rounding at both ends.</summary>
    public static List<double> Multiples(double lo, double hi, double step)
    {
        var ticks = new List<double>();
        for (double k = Math.Ceiling(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++)
        {
            ticks.Add(k * step);
        }

        return ticks;
    }

    /// <summary>How many ticks with labels of labelChars characters fit side by side in plotWidth pixels (2 to 12).</summary>
    public static int TargetCount(int labelChars, double plotWidth) =>
        Math.Clamp((int)(plotWidth / (labelChars * CharWidth + 28)), 2, 12);

    /// <summary>
    /// Ticks of a numeric x axis over [xMin, xMax], labelled with their value or, when labels is given, by it at
    /// integer positions inside the data's own extent [dataXMin, dataXMax] only.
    /// </summary>
    public static List<(double X, string Label)> NumericX(double xMin, double xMax, double dataXMin, double dataXMax, double plotWidth, Func<int, string>? labels)
    {
        string Label(double x, int decimals) =>
            labels is not null ? labels((int)Math.Round(x)) : Format(x, decimals);

        // A label provider usually indexes an array (dates), so it is asked only about integers inside the
        // data's own x extent, never about the padding around a single point or an empty chart.
        double labelMin = xMin, labelMax = xMax;
        if (labels is not null)
        {
            (labelMin, labelMax) = (Math.Ceiling(dataXMin), Math.Floor(dataXMax));
            if (!(labelMin <= labelMax))
            {
                return [];
            }
        }

        // Size the tick count to the widest label so dates do not overlap.
        int estimateChars = Math.Max(Label(labelMin, 2).Length, Label(labelMax, 2).Length);
        (_, _, double step) = NiceTicks(xMin, xMax, TargetCount(estimateChars, plotWidth));
        if (labels is not null)
        {
            step = Math.Max(1, Math.Round(step));
        }

        int decimals = Decimals(step);
        var ticks = new List<(double, string)>();
        foreach (double x in Multiples(xMin, xMax, step))
        {
            if (labels is not null && (x < labelMin || x > labelMax))
            {
                continue;
            }

            ticks.Add((x, Label(x, decimals)));
        }

        return ticks;
    }

    /// <summary>Decimals that show a step's last significant digit (0 to 10).</summary>
    public static int Decimals(double step) => Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-9), 0, 10);

    /// <summary>A tick value with the given decimals, never "-0".</summary>
    public static string Format(double value, int decimals)
    {
        string text = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

        // k·step can land a hair below zero; "-0.00" reads as a bug.
        return text.TrimStart('-').Trim('0', '.').Length == 0 ? text.TrimStart('-') : text;
    }

    /// <summary>The 1, 2 or 5 × 10^k nearest <paramref name="value"/> (on a log-ish scale).</summary>
    private static double Nice(double value)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        double fraction = value / power;
        double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        return nice * power;
    }
}
