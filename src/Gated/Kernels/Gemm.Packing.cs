using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gated.Kernels;

internal static partial class Gemm
{
    [ThreadStatic]
    private static float[]? t_packedA;

    [ThreadStatic]
    private static float[]? t_packedB;

    // Packed A: op(A)[i0.., p0..] (mc, kc) → slivers of MR rows; sliver s at s·kc·MR holds, per k step p,
    // the MR values op(A)[i0 + s·MR + r, p0 + p] at p·MR + r. Rows past mc are zero.
    private static unsafe void PackA<TKernel>(
        bool transposeA, float* a, nint lda, int i0, int mc, int p0, int kc, float* packed)
        where TKernel : struct, IGemmMicroKernel
    {
        int mr = TKernel.Rows;
        if (transposeA)
        {
            // A stored (K,M): a k step's values for all rows are contiguous, so go row by row of A and hand each sliver
            // its MR values with one fixed-size copy. (Sliver by sliver, with a general copy per k step, this packing
            // took about as long as the product itself for the weight gradients' thin shapes, 50 × 150 × 3200.)
            int full = mc / mr * mr;
            for (int p = 0; p < kc; p++)
            {
                float* source = a + ((p0 + p) * lda) + i0;
                float* sliver = packed + ((nint)p * mr);
                int s = 0;
                for (; s < full; s += mr, sliver += (nint)mr * kc)
                {
                    Unsafe.CopyBlockUnaligned(sliver, source + s, (uint)(TKernel.Rows * sizeof(float)));
                }

                if (s < mc)
                {
                    CopyPadded(source + s, sliver, mc - s, mr);
                }
            }

            return;
        }

        for (int s = 0; s < mc; s += mr, packed += (nint)mr * kc)
        {
            // A stored (M,K): a k step's MR values lie in MR different rows.
            GatherColumns(a + ((i0 + s) * lda) + p0, lda, Math.Min(mr, mc - s), packed, kc, mr);
        }
    }

    // Packed B: op(B)[p0.., j0..] (kc, nc) → slivers of NR columns; sliver t at t·kc·NR holds, per k step p,
    // the NR values op(B)[p0 + p, j0 + t·NR + j] at p·NR + j. Columns past nc are zero.
    private static unsafe void PackB<TKernel>(
        bool transposeB, float* b, nint ldb, int p0, int kc, int j0, int nc, float* packed)
        where TKernel : struct, IGemmMicroKernel
    {
        int nr = TKernel.Columns;
        if (transposeB)
        {
            // B stored (N,K): a k step's NR values lie in NR different rows.
            for (int t = 0; t < nc; t += nr, packed += (nint)nr * kc)
            {
                GatherColumns(b + ((j0 + t) * ldb) + p0, ldb, Math.Min(nr, nc - t), packed, kc, nr);
            }

            return;
        }

        // B stored (K,N): a k step's NR values are contiguous. Going across all slivers a few rows at a time reads B
        // row by row and writes each sliver a run of rows · NR floats; sliver by sliver would touch kc pages per
        // sliver at a stride the prefetchers do not follow. Same layout either way.
        const int rowsPerPass = 8;
        for (int q = 0; q < kc; q += rowsPerPass)
        {
            int steps = Math.Min(rowsPerPass, kc - q);
            float* sliver = packed + ((nint)q * nr);
            for (int t = 0; t < nc; t += nr, sliver += (nint)nr * kc)
            {
                int columns = Math.Min(nr, nc - t);
                float* source = b + ((p0 + q) * ldb) + j0 + t;
                if (columns == nr)
                {
                    // A whole sliver row: one fixed-size copy the JIT unrolls.
                    for (int p = 0; p < steps; p++)
                    {
                        Unsafe.CopyBlockUnaligned(sliver + ((nint)p * nr), source + (p * ldb), (uint)(TKernel.Columns * sizeof(float)));
                    }

                    continue;
                }

                for (int p = 0; p < steps; p++)
                {
                    CopyPadded(source + (p * ldb), sliver + ((nint)p * nr), columns, nr);
                }
            }
        }
    }

