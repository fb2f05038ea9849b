using Gated.Kernels;
using Gated.Randomness;
using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Kernels;

/// <summary>
/// Products with a pre-packed B against the double-precision reference on every path, and bit-for-bit against
/// the per-call packing path (the recurrent layers rely on both being the same computation), including K and N
/// past one block (KC = 256, NC about 4096) and row counts from 1 up; and the epilogue the recurrent steps run
/// their gate math in.
/// </summary>
public class PackedMatrixTests
{
    public static TheoryData<string> Paths => GemmTests.Paths;

    [Theory]
    [MemberData(nameof(Paths))]
    public void MatchesReferenceAndThePerCallPath(string pathName)
    {
        GemmPath path = Enum.Parse<GemmPath>(pathName);
        int seed = 0;
        foreach (bool transposeB in (bool[])[false, true])
        {
            foreach (bool transposeA in (bool[])[false, true])
            {
                foreach (var (m, n, k) in ((int, int, int)[])[(1, 1, 1), (5, 7, 3), (6, 16, 50), (13, 150, 50), (32, 150, 50), (9, 33, 300), (17, 40, 520), (7, 4100, 3)])
                {
                    Check(path, transposeA, transposeB, m, n, k, seed % 2 == 0 ? 1f : -0.5f, (seed % 3) switch { 0 => 0f, 1 => 1f, _ => 0.25f }, seed++);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void RowsSplitAnywhereGiveTheSameBits(string pathName)
    {
        // Threads split a batch into row ranges: each range must get exactly the bits the whole batch gets.
        GemmPath path = Enum.Parse<GemmPath>(pathName);
        var random = new SeededRandom(3);
        int m = 37, n = 150, k = 50;
        float[] a = Random(m * k, random), b = Random(k * n, random);
        var packed = new PackedMatrix();
        packed.Pack(path, false, k, n, b, n);
        var whole = new float[m * n];
        Gemm.Multiply(false, m, 1f, a, k, packed, 0f, whole, n);
        foreach (int split in (int[])[1, 4, 5, 6, 18, 36])
        {
            var parts = new float[m * n];
            Gemm.Multiply(false, split, 1f, a, k, packed, 0f, parts, n);
            Gemm.Multiply(false, m - split, 1f, a.AsSpan(split * k), k, packed, 0f, parts.AsSpan(split * n), n);
            Assert.Equal(whole, parts);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void EpilogueSeesEveryBlockOnceAndOnlyWhenFinal(string pathName)
    {
        // The gate math runs in the epilogue of the recurrent GEMM: it must get each output value exactly once, only
        // after the last K slice, and the product must be the same bits as without an epilogue. Shapes cross K slices
        // (300), row blocks (150 rows) and column blocks (4100 columns, with groups straddling the block edge).
        GemmPath path = Enum.Parse<GemmPath>(pathName);
        var random = new SeededRandom(9);
        foreach (var (m, n, k, group) in ((int, int, int, int)[])[(9, 264 * 3, 300, 48), (150, 120, 40, 64), (5, 4100, 7, 48), (3, 50, 50, 1), (7, 30, 20, 200)])
        {
            float[] a = Random(m * k, random), b = Random(k * n, random);
            var packed = new PackedMatrix();
            packed.Pack(path, false, k, n, b, n);
            var plain = new float[m * n];
            Gemm.Multiply(false, m, 1f, a, k, packed, 0f, plain, n);
            var fused = new float[m * n];
            var recorder = new RecordingEpilogue(fused, n);
            Gemm.Multiply(m, a, k, packed, fused, n, group, ref recorder);
            Assert.Equal(plain, fused);
            Assert.Equal(plain, recorder.Seen);
            Assert.All(recorder.Times, t => Assert.Equal(1, t));
            Assert.All(recorder.Widths, w => Assert.True(w == group || w == n % group, $"group width {w}"));
        }
    }

    // Copies each block it is handed, as it is at that moment, and counts how often each value was handed over.
    private readonly struct RecordingEpilogue(float[] c, int ldc) : IGemmEpilogue
    {
        public float[] Seen { get; } = new float[c.Length];

        public int[] Times { get; } = new int[c.Length];

        public List<int> Widths { get; } = [];

        public void Apply(int row, int rows, int column, int columns)
        {
            Widths.Add(columns);
            for (int i = row; i < row + rows; i++)
            {
                for (int j = column; j < column + columns; j++)
                {
                    Seen[(i * ldc) + j] = c[(i * ldc) + j];
                    Times[(i * ldc) + j]++;
                }
            }
        }
    }

    [Fact]
    public void RefusesAnUnpackedMatrixAndWrongSizes()
    {
        var packed = new PackedMatrix();
        Assert.Throws<ArgumentException>("b", () => Gemm.Multiply(false, 2, 1f, new float[4], 2, packed, 0f, new float[4], 2));
        packed.Pack(false, 2, 2, new float[4], 2);
        Assert.Throws<ArgumentException>("a", () => Gemm.Multiply(false, 3, 1f, new float[4], 2, packed, 0f, new float[6], 2));
        Assert.Throws<ArgumentException>("c", () => Gemm.Multiply(false, 2, 1f, new float[4], 2, packed, 0f, new float[3], 2));
        Assert.Throws<ArgumentException>("b", () => packed.Pack(false, 3, 2, new float[4], 2));
    }

    private static void Check(GemmPath path, bool transposeA, bool transposeB, int m, int n, int k, float alpha, float beta, int seed)
    {
        var random = new SeededRandom((ulong)seed + 11);
        int lda = (transposeA ? m : k) + 1, ldb = (transposeB ? k : n) + 2, ldc = n + 1;
        float[] a = Random((transposeA ? k : m) * lda, random);
        float[] b = Random((transposeB ? n : k) * ldb, random);
        float[] c = Random(m * ldc, random);
        float[] perCall = (float[])c.Clone();
        var (expected, scale) = GemmReference.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

        var packed = new PackedMatrix();
        packed.Pack(path, transposeB, k, n, b, ldb);
        Gemm.Multiply(transposeA, m, alpha, a, lda, packed, beta, c, ldc);
        Gemm.Multiply(path, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, perCall, ldc);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                string where = $"{path} tA={transposeA} tB={transposeB} M={m} N={n} K={k} at ({i},{j})";
                float actual = c[(i * ldc) + j];
                double want = expected[(i * n) + j];
                Assert.True(Math.Abs(actual - want) <= (1e-5 * scale[(i * n) + j]) + 1e-30, $"{where}: got {actual}, want {want}");

                // The per-call path takes a different route for 1–4 rows (no packing), so bits agree only above that.
                if (m > 4 || path == GemmPath.Scalar)
                {
                    Assert.True(actual.Equals(perCall[(i * ldc) + j]), $"{where}: packed {actual} vs per-call {perCall[(i * ldc) + j]}");
                }
            }
        }
    }

    private static float[] Random(int length, SeededRandom random)
    {
        var data = new float[length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = random.NextUniform(-1f, 1f);
        }

        return data;
    }
}
