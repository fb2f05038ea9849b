using Gated.Data;
using Xunit;

namespace Gated.Tests.Data;

/// <summary>Checks shared by the scaler tests.</summary>
internal static class ScalerAssert
{
    /// <summary>
    /// Transform then InverseTransform gives the input back to within 1e-6 of the data's magnitude (float32
    /// rounding of the scaled values is about 6e-8 of it), both out of place and in place.
    /// </summary>
    public static void RoundTrips(IScaler scaler, float[] values)
    {
        double magnitude = values.Max(v => Math.Abs((double)v));
        double tolerance = 1e-6 * Math.Max(magnitude, 1e-30);

        var scaled = new float[values.Length];
        var restored = new float[values.Length];
        scaler.Transform(values, scaled);
        scaler.InverseTransform(scaled, restored);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(restored[i] - values[i]) <= tolerance, $"[{i}] {values[i]} came back as {restored[i]}");
        }

        var inPlace = (float[])values.Clone();
        scaler.Transform(inPlace, inPlace);
        Assert.Equal(scaled, inPlace);
        scaler.InverseTransform(inPlace, inPlace);
        Assert.Equal(restored, inPlace);
    }

    public static float[] Transform(IScaler scaler, float[] values)
    {
        var result = new float[values.Length];
        scaler.Transform(values, result);
        return result;
    }

    public static float[] Inverse(IScaler scaler, float[] values)
    {
        var result = new float[values.Length];
        scaler.InverseTransform(values, result);
        return result;
    }

    /// <summary>Scattered values around an offset, like a temperature series.</summary>
    public static float[] Sample(int count, double offset, double spread)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(offset + spread * Math.Sin(i * 0.37) + 0.1 * spread * Math.Cos(i * 2.9));
        }

        return values;
    }
}
