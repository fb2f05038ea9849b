using BenchmarkDotNet.Running;

namespace Gated.Benchmarks;

/// <summary>Entry point: pick benchmarks with BenchmarkDotNet's usual flags, e.g. <c>--filter '*Gemm*' --job short</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
