using System.Runtime.Intrinsics;
using Gated.Kernels;
using Gated.Randomness;
using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Kernels;

/// <summary>
/// Sigmoid and tanh against double-precision Math within the bound stated on <see cref="SigmoidOperator"/>
/// and <see cref="TanhOperator"/>, at every length, in place, at special values, and bit-identical across
/// the scalar and every vector width (unaccelerated widths run emulated).
/// </summary>
public class ActivationsTests
{
    // The bound stated in the operators' summaries.
    private const double Bound = 1e-7;

    public static TheoryData<string> Functions => new() { "sigmoid", "tanh" };

    [Theory]
    [MemberData(nameof(Functions))]
    public void EveryLengthOutOfPlaceAndInPlace(string function)
    {
        var random = new SeededRandom(7);
        for (int length = 0; length <= 260; length++)
        {
            float[] x = new float[length];
            for (int i = 0; i < length; i++)
            {
                x[i] = random.NextUniform(-12f, 12f);
            }

            // Two spare slots past the end must stay untouched.
            float[] y = new float[length + 2];
            y[length] = y[length + 1] = 42f;
            Span(function, x, y);
            float[] inPlace = (float[])x.Clone();
            Span(function, inPlace, inPlace);
            for (int i = 0; i < length; i++)
            {
                AssertClose(function, x[i], y[i]);
                Assert.True(Bits(y[i]) == Bits(inPlace[i]), $"{function} length {length} index {i}: in place {inPlace[i]} vs {y[i]}");
                Assert.True(Bits(y[i]) == Bits(Scalar(function, x[i])), $"{function} length {length} index {i}: span {y[i]} vs scalar");
            }

            Assert.Equal(42f, y[length]);
            Assert.Equal(42f, y[length + 1]);
        }
    }

    [Fact]
    public void SpecialValues()
    {
        (float X, float Sigmoid, float Tanh)[] cases =
        [
            (0f, 0.5f, 0f),
            (-0f, 0.5f, -0f),
            (float.PositiveInfinity, 1f, 1f),
            (float.NegativeInfinity, 0f, -1f),
            (100f, 1f, 1f),
            (-100f, 0f, -1f),
            (float.MaxValue, 1f, 1f),
            (float.MinValue, 0f, -1f),
        ];
        foreach (var (x, sigmoid, tanh) in cases)
        {
            foreach (float y in Everywhere("sigmoid", x))
            {
                Assert.True(Bits(y) == Bits(sigmoid), $"sigmoid({x}) = {y}, want {sigmoid}");
            }

            foreach (float y in Everywhere("tanh", x))
            {
                Assert.True(Bits(y) == Bits(tanh), $"tanh({x}) = {y}, want {tanh}");
            }
        }

        foreach (string function in (string[])["sigmoid", "tanh"])
        {
            foreach (float y in Everywhere(function, float.NaN))
            {
                Assert.True(float.IsNaN(y), $"{function}(NaN) = {y}");
            }

            foreach (float x in (float[])[1e-30f, -1e-30f, 20f, -20f, float.Epsilon, -float.Epsilon, 1e-8f, 88.5f, -88.5f, 9.5f])
            {
                foreach (float y in Everywhere(function, x))
                {
                    AssertClose(function, x, y);
                }
            }
        }

        // Tiny arguments keep their relative accuracy (expm1 form), not just the absolute bound.
        Assert.Equal(1e-30f, Activations.Tanh(1e-30f));
        Assert.Equal(-1e-30f, Activations.Tanh(-1e-30f));
        Assert.Equal(float.Epsilon, Activations.Tanh(float.Epsilon));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void SweepStaysWithinBound(string function)
    {
        // 1e6 evenly spaced points in [−30, 30] plus 1e6 random finite bit patterns (all magnitudes).
        const int count = 1_000_000;
        float[] x = new float[2 * count];
        for (int i = 0; i < count; i++)
        {
            x[i] = -30f + (60f * i / (count - 1));
        }

        var random = new SeededRandom(11);
        for (int i = count; i < x.Length; i++)
        {
            float v;
            do
            {
                v = BitConverter.UInt32BitsToSingle((uint)random.NextUInt64());
            }
            while (!float.IsFinite(v));
            x[i] = v;
        }

        float[] y = new float[x.Length];
        Span(function, x, y);
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double error = Math.Abs(y[i] - Reference(function, x[i]));
            if (!(error <= worst))
            {
                worst = error;
                worstAt = x[i];
            }
        }

        Assert.True(worst <= Bound, $"{function}: max abs error {worst:E3} at x = {worstAt:R} exceeds {Bound:E1}");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void AllWidthsAreBitIdentical(string function)
    {
        var random = new SeededRandom(13);
        float[] x = new float[4096];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (i % 4) switch
            {
                0 => random.NextUniform(-1f, 1f),
                1 => random.NextUniform(-30f, 30f),
                2 => random.NextUniform(-100f, 100f),
                _ => BitConverter.UInt32BitsToSingle((uint)random.NextUInt64()),
            };
        }

        for (int i = 0; i + 16 <= x.Length; i += 16)
        {
            Vector512<float> v512 = Vector512.Create(x.AsSpan(i, 16));
            Vector512<float> y512 = function == "sigmoid" ? SigmoidOperator.Invoke(v512) : TanhOperator.Invoke(v512);
            Vector256<float> y256Low = Invoke(function, v512.GetLower());
            Vector256<float> y256High = Invoke(function, v512.GetUpper());
            Vector128<float> y128 = function == "sigmoid" ? SigmoidOperator.Invoke(v512.GetLower().GetLower()) : TanhOperator.Invoke(v512.GetLower().GetLower());
            for (int j = 0; j < 16; j++)
            {
                uint scalar = Bits(Scalar(function, x[i + j]));
                float y256 = j < 8 ? y256Low[j] : y256High[j - 8];
                Assert.True(
                    Bits(y512[j]) == scalar && Bits(y256) == scalar && (j >= 4 || Bits(y128[j]) == scalar),
                    $"{function}({x[i + j]:R}): scalar {Scalar(function, x[i + j]):R}, V128 {(j < 4 ? y128[j] : float.NaN):R}, V256 {y256:R}, V512 {y512[j]:R}");
            }
        }
    }

