namespace Gated.Threading;

/// <summary>
/// Process-wide engine settings. Threads is how many cores a training or inference call may use (the caller's
/// thread plus persistent workers); like PyTorch, it defaults to every core the process can see. Results do not
/// depend on it: work is split so that each value is computed the same way whatever the count (tested).
/// </summary>
public static class Parallelism
{
    /// <summary>The most <see cref="Threads"/> may be.</summary>
    public const int MaxThreads = 256;

    private static int s_threads = Math.Max(1, Environment.ProcessorCount);

    /// <summary>The instruction set dynamic int8 products run on here, fixed for the process: AVX-VNNI, AVX-512BW, AVX2 or scalar.</summary>
    public static string Int8InstructionSet => Kernels.Int8Gemm.DefaultPath switch
    {
        Kernels.Int8Path.AvxVnni => "AVX-VNNI",
        Kernels.Int8Path.Avx512 => "AVX-512BW",
        Kernels.Int8Path.Avx2 => "AVX2",
        _ => "scalar",
    };

    /// <summary>Cores to use, 1 to <see cref="MaxThreads"/>; 1 runs everything on the calling thread.</summary>
    public static int Threads
    {
        get => Volatile.Read(ref s_threads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxThreads);
            Volatile.Write(ref s_threads, value);
        }
    }
}
