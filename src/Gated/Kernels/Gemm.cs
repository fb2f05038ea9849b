using System.Runtime.Intrinsics;

namespace Gated.Kernels;

/// <summary>
/// Single-precision GEMM on row-major matrices: C (M,N) = alpha · op(A) (M,K) · op(B) (K,N) + beta · C.
/// op(A) is A (M,K) with row stride lda, or Aᵀ where A is stored (K,M); likewise B. C must not overlap A or B.
/// beta == 0 overwrites C without reading it; K == 0 or alpha == 0 gives C = beta · C.
/// </summary>
/// <remarks>
/// BLIS layout (Van Zee &amp; van de Geijn, 2015). For each NC-wide column block and KC-deep slice of K,
/// op(B) is packed into NR-wide slivers (KC × NR, contiguous per k step); for each MC-tall row block op(A)
/// is packed into MR-tall slivers. A micro-kernel then keeps an MR × NR tile of C in registers across the
/// KC steps, loading NR/width vectors of B and broadcasting MR values of A per step. Transposes are absorbed
/// by the packing, and padding rows/columns are packed as zeros, so kernels never see a ragged tile; edge
/// tiles are computed into a stack tile and only their valid part is merged into C. Packing buffers are
/// per-thread, pinned, 64-byte aligned, and grow only when a larger block is needed. A C of at most
/// four rows (batch 1..4) skips packing and streams B once per row: see RowTimesMatrix; a C of one column
/// takes one dot product per row: see MatrixTimesColumn.
/// </remarks>
internal static partial class Gemm
{
    // A sliver of B (KC·NR floats, 24 KiB for AVX2's 4×24, 32 KiB for 8×32) stays in L1 while MC/MR tiles reuse
    // it; the packed A block (MC·KC, 144 KiB) stays in L2. MC is a multiple of every MR (4, 6, 8), NC of every
    // NR (8, 24, 32).
    private const int KC = 256;
    private const int MC = 144;
    private const int NC = 4032;

    // Up to this many rows of C, one unpacked pass over B per row beats packing B (two passes) and wasting tile rows.
    internal const int RowPathMaxRows = 4;

    /// <summary>The widest path the hardware accelerates; fixed for the process.</summary>
    internal static readonly GemmPath DefaultPath =
        Vector512.IsHardwareAccelerated ? GemmPath.Vector512
        : Vector256.IsHardwareAccelerated ? GemmPath.Vector256
        : Vector128.IsHardwareAccelerated ? GemmPath.Vector128
        : GemmPath.Scalar;

    /// <summary>
    /// C = alpha · op(A) · op(B) + beta · C; with an initial row (N values), every row of C is first set to it (a
    /// bias): the same bits as filling C before the call, but the blocked path fills each tile as it first reaches
    /// it, so a C too big for the caches (a whole sequence's input projection) is not streamed through memory twice.
    /// </summary>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, ReadOnlySpan<float> initialRow = default)
        => Multiply(DefaultPath, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, initialRow: initialRow);

