using Gated.Threading;
using Xunit;

namespace Gated.Tests.Threading;

/// <summary>Sets <see cref="Engine.Threads"/> for a test and puts the previous value back.</summary>
internal sealed class ThreadCount : IDisposable
{
    private readonly int _previous = Engine.Threads;

    public ThreadCount(int threads) => Engine.Threads = threads;

    public void Dispose() => Engine.Threads = _previous;
}

/// <summary>Tests that change the process-wide thread count run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountCollection
{
    public const string Name = "Engine.Threads";
}
