using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gated.Kernels;

/// <summary>
/// op(B) (K, N) packed once for many products with different A: a recurrent kernel is multiplied by a new
/// state at every step of a sequence, so packing it at every step (as a plain <see cref="Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, ReadOnlySpan{float})"/>
/// would) costs as much as a third of the step. The layout is exactly what <see cref="Gemm"/> packs per call,
/// for the path chosen at packing time; the scalar path keeps a plain row-major copy of op(B).
/// </summary>
internal sealed class PackedMatrix
{
    private float[] _buffer = [];

    /// <summary>Rows of op(B): the inner dimension of the products.</summary>
    public int K { get; private set; }

    /// <summary>Columns of op(B), and of the products.</summary>
    public int N { get; private set; }

    /// <summary>The path the layout was packed for; products run on it.</summary>
    public GemmPath Path { get; private set; }

    /// <summary>False until the first <see cref="Pack(bool, int, int, ReadOnlySpan{float}, int)"/>.</summary>
    public bool IsPacked { get; private set; }

    /// <summary>Packs op(B) for the widest accelerated path. B is (K, N) with row stride ldb, or (N, K) when transposed.</summary>
    public void Pack(bool transpose, int k, int n, ReadOnlySpan<float> b, int ldb) => Pack(Gemm.DefaultPath, transpose, k, n, b, ldb);

    /// <summary>Packs for a chosen path (tests reach every path on one machine).</summary>
    public unsafe void Pack(GemmPath path, bool transpose, int k, int n, ReadOnlySpan<float> b, int ldb)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        Gemm.ValidateMatrix(transpose ? n : k, transpose ? k : n, b.Length, ldb, nameof(b), nameof(ldb));
        int length = Gemm.PackedLength(path, k, n);
        if (_buffer.Length < length + 16)
        {
            _buffer = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        }

        K = k;
        N = n;
        Path = path;
        fixed (float* pb = b)
        {
            Gemm.PackWhole(path, transpose, k, n, pb, ldb, Data);
        }

        IsPacked = true;
    }

    /// <summary>The packed values, 64-byte aligned (the buffer is pinned, so the pointer stays valid).</summary>
    internal unsafe float* Data
    {
        get
        {
            nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
            return (float*)((start + 63) & ~(nuint)63);
        }
    }
}
