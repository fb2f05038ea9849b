using Gated.Kernels;

namespace Gated.Threading;

/// <summary>
/// A large <see cref="Gemm"/> split among the <see cref="WorkerPool"/>'s threads: by blocks of columns when C is
/// wide, by blocks of rows when it is tall. Every value of C is computed by the same blocked kernel with the
/// same K slicing whatever the split, so the result is bit-identical to one thread's (tested). Products too
/// small to pay for a hand-off, and those of at most four rows (whose unpacked row path is split-sensitive),
/// run on the calling thread. Same contract as <see cref="Gemm"/>; no allocation per call.
/// </summary>
internal static unsafe class ParallelGemm
{
    // Below about this many multiply-adds a product takes a few microseconds: not worth waking a worker.
    private const long MinimumWork = 1 << 17;

    // Column blocks are multiples of the running path's tile width and row blocks of every tile height, so no tile is
    // split. (A quantum that suited every path, 96, left a 150-column product, seed's weight gradients, on one thread.)
    private static readonly int ColumnQuantum = Gemm.TileColumns(Gemm.DefaultPath);
    private const int RowQuantum = 24;

    // One per calling thread: the pool runs one job at a time, but two threads may each be inside a product.
    [ThreadStatic]
    private static Job? t_job;

    /// <summary>C = alpha · op(A) · op(B) + beta · C, C's rows first set to the initial row when there is one (see <see cref="Gemm"/>).</summary>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        ReadOnlySpan<float> initialRow = default)
    {
        int threads = Parallelism.Threads;
        bool byColumns = n >= m;
        int extent = byColumns ? n : m, quantum = byColumns ? ColumnQuantum : RowQuantum;
        int parts = Math.Min(threads, extent / quantum);
        if (threads == 1 || (long)m * n * k < MinimumWork || m <= Gemm.RowPathMaxRows || parts < 2)
        {
            Gemm.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, initialRow);
            return;
        }

        Gemm.ValidateInitialRow(initialRow, n);
        int block = (extent + parts - 1) / parts;
        block = (block + quantum - 1) / quantum * quantum;
        parts = (extent + block - 1) / block;
        fixed (float* pa = a, pb = b, pc = c, pRow = initialRow)
        {
            var job = t_job ??= new Job();
            job.Set(transposeA, transposeB, m, n, k, alpha, pa, a.Length, lda, pb, b.Length, ldb, beta, pc, c.Length, ldc, pRow, initialRow.Length, byColumns, block);
            WorkerPool.Shared.Run(parts, job.Part);
        }
    }

    private sealed class Job
    {
        private bool _transposeA, _transposeB, _byColumns;
        private int _m, _n, _k, _lda, _ldb, _ldc, _aLength, _bLength, _cLength, _block;
        private float _alpha, _beta;
        private float* _a, _b, _c, _initialRow;
        private int _initialRowLength;

        public Job() => Part = RunPart;

        public Action<int> Part { get; }

        public void Set(
            bool transposeA, bool transposeB, int m, int n, int k, float alpha, float* a, int aLength, int lda,
            float* b, int bLength, int ldb, float beta, float* c, int cLength, int ldc, float* initialRow, int initialRowLength,
            bool byColumns, int block)
        {
            (_transposeA, _transposeB, _m, _n, _k, _alpha, _beta) = (transposeA, transposeB, m, n, k, alpha, beta);
            (_aLength, _lda, _bLength, _ldb, _cLength, _ldc) = (aLength, lda, bLength, ldb, cLength, ldc);
            _a = a;
            _b = b;
            _c = c;
            _initialRow = initialRow;
            _initialRowLength = initialRowLength;
            (_byColumns, _block) = (byColumns, block);
        }

        private void RunPart(int part)
        {
            var a = new ReadOnlySpan<float>(_a, _aLength);
            var b = new ReadOnlySpan<float>(_b, _bLength);
            var c = new Span<float>(_c, _cLength);
            var row = new ReadOnlySpan<float>(_initialRow, _initialRowLength);
            int start = part * _block;
            if (_byColumns)
            {
                // Columns j0.. of C come from columns j0.. of op(B): offset j0 in B (K,N), or rows j0.. of B stored (N,K).
                int count = Math.Min(_block, _n - start);
                int bOffset = _transposeB ? start * _ldb : start;
                Gemm.Multiply(Gemm.DefaultPath, _transposeA, _transposeB, _m, count, _k, _alpha, a, _lda, b[bOffset..], _ldb, _beta, c[start..], _ldc, allowRowPath: false, row.IsEmpty ? row : row.Slice(start, count));
            }
            else
            {
                int count = Math.Min(_block, _m - start);
                int aOffset = _transposeA ? start : start * _lda;
                Gemm.Multiply(Gemm.DefaultPath, _transposeA, _transposeB, count, _n, _k, _alpha, a[aOffset..], _lda, b, _ldb, _beta, c[(start * _ldc)..], _ldc, allowRowPath: false, row);
            }
        }
    }
}
