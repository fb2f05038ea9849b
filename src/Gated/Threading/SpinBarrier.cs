namespace Gated.Threading;

/// <summary>
/// A reusable barrier for the parts of one <see cref="WorkerPool.TryRunTogether"/> job, which all run at once:
/// a time loop split by hidden units meets here after every step, since the next step reads every unit of the
/// state. Waiting threads pause-spin, then yield (never sleep: a step is microseconds to milliseconds long).
/// A part that fails breaks the barrier, so the others return instead of waiting for it forever.
/// </summary>
internal sealed class SpinBarrier
{
    private const int PauseSpins = 2_000;
    private int _participants;
    private int _remaining;
    private int _phase;
    private volatile bool _broken;

    /// <summary>Readies the barrier for a job of this many parts; call before the job starts.</summary>
    public void Reset(int participants)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(participants, 1);
        _participants = participants;
        _remaining = participants;
        _broken = false;
    }

    /// <summary>Marks the job failed: every waiting and later arriving part returns false.</summary>
    public void Break() => _broken = true;

    /// <summary>Waits until every part has arrived; false when the barrier was broken (the caller should stop).</summary>
    public bool SignalAndWait()
    {
        // Read the phase before arriving: the last arrival advances it only after resetting the count, so a
        // part that runs ahead to the next barrier counts towards that one.
        int phase = Volatile.Read(ref _phase);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            Volatile.Write(ref _remaining, _participants);
            Volatile.Write(ref _phase, phase + 1);
            return !_broken;
        }

        var spinner = default(SpinWait);
        for (int spins = 0; Volatile.Read(ref _phase) == phase; spins++)
        {
            if (_broken)
            {
                return false;
            }

            if (spins < PauseSpins)
            {
                Thread.SpinWait(1);
            }
            else
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }

        return !_broken;
    }
}
