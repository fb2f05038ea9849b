using Gated.Kernels;
using Gated.Randomness;
using Xunit;

namespace Gated.Tests.Kernels;

/// <summary>
/// The int8 products: every path this machine runs gives the scalar reference's int32 sums and float results bit for
/// bit on odd shapes (every K from 1 to 260, rows 1–9, columns across panel edges); quantize → dequantize stays within
/// half a step; a product stays within the error its two roundings allow of the float product. <see cref="SimdModeTests"/>
/// reruns these with AVX-512, AVX2 and all intrinsics switched off.
/// </summary>
public sealed class Int8GemmTests
{
    private static readonly Int8Path[] Paths = Enum.GetValues<Int8Path>().Where(Int8Gemm.IsSupported).ToArray();

    [Fact]
    public void EveryPathGivesTheScalarBits()
    {
        Assert.Contains(Int8Path.Scalar, Paths);
        var random = new SeededRandom(11);
        int[] columns = [1, 7, 16, 17, 40, 64, 100, 129]; // up to 9 panels
        var scratch = new Int8Scratch();
        for (int k = 1; k <= 260; k++)
        {
            int m = 1 + (k % 9), n = columns[k % columns.Length];
            var a = Uniform(random, m * k, 3f);
            var w = QuantizedMatrix.Quantize(Uniform(random, k * n, 0.5f), k, n);
            var bias = k % 2 == 0 ? Uniform(random, n, 1f) : [];
            var expected = new float[m * n];
            Int8Gemm.Multiply(Int8Path.Scalar, a, m, w, bias, expected, scratch);
            var expectedSums = scratch.Sums[..(m * w.Panels * QuantizedMatrix.PanelWidth)].ToArray();
            foreach (var path in Paths)
            {
                var actual = new float[m * n];
                Int8Gemm.Multiply(path, a, m, w, bias, actual, scratch);
                Assert.True(expectedSums.AsSpan().SequenceEqual(scratch.Sums[..expectedSums.Length]), $"{path} sums, K {k}, M {m}, N {n}");
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{path} results, K {k}, M {m}, N {n}");
            }
        }
    }

    [Fact]
    public void VectorQuantizingAndConvertingKeepTheScalarFormulas()
    {
        // The rows are quantized and the sums converted by vector loops of 64, 32 and 16 lanes with a scalar tail: every
        // element must equal the scalar formula (round half to even, clamp; acc · a_r · s_n + bias), on every length.
        var random = new SeededRandom(14);
        var scratch = new Int8Scratch();
        for (int k = 1; k <= 200; k++)
        {
            int n = 1 + ((k * 7) % 70);
            var a = Uniform(random, 3 * k, 2f);
            a[k % a.Length] = 127f; // row 0 (or 1) gets scale 1, so the halves below are exact ties
            for (int i = 0; i < k; i += 5)
            {
                a[i] = (i % 2 == 0 ? 2.5f : -3.5f) + (i % 3);
            }

            var w = QuantizedMatrix.Quantize(Uniform(random, k * n, 0.5f), k, n);
            var bias = Uniform(random, n, 1f);
            var c = new float[3 * n];
            Int8Gemm.Multiply(a, 3, w, bias, c, scratch);
            int stride = w.Panels * QuantizedMatrix.PanelWidth;
            for (int r = 0; r < 3; r++)
            {
                float max = 0;
                for (int i = 0; i < k; i++)
                {
                    max = MathF.Max(max, MathF.Abs(a[(r * k) + i]));
                }

                float scale = max / QuantizedMatrix.Limit, inverse = 1f / scale;
                Assert.Equal(scale, scratch.RowScales[r]);
                for (int i = 0; i < w.PaddedRows; i++)
                {
                    int expected = i < k ? Math.Clamp((int)MathF.Round(a[(r * k) + i] * inverse, MidpointRounding.ToEven), -127, 127) : 0;
                    Assert.True(expected == scratch.Activations[(r * w.PaddedRows) + i], $"K {k}, row {r}, value {i}: {scratch.Activations[(r * w.PaddedRows) + i]}, expected {expected}");
                }

                for (int j = 0; j < n; j++)
                {
                    float expected = (scratch.Sums[(r * stride) + j] * scale * w.Scales[j]) + bias[j];
                    Assert.True(expected == c[(r * n) + j], $"K {k}, N {n}, row {r}, column {j}");
                }
            }
        }
    }

