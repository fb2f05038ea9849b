using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        for (int s = 0; s < mc; s += mr, packed += (nint)mr * kc)
        {
            int rows = Math.Min(mr, mc - s);
            if (transposeA)
            {
                // A stored (K,M): a k step's MR values are contiguous.
                float* source = a + (p0 * lda) + i0 + s;
                for (int p = 0; p < kc; p++)
                {
                    CopyPadded(source + (p * lda), packed + ((nint)p * mr), rows, mr);
                }
            }
            else
            {
                // A stored (M,K): a k step's MR values lie in MR different rows.
                GatherColumns(a + ((i0 + s) * lda) + p0, lda, rows, packed, kc, mr);
            }
        }
    }

    // Packed B: op(B)[p0.., j0..] (kc, nc) → slivers of NR columns; sliver t at t·kc·NR holds, per k step p,
    // the NR values op(B)[p0 + p, j0 + t·NR + j] at p·NR + j. Columns past nc are zero.
    private static unsafe void PackB<TKernel>(
        bool transposeB, float* b, nint ldb, int p0, int kc, int j0, int nc, float* packed)
        where TKernel : struct, IGemmMicroKernel
    {
        int nr = TKernel.Columns;
        for (int t = 0; t < nc; t += nr, packed += (nint)nr * kc)
        {
            int columns = Math.Min(nr, nc - t);
            if (transposeB)
            {
                // B stored (N,K): a k step's NR values lie in NR different rows.
                GatherColumns(b + ((j0 + t) * ldb) + p0, ldb, columns, packed, kc, nr);
            }
            else
            {
                // B stored (K,N): a k step's NR values are contiguous.
                float* source = b + (p0 * ldb) + j0 + t;
                for (int p = 0; p < kc; p++)
                {
                    CopyPadded(source + (p * ldb), packed + ((nint)p * nr), columns, nr);
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