    [Fact]
    public void RejectsShortOrShiftedDestination()
    {
        float[] data = new float[10];
        Assert.Throws<ArgumentException>("y", () => Activations.Sigmoid(data, new float[9]));
        Assert.Throws<ArgumentException>("y", () => Activations.Tanh(data.AsSpan(0, 8), data.AsSpan(1, 8)));
    }

    private static Vector256<float> Invoke(string function, Vector256<float> x)
        => function == "sigmoid" ? SigmoidOperator.Invoke(x) : TanhOperator.Invoke(x);

    // x through the span API (every loop width and tail), the scalar helper, and each operator width.
    private static IEnumerable<float> Everywhere(string function, float x)
    {
        foreach (int length in (int[])[1, 3, 4, 7, 8, 15, 16, 17, 33])
        {
            float[] values = new float[length];
            Array.Fill(values, x);
            Span(function, values, values);
            foreach (float y in values)
            {
                yield return y;
            }
        }

        yield return Scalar(function, x);
        if (function == "sigmoid")
        {
            yield return SigmoidOperator.Invoke(Vector128.Create(x))[3];
            yield return SigmoidOperator.Invoke(Vector256.Create(x))[7];
            yield return SigmoidOperator.Invoke(Vector512.Create(x))[15];
        }
        else
        {
            yield return TanhOperator.Invoke(Vector128.Create(x))[3];
            yield return TanhOperator.Invoke(Vector256.Create(x))[7];
            yield return TanhOperator.Invoke(Vector512.Create(x))[15];
        }
    }

    private static void Span(string function, ReadOnlySpan<float> x, Span<float> y)
    {
        if (function == "sigmoid")
        {
            Activations.Sigmoid(x, y);
        }
        else
        {
            Activations.Tanh(x, y);
        }
    }

    private static float Scalar(string function, float x) => function == "sigmoid" ? Activations.Sigmoid(x) : Activations.Tanh(x);

    private static double Reference(string function, float x) => function == "sigmoid" ? 1.0 / (1.0 + Math.Exp(-(double)x)) : Math.Tanh(x);

    private static void AssertClose(string function, float x, float y)
    {
        double error = Math.Abs(y - Reference(function, x));
        Assert.True(error <= Bound, $"{function}({x:R}) = {y:R}, error {error:E3} > {Bound:E1}");
    }

    private static uint Bits(float x) => BitConverter.SingleToUInt32Bits(x);
}
