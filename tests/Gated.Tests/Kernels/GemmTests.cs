using System.Runtime.Intrinsics;
using Gated.Kernels;
using Gated.Randomness;
using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Kernels;

/// <summary>
/// Gemm against the double-precision <see cref="GemmReference"/> on every path (unaccelerated vector paths run
/// emulated), all four transpose combinations, ragged shapes and padded strides. Padding in A and B is NaN
/// so a read outside the matrix shows; C padding is a sentinel that must survive.
/// </summary>
public class GemmTests
{
    private const float CPadding = 7777f;

    private static readonly (bool A, bool B)[] Transposes = [(false, false), (false, true), (true, false), (true, true)];
    private static readonly float[] Alphas = [1f, -0.75f, 2.5f];
    private static readonly float[] Betas = [0f, 1f, 0.5f];

    // Path names, as GemmPath is internal to the library.
    public static TheoryData<string> Paths => new() { nameof(GemmPath.Scalar), nameof(GemmPath.Vector128), nameof(GemmPath.Vector256), nameof(GemmPath.Vector512) };

    [Theory]
    [MemberData(nameof(Paths))]
    public void MatchesReferenceForEverySmallShape(string pathName)
    {
        GemmPath path = Enum.Parse<GemmPath>(pathName);
        int seed = 0;
        foreach (var (ta, tb) in Transposes)
        {
            for (int m = 1; m <= 20; m++)
            {
                for (int n = 1; n <= 20; n++, seed++)
                {
                    Check(path, ta, tb, m, n, 7, Alphas[seed % 3], Betas[(seed / 3) % 3], seed % 3, (seed / 2) % 3, seed % 2, seed);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void MatchesReferenceForAssortedDepths(string pathName)
    {
        GemmPath path = Enum.Parse<GemmPath>(pathName);
        int[] sizes = [1, 2, 5, 6, 8, 9, 13, 16, 17, 20, 33];
        int seed = 1000;
        foreach (int k in (int[])[0, 1, 7, 33, 100])
        {
            foreach (var (ta, tb) in Transposes)
            {
                foreach (int m in sizes)
                {
                    foreach (int n in sizes)
                    {
                        if ((m + n + k) % 3 == 0 || k == 7)
                        {
                            seed++;
                            Check(path, ta, tb, m, n, k, Alphas[seed % 3], Betas[(seed / 3) % 3], 2, 5, 3, seed);
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void MatchesReferenceAcrossBlockBoundaries(string pathName)
    {
        GemmPath path = Enum.Parse<GemmPath>(pathName);
        // M over one row block (144), K over one depth slice (256), N around several tile widths.
        foreach (var (ta, tb) in Transposes)
        {
            Check(path, ta, tb, 150, 33, 257, 1f, 0f, 0, 0, 0, 1);
            Check(path, ta, tb, 145, 40, 300, -0.75f, 0.5f, 1, 2, 3, 2);
        }
    }

    [Fact]
    public void MatchesReferenceForLargeShapes()
    {
        foreach (var (ta, tb) in Transposes)
        {
            Check(Gemm.DefaultPath, ta, tb, 64, 150, 50, 1f, 0f, 0, 0, 0, 11);
            Check(Gemm.DefaultPath, ta, tb, 64, 150, 50, 0.5f, 1f, 1, 1, 1, 12);
        }

        Check(Gemm.DefaultPath, false, false, 37, 3072, 1023, 1f, 0f, 0, 0, 0, 13);
        Check(Gemm.DefaultPath, true, true, 37, 3072, 1023, 1.5f, 0.5f, 1, 3, 2, 14);

        // The unpacked row path (M ≤ 4) on a B too big for L2.
        foreach (var (ta, tb) in Transposes)
        {
            Check(Gemm.DefaultPath, ta, tb, 3, 3072, 1023, 0.5f, 0.5f, 1, 2, 3, 16);
        }

        // N over one column block (4096).
        Check(Gemm.DefaultPath, false, true, 9, 4500, 20, 1f, 1f, 0, 0, 0, 15);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void InitialRowGivesTheBitsOfFillingCFirst(string pathName)
    {
        // The row path, the one-column path, no products (K = 0), edge tiles and two K slices (K > 256), with C's
        // prior content (NaN) never read.
        GemmPath path = Enum.Parse<GemmPath>(pathName);
        var random = new SeededRandom(23);
        foreach (var (ta, tb) in Transposes)
        {
            foreach (var (m, n, k) in ((int, int, int)[])[(3, 40, 9), (37, 1, 20), (20, 13, 0), (45, 70, 17), (30, 33, 300)])
            {
                foreach (float beta in (float[])[1f, 0.5f])
                {
                    float[] a = Filled(ta ? k : m, ta ? m : k, Math.Max(1, ta ? m : k), float.NaN, random);
                    float[] b = Filled(tb ? n : k, tb ? k : n, Math.Max(1, tb ? k : n), float.NaN, random);
                    float[] row = Filled(1, n, n, 0f, random);
                    float[] filled = new float[m * n], direct = new float[m * n];
                    Array.Fill(direct, float.NaN);
                    for (int i = 0; i < m; i++)
                    {
                        row.CopyTo(filled, i * n);
                    }

                    int lda = Math.Max(1, ta ? m : k), ldb = Math.Max(1, tb ? k : n);
                    Gemm.Multiply(path, ta, tb, m, n, k, 0.75f, a, lda, b, ldb, beta, filled, n);
                    Gemm.Multiply(path, ta, tb, m, n, k, 0.75f, a, lda, b, ldb, beta, direct, n, initialRow: row);
                    Assert.True(filled.AsSpan().SequenceEqual(direct), $"{path} tA={ta} tB={tb} M={m} N={n} K={k} beta={beta}");
                }
            }
        }

        Assert.Throws<ArgumentException>(() => Gemm.Multiply(path, false, false, 2, 3, 1, 1f, new float[2], 1, new float[3], 3, 1f, new float[6], 3, initialRow: new float[2]));
    }

    [Fact]
    public void RowPathComputesEachColumnAsOneFusedChain()
    {
        // The row path (M ≤ 4, B read in place) promises each C value is fma(a[k−1], b, … fma(a[0], b, 0)) in k
        // order, scaled after: the contract that lets threads split its columns. Widths around the AVX-512 wide
        // strip (384 columns) and the narrower strips, with a padded B, must give exactly those bits.
        var random = new SeededRandom(77);
        foreach (int n in (int[])[1, 15, 64, 383, 384, 385, 400, 775, 1152])
        {
            foreach (int k in (int[])[1, 9, 64])
            {
                int m = 1 + (n % 4), ldb = n + 3;
                float[] a = Filled(m, k, k, float.NaN, random);
                float[] b = Filled(k, n, ldb, float.NaN, random);
                float[] c = Filled(m, n, n, CPadding, random);
                float[] expected = (float[])c.Clone();
                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        float sum = 0;
                        for (int p = 0; p < k; p++)
                        {
                            sum = MathF.FusedMultiplyAdd(a[(i * k) + p], b[(p * ldb) + j], sum);
                        }

                        expected[(i * n) + j] = (sum * 0.5f) + (expected[(i * n) + j] * 1f);
                    }
                }

                // Any vector path takes the row path for M ≤ 4 (the scalar path is the plain loop instead); the row
                // path's own width follows the hardware, so ISA-off runs reach its narrower strips.
                Gemm.Multiply(GemmPath.Vector128, false, false, m, n, k, 0.5f, a, k, b, ldb, 1f, c, n);
                Assert.True(expected.AsSpan().SequenceEqual(c), $"M={m} N={n} K={k}: the row path's bits differ from one fused chain per column");
            }
        }
    }

    [Fact]
    public unsafe void EdgeTilesMergeWithTheScalarFormula()
    {
        // An edge tile is computed aside and merged: C = alpha · tile + beta · C, vector loops of 16 and 8 with a
        // scalar tail. Each element must be exactly that formula (two products and a sum, unfused) on every width,
        // and beta = 0 must not read C (NaN there must not survive).
        var random = new SeededRandom(78);
        const int rows = 3, ldt = 48, ldc = 53;
        foreach (float beta in (float[])[0f, 0.5f, 1f])
        {
            for (int columns = 1; columns <= 40; columns++)
            {
                float[] tile = Filled(rows, ldt, ldt, float.NaN, random);
                float[] c = Filled(rows, ldc, ldc, CPadding, random);
                if (beta == 0)
                {
                    Array.Fill(c, float.NaN);
                }

                float[] expected = (float[])c.Clone();
                for (int i = 0; i < rows; i++)
                {
                    for (int j = 0; j < columns; j++)
                    {
                        float product = 0.75f * tile[(i * ldt) + j];
                        expected[(i * ldc) + j] = beta == 0 ? product : product + (beta * expected[(i * ldc) + j]);
                    }
                }

                fixed (float* pt = tile, pc = c)
                {
                    Gemm.MergeTile(pt, ldt, pc, ldc, rows, columns, 0.75f, beta);
                }

                for (int i = 0; i < c.Length; i++)
                {
                    Assert.True(expected[i].Equals(c[i]), $"beta {beta}, {columns} columns, element {i}: {c[i]}, expected {expected[i]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void DepthZeroScalesC(string pathName)
    {
        GemmPath path = Enum.Parse<GemmPath>(pathName);
        float[] c = [1f, 2f, float.NaN, 4f, -8f, 9f];

        // beta = 0 clears even NaN; an empty K needs no A or B values.
        Gemm.Multiply(path, false, false, 2, 2, 0, 1f, [], 1, [], 2, 0f, c, 3);
        Assert.Equal([0f, 0f, float.NaN, 0f, 0f, 9f], c);

        c = [1f, 2f, 3f, 4f];
        Gemm.Multiply(path, true, true, 2, 2, 0, 1f, [], 2, [], 1, 0.5f, c, 2);
        Assert.Equal([0.5f, 1f, 1.5f, 2f], c);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void AlphaZeroIgnoresAAndB(string pathName)
    {
        GemmPath path = Enum.Parse<GemmPath>(pathName);
        float[] a = [float.NaN, 1f, 2f, 3f];
        float[] b = [1f, float.PositiveInfinity, 2f, 3f];
        float[] c = [1f, 2f, 3f, 4f];
        Gemm.Multiply(path, false, false, 2, 2, 2, 0f, a, 2, b, 2, 2f, c, 2);
        Assert.Equal([2f, 4f, 6f, 8f], c);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        float[] a = new float[6], b = new float[6], c = new float[4];
        Assert.Throws<ArgumentOutOfRangeException>("m", () => Gemm.Multiply(false, false, -1, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentOutOfRangeException>("lda", () => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 2, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentOutOfRangeException>("ldb", () => Gemm.Multiply(false, true, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentException>("a", () => Gemm.Multiply(true, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentException>("c", () => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 3));
    }

    [Fact]
    public void DefaultPathIsTheWidestAccelerated()
    {
        GemmPath expected = Vector512.IsHardwareAccelerated ? GemmPath.Vector512
            : Vector256.IsHardwareAccelerated ? GemmPath.Vector256
            : Vector128.IsHardwareAccelerated ? GemmPath.Vector128
            : GemmPath.Scalar;
        Assert.Equal(expected, Gemm.DefaultPath);
    }

    [Fact]
    public void SteadyStateDoesNotAllocate()
    {
        float[] a = new float[40 * 300], b = new float[300 * 50], c = new float[40 * 50];
        Gemm.Multiply(true, false, 40, 50, 300, 1f, a, 40, b, 50, 0f, c, 50);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++)
        {
            Gemm.Multiply(false, true, 40, 50, 300, 1f, a, 300, b, 300, 1f, c, 50);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // Stored A has rows × cols values with `pad` extra NaN columns; same for B. C padding holds a sentinel.
    private static void Check(
        GemmPath path, bool transposeA, bool transposeB, int m, int n, int k, float alpha, float beta,
        int padA, int padB, int padC, int seed)
    {
        var random = new SeededRandom((ulong)seed + 1);
        int lda = Math.Max(1, transposeA ? m : k) + padA, ldb = Math.Max(1, transposeB ? k : n) + padB, ldc = n + padC;
        float[] a = Filled(transposeA ? k : m, transposeA ? m : k, lda, float.NaN, random);
        float[] b = Filled(transposeB ? n : k, transposeB ? k : n, ldb, float.NaN, random);
        float[] c = Filled(m, n, ldc, CPadding, random);
        if (beta == 0)
        {
            // beta = 0 must overwrite without reading.
            for (int i = 0; i < m; i++)
            {
                c.AsSpan(i * ldc, n).Fill(float.NaN);
            }
        }

        var (expected, scale) = GemmReference.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        Gemm.Multiply(path, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                float actual = c[(i * ldc) + j];
                string where = $"{path} tA={transposeA} tB={transposeB} M={m} N={n} K={k} alpha={alpha} beta={beta} pads=({padA},{padB},{padC}) at ({i},{j})";
                if (j >= n)
                {
                    Assert.True(actual == CPadding, $"C padding overwritten: {where}");
                    continue;
                }

                double want = expected[(i * n) + j];
                double tolerance = (1e-5 * scale[(i * n) + j]) + 1e-30;
                Assert.True(Math.Abs(actual - want) <= tolerance, $"{where}: got {actual}, want {want}, tolerance {tolerance:E2}");
            }
        }
    }

    private static float[] Filled(int rows, int columns, int ld, float padding, SeededRandom random)
    {
        var data = new float[Math.Max(1, rows * ld)];
        Array.Fill(data, padding);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                data[(i * ld) + j] = random.NextUniform(-1f, 1f);
            }
        }

        return data;
    }
}
