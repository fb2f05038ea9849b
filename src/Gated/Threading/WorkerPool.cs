using System.Diagnostics;

namespace Gated.Threading;

/// <summary>
/// Persistent worker threads that run the parts of one job beside the calling thread. A job is handed over by
/// writing its generation number into each participating worker, which spins on it, so a hand-off costs well
/// under a microsecond while work keeps coming (a <c>Parallel.For</c> per call would cost more than a small
/// step); a worker that has seen nothing for 100 µs sleeps on a semaphore instead of burning its core.
/// </summary>
/// <remarks>
/// Parts are assigned statically: thread t (the caller is 0) runs parts t, t + N, t + 2N, … So which thread
/// computes what is fixed for a given thread count, and callers split work so that no value depends on the
/// split anyway. One job at a time: a call made while the pool is busy (another thread's job, or from inside
/// a part) runs its parts inline on the calling thread, which gives the same results.
/// </remarks>
internal sealed class WorkerPool
{
    // A worker spins this long (100 µs) for the next job before it sleeps: longer than the gaps inside a training step.
    private static readonly long SpinTicks = Stopwatch.Frequency / 10_000;

    // Pause instructions before a waiting thread starts yielding: a few microseconds.
    private const int PauseSpins = 2_000;

    [ThreadStatic]
    private static bool t_isWorker;

    private readonly Lock _growLock = new();
    private Worker[] _workers = [];
    private int _busy;
    private long _generation;
    private Action<int>? _body;
    private int _parts;
    private int _participants;

    public static WorkerPool Shared { get; } = new();

    /// <summary>Runs body(0 .. parts−1) on up to <see cref="Parallelism.Threads"/> threads and returns when all are done; rethrows the first failure.</summary>
    public void Run(int parts, Action<int> body)
    {
        // More threads than cores only makes spinning threads wait for each other's time slices.
        int threads = Math.Min(Math.Min(Parallelism.Threads, parts), Environment.ProcessorCount);
        if (threads <= 1 || t_isWorker || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int p = 0; p < parts; p++)
            {
                body(p);
            }

            return;
        }

        Dispatch(threads, parts, body);
    }

    /// <summary>
    /// Runs body(0 .. parts−1) with every part on its own thread at the same time, so the parts may wait for each
    /// other (a <see cref="SpinBarrier"/> between time steps). Returns false, having run nothing, when that cannot be
    /// promised: fewer threads allowed or cores than parts, or the pool is busy (a nested or concurrent call).
    /// </summary>
    public bool TryRunTogether(int parts, Action<int> body)
    {
        if (parts < 2 || parts > Math.Min(Parallelism.Threads, Environment.ProcessorCount) || t_isWorker
            || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return false;
        }

        Dispatch(parts, parts, body);
        return true;
    }

    // Hands the job to threads − 1 workers and runs the caller's share; the caller holds _busy, released here.
    private void Dispatch(int threads, int parts, Action<int> body)
    {
        try
        {
            EnsureWorkers(threads - 1);
            _body = body;
            _parts = parts;
            _participants = threads;
            long generation = Interlocked.Increment(ref _generation);
            for (int t = 1; t < threads; t++)
            {
                _workers[t - 1].Post(generation);
            }

            Exception? failure = RunParts(0, threads, parts, body);
            for (int t = 1; t < threads; t++)
            {
                var worker = _workers[t - 1];
                var spinner = default(SpinWait);
                for (int spins = 0; Volatile.Read(ref worker.Done) != generation; spins++)
                {
                    // Pause-spin first: a part of a microsecond-scale step finishes sooner than a yield returns.
                    if (spins < PauseSpins)
                    {
                        Thread.SpinWait(1);
                    }
                    else
                    {
                        spinner.SpinOnce(sleep1Threshold: -1);
                    }
                }

                failure ??= worker.Failure;
                worker.Failure = null;
            }

            _body = null;
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private static Exception? RunParts(int thread, int threads, int parts, Action<int> body)
    {
        try
        {
            for (int p = thread; p < parts; p += threads)
            {
                body(p);
            }

            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private void EnsureWorkers(int count)
    {
        if (_workers.Length >= count)
        {
            return;
        }

        lock (_growLock)
        {
            var grown = new Worker[count];
            _workers.CopyTo(grown, 0);
            for (int i = _workers.Length; i < count; i++)
            {
                grown[i] = new Worker(this, i + 1);
            }

            _workers = grown;
        }
    }

    private sealed class Worker
    {
        private readonly WorkerPool _pool;
        private readonly int _index;
        private readonly SemaphoreSlim _wake = new(0);
        private int _sleeping;

        public Worker(WorkerPool pool, int index)
        {
            _pool = pool;
            _index = index;
            Done = _posted = Volatile.Read(ref pool._generation);
            var thread = new Thread(Loop) { IsBackground = true, Name = $"Gated worker {index}" };
            thread.Start();
        }

        /// <summary>The last generation this worker finished.</summary>
        public long Done;

        public Exception? Failure { get; set; }

        /// <summary>The last generation posted to this worker; only participants of a job are posted to.</summary>
        private long _posted;

        /// <summary>Hands this worker its part of a job, releasing it if it went to sleep.</summary>
        public void Post(long generation)
        {
            Volatile.Write(ref _posted, generation);
            Interlocked.MemoryBarrier();
            if (Interlocked.Exchange(ref _sleeping, 0) == 1)
            {
                _wake.Release();
            }
        }

        private void Loop()
        {
            t_isWorker = true;
            long seen = Done;
            while (true)
            {
                seen = WaitForGeneration(seen);
                var pool = _pool;
                Failure = RunParts(_index, pool._participants, pool._parts, pool._body!);

                Volatile.Write(ref Done, seen);
            }
        }

        private long WaitForGeneration(long seen)
        {
            var spinner = default(SpinWait);
            int spins = 0;
            long sleepAt = Stopwatch.GetTimestamp() + SpinTicks;
            while (true)
            {
                long current = Volatile.Read(ref _posted);
                if (current != seen)
                {
                    return current;
                }

                // Pause-spin for the first few microseconds (a yield costs about as much as a small step), then
                // SpinWait, which yields the core, so a worker never starves a thread with real work when there are
                // more busy threads than cores.
                if (++spins < PauseSpins)
                {
                    Thread.SpinWait(1);
                    continue;
                }

                if (Stopwatch.GetTimestamp() < sleepAt)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                    continue;
                }

                // Announce the sleep, then look once more: a job posted in between either sees the flag (and
                // releases us) or is seen here (and we take the flag back, or consume the release it made).
                Volatile.Write(ref _sleeping, 1);
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _posted) == seen || Interlocked.Exchange(ref _sleeping, 0) == 0)
                {
                    _wake.Wait();
                }

                spinner.Reset();
                spins = 0;
                sleepAt = Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}
