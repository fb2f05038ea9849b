using Gated.Tests.TestSupport;
using Gated.Threading;
using Xunit;

namespace Gated.Tests.Threading;

/// <summary>
/// The pool runs every part exactly once, survives thousands of back-to-back jobs, passes failures on, and runs nested or
/// concurrent jobs inline; a job run together keeps its parts in step at a barrier, and a failing part does not hang the rest.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class WorkerPoolTests
{
    [Fact]
    public void RunsEveryPartOnceOverManyJobs()
    {
        using var threads = new ThreadCount(3);
        var pool = new WorkerPool();
        var counts = new int[7];
        for (int job = 0; job < 5000; job++)
        {
            pool.Run(counts.Length, p => Interlocked.Increment(ref counts[p]));
        }

        Assert.All(counts, c => Assert.Equal(5000, c));
    }

    [Fact]
    public void WakesSleepingWorkers()
    {
        using var threads = new ThreadCount(2);
        var pool = new WorkerPool();
        int seenOnWorker = 0;
        for (int job = 0; job < 3; job++)
        {
            // Long enough between jobs for the worker to give up spinning and sleep.
            Thread.Sleep(150);
            pool.Run(2, p =>
            {
                if (p == 1 && Thread.CurrentThread.Name?.StartsWith("Gated worker", StringComparison.Ordinal) == true)
                {
                    Interlocked.Increment(ref seenOnWorker);
                }
            });
        }

        Assert.Equal(3, seenOnWorker);
    }

    [Fact]
    public void PassesAFailureOnAndStaysUsable()
    {
        using var threads = new ThreadCount(2);
        var pool = new WorkerPool();
        var error = Assert.Throws<InvalidOperationException>(() => pool.Run(4, p =>
        {
            if (p == 3)
            {
                throw new InvalidOperationException("part 3");
            }
        }));
        Assert.Equal("part 3", error.Message);
        int sum = 0;
        pool.Run(4, p => Interlocked.Add(ref sum, p));
        Assert.Equal(6, sum);
    }

    [Fact]
    public void NestedAndConcurrentJobsRunInline()
    {
        using var threads = new ThreadCount(2);
        var pool = new WorkerPool();
        int inner = 0;
        pool.Run(2, _ => pool.Run(3, _ => Interlocked.Increment(ref inner)));
        Assert.Equal(6, inner);

        int total = 0;
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 200; i++)
            {
                pool.Run(5, _ => Interlocked.Increment(ref total));
            }
        });
        Assert.Equal(4 * 200 * 5, total);
    }

    [MultiCoreFact]
    public void PartsRunTogetherMeetAtEveryBarrier()
    {
        using var threads = new ThreadCount(2);
        var pool = new WorkerPool();
        var barrier = new SpinBarrier();
        barrier.Reset(2);
        var written = new int[2];
        int mismatches = 0;
        bool ran = pool.TryRunTogether(2, p =>
        {
            for (int phase = 1; phase <= 20_000; phase++)
            {
                // Write, meet, read the other's write, meet: a part running ahead would see a stale or newer value.
                written[p] = phase;
                barrier.SignalAndWait();
                if (Volatile.Read(ref written[1 - p]) != phase)
                {
                    Interlocked.Increment(ref mismatches);
                }

                barrier.SignalAndWait();
            }
        });
        Assert.True(ran);
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void RunTogetherRefusesWhatItCannotRunAtOnce()
    {
        var pool = new WorkerPool();
        int calls = 0;
        using (new ThreadCount(2))
        {
            Assert.False(pool.TryRunTogether(Environment.ProcessorCount + 1, _ => Interlocked.Increment(ref calls)));
            Assert.False(pool.TryRunTogether(1, _ => Interlocked.Increment(ref calls)));
            bool innerRan = true;
            pool.Run(2, p =>
            {
                if (p == 0)
                {
                    innerRan = pool.TryRunTogether(2, _ => Interlocked.Increment(ref calls));
                }
            });
            Assert.False(innerRan);
        }

        using (new ThreadCount(1))
        {
            Assert.False(pool.TryRunTogether(2, _ => Interlocked.Increment(ref calls)));
        }

        Assert.Equal(0, calls);
    }

    [MultiCoreFact]
    public void AFailingPartBreaksTheBarrierInsteadOfHanging()
    {
        using var threads = new ThreadCount(2);
        var pool = new WorkerPool();
        var barrier = new SpinBarrier();
        barrier.Reset(2);
        bool waiterReturned = false;
        var error = Assert.Throws<InvalidOperationException>(() => pool.TryRunTogether(2, p =>
        {
            if (p == 1)
            {
                barrier.Break();
                throw new InvalidOperationException("part 1");
            }

            waiterReturned = !barrier.SignalAndWait();
        }));
        Assert.Equal("part 1", error.Message);
        Assert.True(waiterReturned);
    }
}
