using Xunit;

namespace Gated.Tests.TestSupport;

/// <summary>
/// Comparisons that report the worst element. Each Check* returns null when the arrays agree, else a message;
/// the other methods fail the test with that message.
/// </summary>
public static class NumericAssert
{
    /// <summary>Elementwise |actual − expected| ≤ absolute + relative·|expected|. For values of known scale (outputs, states, losses).</summary>
    public static string? CheckClose(double[] expected, double[] actual, double absolute, double relative, string what)
    {
        var tolerance = new double[expected.Length];
        for (int i = 0; i < tolerance.Length; i++)
        {
            tolerance[i] = absolute + (relative * Math.Abs(expected[i]));
        }

        return Report(expected, actual, tolerance, what, $"abs {absolute:g3} + rel {relative:g3}");
    }

    /// <summary>
    /// Relative to the tensor's scale: |actual − expected| ≤ relative·max(max|expected|, floor) for every element.
    /// Float rounding in a sum is bounded by ε·Σ|terms|, which tracks the tensor's magnitude rather than each
    /// element's, so an element that cancels to near zero is held to the same absolute error as the rest.
    /// </summary>
    public static string? CheckCloseToScale(double[] expected, double[] actual, double relative, double floor, string what)
    {
        double scale = Math.Max(MaxAbs(expected), floor);
        var tolerance = new double[expected.Length];
        Array.Fill(tolerance, relative * scale);
        return Report(expected, actual, tolerance, what, $"{relative:g3} × scale {scale:g4}");
    }

    /// <summary>
    /// For finite-difference checks: |analytic − numeric| ≤ relative·max(|numeric_i|, |analytic_i|, floorFraction·max|numeric|).
    /// Elements at least floorFraction of the tensor's largest are held to relative error; smaller ones to an
    /// absolute error of relative·floorFraction·max, the level where differencing noise lives.
    /// </summary>
    public static string? CheckGradient(double[] numeric, double[] analytic, double relative, double floorFraction, string what)
    {
        double floor = floorFraction * MaxAbs(numeric);
        var tolerance = new double[numeric.Length];
        for (int i = 0; i < tolerance.Length && i < analytic.Length; i++)
        {
            tolerance[i] = relative * Math.Max(Math.Max(Math.Abs(numeric[i]), Math.Abs(analytic[i])), floor);
        }

        return Report(numeric, analytic, tolerance, what, $"rel {relative:g3}, floor {floorFraction:g3} × {MaxAbs(numeric):g4}");
    }

    public static void Close(double[] expected, ReadOnlySpan<float> actual, double absolute, double relative, string what) =>
        Ok(CheckClose(expected, TestData.ToDouble(actual), absolute, relative, what));

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double absolute, double relative, string what) =>
        Ok(CheckClose(TestData.ToDouble(expected), TestData.ToDouble(actual), absolute, relative, what));

    public static void CloseToScale(double[] expected, ReadOnlySpan<float> actual, double relative, double floor, string what) =>
        Ok(CheckCloseToScale(expected, TestData.ToDouble(actual), relative, floor, what));

    public static void CloseToScale(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double relative, double floor, string what) =>
        Ok(CheckCloseToScale(TestData.ToDouble(expected), TestData.ToDouble(actual), relative, floor, what));

    public static void Gradient(double[] numeric, double[] analytic, double relative, double floorFraction, string what) =>
        Ok(CheckGradient(numeric, analytic, relative, floorFraction, what));

    public static void Gradient(double[] numeric, ReadOnlySpan<float> analytic, double relative, double floorFraction, string what) =>
        Ok(CheckGradient(numeric, TestData.ToDouble(analytic), relative, floorFraction, what));

    public static void ShapeEqual(int[] expected, int[] actual, string what) =>
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{what}: expected shape ({string.Join(", ", expected)}), got ({string.Join(", ", actual)}).");

    public static double MaxAbs(ReadOnlySpan<double> values)
    {
        double max = 0;
        foreach (double v in values)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        return max;
    }

    /// <summary>Fails the test with a Check* message; passes on null.</summary>
    public static void Ok(string? message)
    {
        if (message is not null)
        {
            Assert.Fail(message);
        }
    }

    private static string? Report(double[] expected, double[] actual, double[] tolerance, string what, string rule)
    {
        if (expected.Length != actual.Length)
        {
            return $"{what}: expected {expected.Length} values, got {actual.Length}.";
        }

        int failures = 0, worst = 0;
        double worstRatio = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            bool ok = error <= tolerance[i];
            double ratio = ok ? (error == 0 ? 0 : error / tolerance[i]) : (tolerance[i] > 0 ? error / tolerance[i] : double.PositiveInfinity);
            if (!ok)
            {
                failures++;
                ratio = double.IsNaN(ratio) ? double.PositiveInfinity : ratio;
            }

            if (ratio > worstRatio)
            {
                worstRatio = ratio;
                worst = i;
            }
        }

        if (failures == 0)
        {
            return null;
        }

        return $"{what}: {failures} of {expected.Length} values out of tolerance ({rule}); worst at [{worst}]: " +
            $"expected {expected[worst]:R}, actual {actual[worst]:R}, error {Math.Abs(actual[worst] - expected[worst]):g3} = {worstRatio:g3} × tolerance.";
    }

    /// <summary>The largest error/tolerance ratio of a CheckGradient comparison (for reporting margins).</summary>
    public static double GradientRatio(double[] numeric, double[] analytic, double relative, double floorFraction)
    {
        double floor = floorFraction * MaxAbs(numeric);
        double worst = 0;
        for (int i = 0; i < numeric.Length; i++)
        {
            double tolerance = relative * Math.Max(Math.Max(Math.Abs(numeric[i]), Math.Abs(analytic[i])), floor);
            worst = Math.Max(worst, Math.Abs(numeric[i] - analytic[i]) / tolerance);
        }

        return worst;
    }
}
