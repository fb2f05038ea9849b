using Gated.Kernels;

namespace Gated.Threading;

/// <summary>
/// A tall <see cref="Int8Gemm"/> product (a recurrent layer's input projection over all steps, a Dense over many
/// rows) split by blocks of rows among the <see cref="WorkerPool"/>'s threads, each with its own scratch. Each row is
/// quantized and summed the same way whatever the split, so the result is one thread's bit for bit. Small products
/// run on the calling thread.
/// </summary>
internal static unsafe class ParallelInt8Gemm
{
    // Below about this many multiply-adds, waking a worker costs more than it saves.
    private const long MinimumWork = 1 << 18;
    private const int RowQuantum = 64;

    [ThreadStatic]
    private static Job? t_job;

    /// <summary>
    /// C (M, N) (rows ldc apart) = quantize(A (M, K), rows lda apart) · W + bias (N values, or none), on the default
    /// path. Adding the bias here, rather than filling C with it first and accumulating, spares a pass over a C that
    /// is a whole sequence's input projection (tens of MB, out of cache); the sum is the same either way.
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> a, int lda, int m, QuantizedMatrix w, ReadOnlySpan<float> bias, Span<float> c, int ldc)
    {
        int threads = Parallelism.Threads;
        int parts = Math.Min(threads, m / RowQuantum);
        if (threads == 1 || parts < 2 || (long)m * w.Rows * w.Columns < MinimumWork)
        {
            Int8Gemm.Multiply(a, lda, m, w, bias, c, ldc);
            return;
        }

        int block = ((m + parts - 1) / parts + RowQuantum - 1) / RowQuantum * RowQuantum;
        parts = (m + block - 1) / block;
        fixed (float* pa = a, pb = bias, pc = c)
        {
            var job = t_job ??= new Job();
            job.Set(pa, a.Length, lda, m, w, pb, bias.Length, pc, c.Length, ldc, block);
            WorkerPool.Shared.Run(parts, job.Part);
        }
    }

    private sealed class Job
    {
        private float* _a, _bias, _c;
        private int _aLength, _lda, _m, _biasLength, _cLength, _ldc, _block;
        private QuantizedMatrix? _w;

        public Job() => Part = RunPart;

        public Action<int> Part { get; }

        public void Set(float* a, int aLength, int lda, int m, QuantizedMatrix w, float* bias, int biasLength, float* c, int cLength, int ldc, int block)
        {
            _a = a;
            _bias = bias;
            _c = c;
            (_aLength, _lda, _m, _w, _biasLength, _cLength, _ldc, _block) = (aLength, lda, m, w, biasLength, cLength, ldc, block);
        }

        private void RunPart(int part)
        {
            int start = part * _block, rows = Math.Min(_block, _m - start);
            var a = new ReadOnlySpan<float>(_a, _aLength)[(start * _lda)..];
            var c = new Span<float>(_c, _cLength)[(start * _ldc)..];
            Int8Gemm.Multiply(a, _lda, rows, _w!, new ReadOnlySpan<float>(_bias, _biasLength), c, _ldc);
        }
    }
}
