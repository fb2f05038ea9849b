using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers.Initializers;

/// <summary>The initialisers behind <see cref="WeightInit"/>, filling a parameter stored as (fanIn, fanOut).</summary>
internal static class WeightInitializers
{
    /// <summary>Glorot (Xavier) uniform: U(−√(6/(fanIn+fanOut)), +√(6/(fanIn+fanOut))), Keras's default kernel init.</summary>
    public static void GlorotUniform(Span<float> values, int fanIn, int fanOut, SeededRandom random)
    {
        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        Uniform(values, limit, random);
    }

    /// <summary>U(−limit, +limit) for every value (PyTorch's RNN init uses limit = 1/√H).</summary>
    public static void Uniform(Span<float> values, float limit, SeededRandom random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextUniform(-limit, limit);
        }
    }

    /// <summary>
    /// Keras's Orthogonal for a (rows, cols) matrix: QR of a Gaussian matrix with the signs of R's diagonal
    /// folded into Q; when rows &lt; cols the rows come out orthonormal (Q of the transposed problem).
    /// </summary>
    public static void Orthogonal(Span<float> values, int rows, int cols, SeededRandom random)
    {
        // G (T, W) Gaussian, T = max(rows, cols), W = min: Q (T, W) with orthonormal columns, by modified
        // Gram–Schmidt in double, whose R diagonal comes out positive (QR with the sign fix applied). Each column j
        // gets, in order, for k < j: dot = Σ_i (i ascending) q_k[i]·q_j[i], then q_j −= dot·q_k; then q_j /= ‖q_j‖.
        // Those operations stay exactly that, so the weights stay the same bits; they run left-looking on blocks of
        // BlockColumns columns interleaved row by row, so one pass over q_k serves the block's columns with one
        // independent sum per vector lane (the slow twin is ReferenceOrthogonal in the tests).
        int tall = Math.Max(rows, cols);
        int wide = Math.Min(rows, cols);
        var gaussian = new double[tall * wide];
        for (int i = 0; i < gaussian.Length; i++)
        {
            gaussian[i] = random.NextGaussian();
        }

        var q = new double[wide * tall];               // finished columns, each contiguous: q_k = q[k·T .. (k+1)·T)
        var block = new double[tall * BlockColumns];   // (T, BlockColumns): the block's columns, unused ones zero
        for (int j0 = 0; j0 < wide; j0 += BlockColumns)
        {
            int count = Math.Min(BlockColumns, wide - j0);
            Array.Clear(block);
            for (int i = 0; i < tall; i++)
            {
                gaussian.AsSpan((i * wide) + j0, count).CopyTo(block.AsSpan(i * BlockColumns, count));
            }

            for (int k = 0; k < j0; k++)
            {
                Project(block, q.AsSpan(k * tall, tall), 0);
            }

            for (int c = 0; c < count; c++)
            {
                double norm = 0;
                for (int i = 0; i < tall; i++)
                {
                    double v = block[(i * BlockColumns) + c];
                    norm += v * v;
                }

                norm = Math.Sqrt(norm);
                var column = q.AsSpan((j0 + c) * tall, tall);
                for (int i = 0; i < tall; i++)
                {
                    column[i] = block[(i * BlockColumns) + c] / norm;
                }

                if (c + 1 < count)
                {
                    Project(block, column, c + 1);
                }
            }
        }

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                values[(r * cols) + c] = (float)(rows >= cols ? q[(c * tall) + r] : q[(r * tall) + c]);
            }
        }
    }

    // Columns per Gram–Schmidt block: four Vector256 of doubles, four independent sums in flight per row.
    private const int BlockColumns = 16;

    // block (T, BlockColumns), qk (T): for every block column c ≥ first, dot = Σ_i qk[i]·block[i, c] (i ascending,
    // one sum per lane), then block[:, c] −= dot·qk. Multiply and add stay separate (no FMA), as in the scalar loop.
    private static void Project(Span<double> block, ReadOnlySpan<double> qk, int first)
    {
        Debug.Assert(block.Length == qk.Length * BlockColumns);
        ref double b = ref MemoryMarshal.GetReference(block);
        var d0 = Vector256<double>.Zero;
        var d1 = Vector256<double>.Zero;
        var d2 = Vector256<double>.Zero;
        var d3 = Vector256<double>.Zero;
        nuint offset = 0;
        for (int i = 0; i < qk.Length; i++, offset += BlockColumns)
        {
            var x = Vector256.Create(qk[i]);
            d0 += x * Vector256.LoadUnsafe(ref b, offset);
            d1 += x * Vector256.LoadUnsafe(ref b, offset + 4);
            d2 += x * Vector256.LoadUnsafe(ref b, offset + 8);
            d3 += x * Vector256.LoadUnsafe(ref b, offset + 12);
        }

        // Columns before `first` are finished: the select keeps them as they are.
        var lane = Vector256.Create(0L, 1L, 2L, 3L);
        var keep0 = Vector256.GreaterThanOrEqual(lane, Vector256.Create((long)first)).AsDouble();
        var keep1 = Vector256.GreaterThanOrEqual(lane + Vector256.Create(4L), Vector256.Create((long)first)).AsDouble();
        var keep2 = Vector256.GreaterThanOrEqual(lane + Vector256.Create(8L), Vector256.Create((long)first)).AsDouble();
        var keep3 = Vector256.GreaterThanOrEqual(lane + Vector256.Create(12L), Vector256.Create((long)first)).AsDouble();
        offset = 0;
        for (int i = 0; i < qk.Length; i++, offset += BlockColumns)
        {
            var x = Vector256.Create(qk[i]);
            Update(ref b, offset, d0, x, keep0);
            Update(ref b, offset + 4, d1, x, keep1);
            Update(ref b, offset + 8, d2, x, keep2);
            Update(ref b, offset + 12, d3, x, keep3);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(ref double b, nuint offset, Vector256<double> dot, Vector256<double> x, Vector256<double> keep)
    {
        var old = Vector256.LoadUnsafe(ref b, offset);
        Vector256.ConditionalSelect(keep, old - (dot * x), old).StoreUnsafe(ref b, offset);
    }
}