    // destination[0..count) = source, destination[count..width) = 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void CopyPadded(float* source, float* destination, int count, int width)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= count; j += 8)
            {
                Vector256.Store(Vector256.Load(source + j), destination + j);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; j + 4 <= count; j += 4)
            {
                Vector128.Store(Vector128.Load(source + j), destination + j);
            }
        }

        for (; j < count; j++)
        {
            destination[j] = source[j];
        }

        for (; j < width; j++)
        {
            destination[j] = 0;
        }
    }

    // Transposing copy: destination[p·width + r] = source[r·ld + p] for r < count, 0 for count ≤ r < width.
    // Four source rows per pass, so each k step writes four adjacent floats (one cache line) at a time.
    private static unsafe void GatherColumns(float* source, nint ld, int count, float* destination, int kc, int width)
    {
        int r = 0;
        if ((count == 8 || count == 4) && width == count && Avx.IsSupported)
        {
            // A full sliver of AVX-512's 8-row or AVX2's 4-row tile: blocks of 4 rows × 8 k steps transposed in
            // registers (element by element this gather took a tenth of a mid-sized training step).
            int p = 0;
            for (; p + 8 <= kc; p += 8)
            {
                for (int rows = 0; rows < count; rows += 4)
                {
                    Transpose4x8(source + (rows * ld) + p, ld, destination + (p * width) + rows, width);
                }
            }

            for (; p < kc; p++)
            {
                for (int i = 0; i < count; i++)
                {
                    destination[(p * width) + i] = source[(i * ld) + p];
                }
            }

            return;
        }

        for (; r + 4 <= count; r += 4)
        {
            float* s0 = source + (r * ld), s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld;
            float* d = destination + r;
            for (int p = 0; p < kc; p++, d += width)
            {
                d[0] = s0[p];
                d[1] = s1[p];
                d[2] = s2[p];
                d[3] = s3[p];
            }
        }

        for (; r < count; r++)
        {
            float* s0 = source + (r * ld);
            float* d = destination + r;
            for (int p = 0; p < kc; p++, d += width)
            {
                *d = s0[p];
            }
        }

        for (; r < width; r++)
        {
            float* d = destination + r;
            for (int p = 0; p < kc; p++, d += width)
            {
                *d = 0;
            }
        }
    }

    // destination[j·width + i] = source[i·ld + j] for 4 rows i and 8 k steps j: unpack pairs of rows, shuffle pairs of
    // pairs (each 128-bit half then holds one k step's 4 values), store the halves (a copy: the same bits).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Transpose4x8(float* source, nint ld, float* destination, int width)
    {
        var r0 = Avx.LoadVector256(source);
        var r1 = Avx.LoadVector256(source + ld);
        var r2 = Avx.LoadVector256(source + (2 * ld));
        var r3 = Avx.LoadVector256(source + (3 * ld));
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var k04 = Avx.Shuffle(t0, t2, 0x44);
        var k15 = Avx.Shuffle(t0, t2, 0xEE);
        var k26 = Avx.Shuffle(t1, t3, 0x44);
        var k37 = Avx.Shuffle(t1, t3, 0xEE);
        Sse.Store(destination, k04.GetLower());
        Sse.Store(destination + width, k15.GetLower());
        Sse.Store(destination + (2 * width), k26.GetLower());
        Sse.Store(destination + (3 * width), k37.GetLower());
        Sse.Store(destination + (4 * width), k04.GetUpper());
        Sse.Store(destination + (5 * width), k15.GetUpper());
        Sse.Store(destination + (6 * width), k26.GetUpper());
        Sse.Store(destination + (7 * width), k37.GetUpper());
    }

    /// <summary>The micro-kernel's tile width NR on a path (1 for the scalar loop).</summary>
    internal static int TileColumns(GemmPath path) => path switch
    {
        GemmPath.Vector512 => Vector512Kernel.Columns,
        GemmPath.Vector256 => Vector256Kernel.Columns,
        GemmPath.Vector128 => Vector128Kernel.Columns,
        _ => 1,
    };

    /// <summary>Floats a whole packed op(B) (K, N) takes on a path: N padded to the tile width, times K.</summary>
    internal static int PackedLength(GemmPath path, int k, int n) => path switch
    {
        GemmPath.Scalar => k * n,
        GemmPath.Vector512 => RoundUp(n, Vector512Kernel.Columns) * k,
        GemmPath.Vector256 => RoundUp(n, Vector256Kernel.Columns) * k,
        GemmPath.Vector128 => RoundUp(n, Vector128Kernel.Columns) * k,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Unknown GEMM path."),
    };

    /// <summary>Packs all of op(B) (K, N) the way <see cref="Blocked"/> packs one (NC, KC) block at a time, blocks laid end to end.</summary>
    internal static unsafe void PackWhole(GemmPath path, bool transposeB, int k, int n, float* b, nint ldb, float* packed)
    {
        switch (path)
        {
            case GemmPath.Scalar:
                for (int p = 0; p < k; p++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        packed[((nint)p * n) + j] = transposeB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    }
                }

                break;
            case GemmPath.Vector512:
                PackWhole<Vector512Kernel>(transposeB, k, n, b, ldb, packed);
                break;
            case GemmPath.Vector256:
                PackWhole<Vector256Kernel>(transposeB, k, n, b, ldb, packed);
                break;
            case GemmPath.Vector128:
                PackWhole<Vector128Kernel>(transposeB, k, n, b, ldb, packed);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(path), path, "Unknown GEMM path.");
        }
    }

    private static unsafe void PackWhole<TKernel>(bool transposeB, int k, int n, float* b, nint ldb, float* packed)
        where TKernel : struct, IGemmMicroKernel
    {
        int nr = TKernel.Columns;
        int kcMax = DivideRoundingUp(k, DivideRoundingUp(k, KC));
        int ncMax = RoundUp(DivideRoundingUp(n, DivideRoundingUp(n, NC)), nr);
        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                PackB<TKernel>(transposeB, b, ldb, pc, kc, jc, nc, packed + PackedBlockOffset(k, jc, nc, nr, pc));
            }
        }
    }

    // Where block (jc, pc) of a whole packed op(B) starts: every column block before jc is full (a multiple of NR
    // wide) and spans all K, and within a block each K slice takes RoundUp(nc, NR) floats per k step.
    private static nint PackedBlockOffset(int k, int jc, int nc, int nr, int pc) => ((nint)jc * k) + ((nint)RoundUp(nc, nr) * pc);

    // Pinned, so the pointer stays valid; 16 spare floats let the start move up to a 64-byte boundary.
    private static unsafe float* PackBuffer(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length + 16)
        {
            buffer = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        }

        nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((start + 63) & ~(nuint)63);
    }
}
