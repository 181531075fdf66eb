using BenchmarkDotNet.Running;
using StaticCnn.Benchmarks;

if (args.Length > 0 && args[0] == "peak")
{
    Console.WriteLine($"fp32 FMA peak, 1 thread: AVX-512 {FmaPeak.Measure(avx512: true):F1} GFLOP/s, AVX2 {FmaPeak.Measure(avx512: false):F1} GFLOP/s");
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(FmaPeak).Assembly).Run(args);