    [Fact]
    public void ExtremeValuesSumExactly()
    {
        // ±127 everywhere: the largest products, where a saturating or 16-bit sum would go wrong.
        const int k = 259, m = 3, n = 33;
        var a = new float[m * k];
        var weights = new float[k * n];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = i % 3 == 0 ? -1f : 1f;
        }

        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = i % 5 == 0 ? -2f : 2f;
        }

        var w = QuantizedMatrix.Quantize(weights, k, n);
        var scratch = new Int8Scratch();
        foreach (var path in Paths)
        {
            var c = new float[m * n];
            Int8Gemm.Multiply(path, a, m, w, [], c, scratch);
            for (int r = 0; r < m; r++)
            {
                for (int j = 0; j < n; j++)
                {
                    long exact = 0;
                    for (int i = 0; i < k; i++)
                    {
                        exact += (long)(a[(r * k) + i] < 0 ? -127 : 127) * (weights[(i * n) + j] < 0 ? -127 : 127);
                    }

                    Assert.Equal(exact, scratch.Sums[(r * w.Panels * QuantizedMatrix.PanelWidth) + j]);
                }
            }
        }
    }

    [Fact]
    public void QuantizeDequantizeStaysWithinHalfAStep()
    {
        var random = new SeededRandom(12);
        const int k = 37, n = 21;
        var weights = Uniform(random, k * n, 2f);
        for (int i = 0; i < k; i++)
        {
            weights[(i * n) + 5] = 0; // a column of zeros: scale 0, values 0
        }

        var w = QuantizedMatrix.Quantize(weights, k, n);
        var back = w.Dequantize();
        Assert.Equal(0f, w.Scales[5]);
        for (int j = 0; j < n; j++)
        {
            float max = 0;
            for (int i = 0; i < k; i++)
            {
                max = Math.Max(max, Math.Abs(weights[(i * n) + j]));
            }

            Assert.Equal(max / 127f, w.Scales[j]);
            for (int i = 0; i < k; i++)
            {
                Assert.InRange(Math.Abs(back[(i * n) + j] - weights[(i * n) + j]), 0, (w.Scales[j] * 0.5f * 1.0001f) + 1e-7f);
                Assert.InRange((int)w.Values[(i * n) + j], -127, 127);
            }
        }

        Assert.Throws<ArgumentException>(() => QuantizedMatrix.Quantize([1f, float.NaN], 1, 2));
        Assert.Throws<ArgumentException>(() => QuantizedMatrix.FromValues([sbyte.MinValue], [1f], 1, 1));
        Assert.Equal(w.Values, QuantizedMatrix.FromValues(w.Values, w.Scales, k, n).Values);
    }

    [Fact]
    public void ProductStaysWithinTheRoundingBound()
    {
        var random = new SeededRandom(13);
        const int m = 5, k = 64, n = 24;
        var a = Uniform(random, m * k, 4f);
        var weights = Uniform(random, k * n, 0.3f);
        var bias = Uniform(random, n, 1f);
        var w = QuantizedMatrix.Quantize(weights, k, n);
        var c = new float[m * n];
        Int8Gemm.Multiply(a, m, w, bias, c, new Int8Scratch());
        for (int r = 0; r < m; r++)
        {
            float rowScale = 0;
            for (int i = 0; i < k; i++)
            {
                rowScale = Math.Max(rowScale, Math.Abs(a[(r * k) + i]) / 127f);
            }

            for (int j = 0; j < n; j++)
            {
                double exact = bias[j], bound = 1e-5;
                for (int i = 0; i < k; i++)
                {
                    double x = a[(r * k) + i], y = weights[(i * n) + j];
                    exact += x * y;
                    // |x − x̂| ≤ a_r/2 and |y − ŷ| ≤ s_n/2, so |xy − x̂ŷ| ≤ |x| s/2 + |y| a/2 + a s/4.
                    bound += (Math.Abs(x) * w.Scales[j] / 2) + (Math.Abs(y) * rowScale / 2) + (rowScale * w.Scales[j] / 4);
                }

                Assert.InRange(Math.Abs(c[(r * n) + j] - exact), 0, bound);
                Assert.True(Math.Abs(c[(r * n) + j] - exact) < 0.05 * Math.Sqrt(k), "a typical error is far below the bound");
            }
        }
    }

    private static float[] Uniform(SeededRandom random, int count, float scale)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1) * scale;
        }

        return values;
    }
}
