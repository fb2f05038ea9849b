using Gated.Threading;
using Xunit;

namespace Gated.Tests.Threading;

/// <summary>Sets <see cref="Parallelism.Threads"/> for a test and puts the previous value back.</summary>
internal sealed class ThreadCount : IDisposable
{
    private readonly int _previous = Parallelism.Threads;

    public ThreadCount(int threads) => Parallelism.Threads = threads;

    public void Dispose() => Parallelism.Threads = _previous;
}

/// <summary>Tests that change the process-wide thread count run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountCollection
{
    public const string Name = "Parallelism.Threads";
}