    /// <summary>Runs one chosen path; tests use it to reach every path on one machine (unaccelerated vectors are emulated, slowly).</summary>
    internal static unsafe void Multiply(
        GemmPath path, bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, bool allowRowPath = true, ReadOnlySpan<float> initialRow = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ValidateMatrix(transposeA ? k : m, transposeA ? m : k, a.Length, lda, nameof(a), nameof(lda));
        ValidateMatrix(transposeB ? n : k, transposeB ? k : n, b.Length, ldb, nameof(b), nameof(ldb));
        ValidateMatrix(m, n, c.Length, ldc, nameof(c), nameof(ldc));
        ValidateInitialRow(initialRow, n);
        // The small vector paths, decided once: a row of A at a time, or a single column of B.
        bool rowPath = m <= RowPathMaxRows && allowRowPath, columnPath = n == 1 && !transposeA;
        bool blocked = path != GemmPath.Scalar && !rowPath && !columnPath && k > 0 && alpha != 0;
        if (!initialRow.IsEmpty && !blocked)
        {
            // The small paths fill C first; their C is small.
            for (int i = 0; i < m; i++)
            {
                initialRow.CopyTo(c.Slice(i * ldc, n));
            }

            initialRow = default;
        }

        if (IsTrivial(m, n, k, alpha, beta, c, ldc))
        {
            return;
        }

        if (path == GemmPath.Scalar)
        {
            GemmScalar.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        // pRow is null when there is no initial row (an empty span pins to null).
        fixed (float* pa = a, pb = b, pc = c, pRow = initialRow)
        {
            // A piece of a larger product split among threads stays on the blocked path, so its bits match the whole's.
            if (rowPath)
            {
                // Row i of op(A) is contiguous at a + i·lda, or strided by lda from a + i when A is stored (K,M).
                for (int i = 0; i < m; i++)
                {
                    float* row = transposeA ? pa + i : pa + (i * lda);
                    RowTimesMatrix(transposeB, n, k, alpha, row, transposeA ? lda : 1, pb, ldb, beta, pc + (i * ldc));
                }

                return;
            }

            if (columnPath)
            {
                MatrixTimesColumn(transposeB, m, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                return;
            }

            var none = default(NoEpilogue);
            switch (path)
            {
                case GemmPath.Vector512:
                    Blocked<Vector512Kernel, NoEpilogue>(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, null, beta, pc, ldc, 0, ref none, pRow);
                    break;
                case GemmPath.Vector256:
                    Blocked<Vector256Kernel, NoEpilogue>(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, null, beta, pc, ldc, 0, ref none, pRow);
                    break;
                case GemmPath.Vector128:
                    Blocked<Vector128Kernel, NoEpilogue>(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, null, beta, pc, ldc, 0, ref none, pRow);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(path), path, "Unknown GEMM path.");
            }
        }
    }

    /// <summary>
    /// C (M,N) = alpha · op(A) (M,K) · B (K,N) + beta · C with B packed beforehand (see <see cref="PackedMatrix"/>);
    /// runs on the path B was packed for. Every row of C is computed exactly as the blocked path computes it,
    /// whatever M is, so splitting the rows among threads does not change a single bit.
    /// </summary>
    public static void Multiply(
        bool transposeA, int m, float alpha, ReadOnlySpan<float> a, int lda, PackedMatrix b,
        float beta, Span<float> c, int ldc)
    {
        var none = default(NoEpilogue);
        MultiplyPacked(transposeA, m, alpha, a, lda, b, beta, c, ldc, 0, ref none);
    }

    /// <summary>
    /// C (M,N) = A (M,K) · B (K,N) with B packed, handing each group of `groupColumns` columns (the last may be
    /// narrower) of each block of rows to <paramref name="epilogue"/> as soon as those values are final, while they are
    /// still in cache (a recurrent step's gate math runs there). The products are the same bits as without an epilogue.
    /// </summary>
    public static void Multiply<TEpilogue>(
        int m, ReadOnlySpan<float> a, int lda, PackedMatrix b, Span<float> c, int ldc, int groupColumns, ref TEpilogue epilogue)
        where TEpilogue : struct, IGemmEpilogue
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groupColumns);
        MultiplyPacked(false, m, 1f, a, lda, b, 0f, c, ldc, groupColumns, ref epilogue);
    }

    private static unsafe void MultiplyPacked<TEpilogue>(
        bool transposeA, int m, float alpha, ReadOnlySpan<float> a, int lda, PackedMatrix b,
        float beta, Span<float> c, int ldc, int groupColumns, ref TEpilogue epilogue)
        where TEpilogue : struct, IGemmEpilogue
    {
        ArgumentNullException.ThrowIfNull(b);
        if (!b.IsPacked)
        {
            throw new ArgumentException("The matrix has not been packed.", nameof(b));
        }

        int n = b.N, k = b.K;
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ValidateMatrix(transposeA ? k : m, transposeA ? m : k, a.Length, lda, nameof(a), nameof(lda));
        ValidateMatrix(m, n, c.Length, ldc, nameof(c), nameof(ldc));
        if (IsTrivial(m, n, k, alpha, beta, c, ldc))
        {
            ApplyToAll(m, n, groupColumns, ref epilogue);
            return;
        }

        fixed (float* pa = a, pc = c)
        {
            float* pb = b.Data;
            switch (b.Path)
            {
                case GemmPath.Scalar:
                    // The scalar "packing" is op(B) copied row-major (K, N).
                    GemmScalar.Multiply(transposeA, false, m, n, k, alpha, a, lda, new ReadOnlySpan<float>(pb, k * n), n, beta, c, ldc);
                    ApplyToAll(m, n, groupColumns, ref epilogue);
                    break;
                case GemmPath.Vector512:
                    Blocked<Vector512Kernel, TEpilogue>(transposeA, false, m, n, k, alpha, pa, lda, null, 0, pb, beta, pc, ldc, groupColumns, ref epilogue);
                    break;
                case GemmPath.Vector256:
                    Blocked<Vector256Kernel, TEpilogue>(transposeA, false, m, n, k, alpha, pa, lda, null, 0, pb, beta, pc, ldc, groupColumns, ref epilogue);
                    break;
                case GemmPath.Vector128:
                    Blocked<Vector128Kernel, TEpilogue>(transposeA, false, m, n, k, alpha, pa, lda, null, 0, pb, beta, pc, ldc, groupColumns, ref epilogue);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(b), b.Path, "Unknown GEMM path.");
            }
        }
    }

    // Every group of every row, for products computed without the blocked loop.
    private static void ApplyToAll<TEpilogue>(int m, int n, int groupColumns, ref TEpilogue epilogue)
        where TEpilogue : struct, IGemmEpilogue
    {
        if (groupColumns <= 0 || m == 0)
        {
            return;
        }

        for (int column = 0; column < n; column += groupColumns)
        {
            epilogue.Apply(0, m, column, Math.Min(groupColumns, n - column));
        }
    }

    // Loop order jc → pc → ic → jr → ir (BLIS): each packed B slice serves all row blocks, each packed A
    // block all column slivers. Blocks are balanced so that no block is a sliver of a few rows or steps.
    // With groupColumns > 0, once the last K slice has passed a group's columns for a block of rows, the epilogue gets
    // that block while it is still in cache. With an initial row, the first K slice sets each C tile's rows to it just
    // before its kernel runs (the tile is then in L1 for the kernel's beta · C).
    private static unsafe void Blocked<TKernel, TEpilogue>(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float* prePackedB, float beta, float* c, nint ldc,
        int groupColumns, ref TEpilogue epilogue, float* initialRow = null)
        where TKernel : struct, IGemmMicroKernel
        where TEpilogue : struct, IGemmEpilogue
    {
        int mr = TKernel.Rows, nr = TKernel.Columns;
        int kcMax = DivideRoundingUp(k, DivideRoundingUp(k, KC));
        int mcMax = RoundUp(DivideRoundingUp(m, DivideRoundingUp(m, MC)), mr);
        int ncMax = RoundUp(DivideRoundingUp(n, DivideRoundingUp(n, NC)), nr);
        float* packedA = PackBuffer(ref t_packedA, mcMax * kcMax);
        float* packedB = prePackedB is null ? PackBuffer(ref t_packedB, ncMax * kcMax) : null;
        float* tile = stackalloc float[mr * nr];

        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);

                // Later K slices accumulate onto what the first slice wrote.
                float sliceBeta = pc == 0 ? beta : 1f;
                if (prePackedB is null)
                {
                    PackB<TKernel>(transposeB, b, ldb, pc, kc, jc, nc, packedB);
                }
                else
                {
                    packedB = prePackedB + PackedBlockOffset(k, jc, nc, nr, pc);
                }

                bool lastSlice = pc + kc == k && groupColumns > 0;
                for (int ic = 0; ic < m; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m - ic);
                    PackA<TKernel>(transposeA, a, lda, ic, mc, pc, kc, packedA);

                    // The first group not handed over yet: one that began in an earlier column block ends in this one.
                    int group = lastSlice ? jc / groupColumns * groupColumns : n;
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int columns = Math.Min(nr, nc - jr);
                        float* bSliver = packedB + ((nint)jr * kc);
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* aSliver = packedA + ((nint)ir * kc);
                            float* cTile = c + ((ic + ir) * ldc) + jc + jr;
                            if (initialRow is not null && pc == 0)
                            {
                                FillTile(initialRow + jc + jr, cTile, ldc, rows, columns);
                            }

                            if (rows == mr && columns == nr)
                            {
                                TKernel.Run(kc, aSliver, bSliver, cTile, ldc, alpha, sliceBeta);
                            }
                            else
                            {
                                TKernel.Run(kc, aSliver, bSliver, tile, nr, 1f, 0f);
                                MergeTile(tile, nr, cTile, ldc, rows, columns, alpha, sliceBeta);
                            }
                        }

                        for (int done = jc + jr + columns; group < n && Math.Min(group + groupColumns, n) <= done; group += groupColumns)
                        {
                            epilogue.Apply(ic, mc, group, Math.Min(groupColumns, n - group));
                        }
                    }
                }
            }
        }
    }

    // Each of the tile's rows = the initial row's columns.
    private static unsafe void FillTile(float* row, float* c, nint ldc, int rows, int columns)
    {
        var source = new ReadOnlySpan<float>(row, columns);
        for (int i = 0; i < rows; i++, c += ldc)
        {
            source.CopyTo(new Span<float>(c, columns));
        }
    }

    // An empty C needs nothing; with no products (K = 0 or alpha = 0) C is only scaled by beta. True when done.
    private static bool IsTrivial(int m, int n, int k, float alpha, float beta, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0)
        {
            return true;
        }

        if (k == 0 || alpha == 0)
        {
            Scale(m, n, beta, c, ldc);
            return true;
        }

        return false;
    }

    // C (rows, columns) = alpha · tile + beta · C, reading C only when beta ≠ 0. The vector loops do the scalar tail's
    // operations (a product, a product, a sum; never fused), so the bits do not depend on the width. Edge tiles of
    // small products (a seed step's 150 columns end in one of 22) merge at every step: a scalar loop took 5 % there.
    internal static unsafe void MergeTile(float* tile, nint ldt, float* c, nint ldc, int rows, int columns, float alpha, float beta)
    {
        for (int i = 0; i < rows; i++, tile += ldt, c += ldc)
        {
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var alpha16 = Vector512.Create(alpha);
                var beta16 = Vector512.Create(beta);
                for (; j + 16 <= columns; j += 16)
                {
                    var product = alpha16 * Vector512.Load(tile + j);
                    (beta == 0 ? product : product + (beta16 * Vector512.Load(c + j))).Store(c + j);
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                var alpha8 = Vector256.Create(alpha);
                var beta8 = Vector256.Create(beta);
                for (; j + 8 <= columns; j += 8)
                {
                    var product = alpha8 * Vector256.Load(tile + j);
                    (beta == 0 ? product : product + (beta8 * Vector256.Load(c + j))).Store(c + j);
                }
            }

            for (; j < columns; j++)
            {
                c[j] = beta == 0 ? alpha * tile[j] : (alpha * tile[j]) + (beta * c[j]);
            }
        }
    }

    // C (M,N) = beta · C; beta == 0 clears, so NaN garbage in C does not survive.
    private static void Scale(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0)
            {
                row.Clear();
            }
            else if (beta != 1)
            {
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] *= beta;
                }
            }
        }
    }

    // An initial row is empty (none) or one value per column of C.
    internal static void ValidateInitialRow(ReadOnlySpan<float> initialRow, int n)
    {
        if (!initialRow.IsEmpty && initialRow.Length != n)
        {
            throw new ArgumentException($"The initial row holds {initialRow.Length} values; C has {n} columns.", nameof(initialRow));
        }
    }

    // A stored matrix has `rows` rows of `columns` values, row stride ld; the last row need not be padded.
    internal static void ValidateMatrix(int rows, int columns, int length, int ld, string name, string ldName)
    {
        if (ld < Math.Max(1, columns))
        {
            throw new ArgumentOutOfRangeException(ldName, ld, $"Row stride must be at least max(1, {columns}).");
        }

        long needed = rows == 0 || columns == 0 ? 0 : ((long)(rows - 1) * ld) + columns;
        if (length < needed)
        {
            throw new ArgumentException($"{name} holds {length} values but a ({rows}, {columns}) matrix with stride {ld} needs {needed}.", name);
        }
    }

    private static int DivideRoundingUp(int x, int y) => (x + y - 1) / y;

    private static int RoundUp(int x, int multiple) => DivideRoundingUp(x, multiple) * multiple;
}
